using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;

namespace HyperGen.Tests.Docs;

/// <summary>
/// Reads the ```csharp (also ```cs, ```c#) blocks of a Markdown page with their markers; the convention is described
/// in docs/README.md.
/// </summary>
internal static partial class MarkdownSnippets
{
    public static IReadOnlyList<MarkdownSnippet> Read(string path, string document)
    {
        string[] lines = File.ReadAllLines(path);
        var snippets = new List<MarkdownSnippet>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match fence = OpeningFence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            string indent = fence.Groups["indent"].Value;
            string language = fence.Groups["language"].Value;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && !ClosingFence().IsMatch(lines[end]))
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new InvalidDataException($"{document}:{i + 1}: the code block is never closed.");
            }

            i = end;
            if (!IsCSharp(language))
            {
                continue;
            }

            var code = new StringBuilder();
            for (int k = start; k < end; k++)
            {
                code.Append(lines[k].StartsWith(indent, StringComparison.Ordinal) ? lines[k][indent.Length..] : lines[k]).Append('\n');
            }

            (SnippetKind kind, string argument) = ReadMarker(lines, start - 1, document);
            snippets.Add(new MarkdownSnippet(document, start + 1, kind, argument, code.ToString()));
        }

        return snippets;
    }

    private static bool IsCSharp(string language) =>
        language.Equals("csharp", StringComparison.OrdinalIgnoreCase)
        || language.Equals("cs", StringComparison.OrdinalIgnoreCase)
        || language.Equals("c#", StringComparison.OrdinalIgnoreCase);

    /// <summary>The marker on the nearest non-blank line above the fence, if that line is a snippet comment.</summary>
    private static (SnippetKind Kind, string Argument) ReadMarker(string[] lines, int fenceIndex, string document)
    {
        int above = fenceIndex - 1;
        while (above >= 0 && string.IsNullOrWhiteSpace(lines[above]))
        {
            above--;
        }

        if (above < 0)
        {
            return (SnippetKind.File, "");
        }

        Match marker = MarkerComment().Match(lines[above]);
        if (!marker.Success)
        {
            return (SnippetKind.File, "");
        }

        string text = marker.Groups["marker"].Value.Trim();
        Match fragment = Regex.Match(text, @"^fragment(?:\((?<parameters>.*)\))?$", RegexOptions.CultureInvariant);
        if (fragment.Success)
        {
            return (SnippetKind.Fragment, fragment.Groups["parameters"].Value);
        }

        Match error = Regex.Match(text, @"^error (?<id>HG\d{4})$", RegexOptions.CultureInvariant);
        if (error.Success)
        {
            return (SnippetKind.Error, error.Groups["id"].Value);
        }

        Match generated = Regex.Match(text, @"^generated (?<name>[A-Za-z]+)$", RegexOptions.CultureInvariant);
        if (generated.Success)
        {
            return (SnippetKind.Generated, generated.Groups["name"].Value);
        }

        throw new InvalidDataException(
            $"{document}:{above + 1}: unknown snippet marker '{text}'; use fragment(parameters), error HGxxxx or generated Name (see docs/README.md).");
    }

    [GeneratedRegex(@"^(?<indent>\s*)```(?<language>[^\s`]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^\s*```\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ClosingFence();

    [GeneratedRegex(@"^\s*<!--\s*snippet:(?<marker>.*?)-->\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex MarkerComment();
}
