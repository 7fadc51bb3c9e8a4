using System.Globalization;
using Microsoft.CodeAnalysis;

namespace HyperGen.Cli;

/// <summary>Writes diagnostics the way compilers do: <c>file(line,col): error ID: message</c>, 1-based.</summary>
internal static class DiagnosticFormatter
{
    /// <summary>Formats one diagnostic; <paramref name="isError"/> decides the word, which may differ from its severity.</summary>
    public static string Format(Diagnostic diagnostic, bool isError)
    {
        string severity = isError ? "error" : "warning";
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        if (!diagnostic.Location.IsInSource)
        {
            return $"hypergen: {severity} {diagnostic.Id}: {message}";
        }

        // The mapped span honours #line directives, as the compiler's own output does; the path is the one the
        // tree was parsed with, which is the file as given on the command line.
        FileLinePositionSpan span = diagnostic.Location.GetMappedLineSpan();
        int line = span.StartLinePosition.Line + 1;
        int column = span.StartLinePosition.Character + 1;
        return string.Create(CultureInfo.InvariantCulture, $"{span.Path}({line},{column}): {severity} {diagnostic.Id}: {message}");
    }
}
