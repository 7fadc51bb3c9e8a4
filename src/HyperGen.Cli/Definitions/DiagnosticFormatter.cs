using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace HyperGen.Cli.Definitions;

/// <summary>Writes diagnostics the way compilers do: <c>file(line,col): error ID: message</c>, 1-based, one line each.</summary>
internal static partial class DiagnosticFormatter
{
    /// <summary>Formats one diagnostic; <paramref name="isError"/> decides the word, which may differ from its severity.</summary>
    public static string Format(Diagnostic diagnostic, bool isError)
    {
        string severity = isError ? "error" : "warning";
        string message = LineBreaks().Replace(diagnostic.GetMessage(CultureInfo.InvariantCulture), " ");

        // Not Location.IsInSource: a generator reports through locations rebuilt from file, span and line span
        // (its models may hold no syntax tree), and those are "external file" locations that still know their
        // line. The mapped span also honours #line, as the compiler's own output does.
        FileLinePositionSpan span = diagnostic.Location.GetMappedLineSpan();
        if (!span.IsValid)
        {
            return $"hypergen: {severity} {diagnostic.Id}: {message}";
        }

        int line = span.StartLinePosition.Line + 1;
        int column = span.StartLinePosition.Character + 1;
        return string.Create(CultureInfo.InvariantCulture, $"{span.Path}({line},{column}): {severity} {diagnostic.Id}: {message}");
    }

    /// <summary>Messages that quote code may span lines; one diagnostic stays one line, as tools that parse it expect.</summary>
    [GeneratedRegex(@"\s*\r?\n\s*")]
    private static partial Regex LineBreaks();
}
