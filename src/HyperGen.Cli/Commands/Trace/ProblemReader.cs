using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace HyperGen.Cli.Commands.Trace;

/// <summary>
/// Reads and validates the problem file of <c>hypergen trace</c>:
/// <c>{"a":[..],"b":[..],"w0":[..],"noise":[[..],..],"steps":K}</c>, noise optional. Every error names the file and
/// the field, or the line and position of a syntax error.
/// </summary>
internal static class ProblemReader
{
    private static readonly string[] Fields = ["a", "b", "w0", "noise", "steps"];

    /// <exception cref="CliInputException">The file cannot be read or does not describe a valid problem.</exception>
    public static QuadraticProblem Read(string path)
    {
        string text = InputFiles.ReadAllText(path, "problem file");
        return Parse(text, path);
    }

    /// <summary>Parses <paramref name="json"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="CliInputException">The text does not describe a valid problem.</exception>
    public static QuadraticProblem Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new CliInputException($"{source}: invalid JSON at {Where(e)}: {WithoutPosition(e.Message)}", e);
        }

        using (document)
        {
            return FromElement(document.RootElement, source);
        }
    }

    private static QuadraticProblem FromElement(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"expected an object with fields a, b, w0, steps (and optionally noise), found {Describe(root)}");
        }

        var seen = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (Array.IndexOf(Fields, property.Name) < 0)
            {
                throw Invalid(source, $"unknown field '{property.Name}' (the fields are {string.Join(", ", Fields)})");
            }

            if (!seen.TryAdd(property.Name, property.Value))
            {
                throw Invalid(source, $"field '{property.Name}' is given twice");
            }
        }

        double[] a = ReadVector(Require(seen, "a", source), "a", source);
        if (a.Length == 0)
        {
            throw Invalid(source, "field 'a' is empty: the problem needs at least one weight");
        }

        double[] b = ReadVector(Require(seen, "b", source), "b", source);
        double[] w0 = ReadVector(Require(seen, "w0", source), "w0", source);
        CheckLength(b, a.Length, "b", source);
        CheckLength(w0, a.Length, "w0", source);
        double[][] noise = seen.TryGetValue("noise", out JsonElement noiseElement)
            ? ReadNoise(noiseElement, a.Length, source)
            : [];
        int steps = ReadSteps(Require(seen, "steps", source), source);
        return new QuadraticProblem(a, b, w0, noise, steps);
    }

    private static JsonElement Require(Dictionary<string, JsonElement> fields, string name, string source) =>
        fields.TryGetValue(name, out JsonElement value)
            ? value
            : throw Invalid(source, $"missing field '{name}'");

    private static double[] ReadVector(JsonElement element, string field, string source)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(source, $"field '{field}' must be an array of numbers, found {Describe(element)}");
        }

        var values = new double[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            values[i] = ReadNumber(item, $"{field}[{i}]", source);
            i++;
        }

        return values;
    }

    private static double[][] ReadNoise(JsonElement element, int size, string source)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(source, $"field 'noise' must be an array of rows, found {Describe(element)}");
        }

        if (element.GetArrayLength() == 0)
        {
            throw Invalid(source, "field 'noise' has no rows; leave it out for a problem without noise");
        }

        var rows = new double[element.GetArrayLength()][];
        int r = 0;
        foreach (JsonElement row in element.EnumerateArray())
        {
            string name = $"noise[{r}]";
            rows[r] = ReadVector(row, name, source);
            CheckLength(rows[r], size, name, source);
            r++;
        }

        return rows;
    }

    private static double ReadNumber(JsonElement element, string field, string source)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            throw Invalid(source, $"field '{field}' must be a number, found {Describe(element)}");
        }

        // Numbers beyond the double range read as infinite (or fail to read): neither is a usable coefficient.
        if (!element.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw Invalid(source, $"field '{field}' = {element.GetRawText()} is not a finite double");
        }

        return value;
    }

    private static int ReadSteps(JsonElement element, string source)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int steps) || steps < 0)
        {
            throw Invalid(source, $"field 'steps' must be a whole number >= 0, found {Describe(element)}");
        }

        return steps;
    }

    private static void CheckLength(double[] values, int expected, string field, string source)
    {
        if (values.Length != expected)
        {
            throw Invalid(source, $"field '{field}' has {Numbers(values.Length)} but 'a' has {Numbers(expected)}; they must have the same length");
        }
    }

    private static string Numbers(int count) => count == 1 ? "1 number" : $"{count} numbers";

    private static CliInputException Invalid(string source, string problem) => new($"{source}: {problem}");

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        JsonValueKind.Null => "null",
        _ => element.GetRawText(),
    };

    /// <summary>1-based line and position; System.Text.Json counts both from 0.</summary>
    private static string Where(JsonException e) =>
        e.LineNumber is long line && e.BytePositionInLine is long position
            ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, position {position + 1}")
            : "an unknown position";

    /// <summary>The reader appends "LineNumber: x | BytePositionInLine: y." to its messages; the CLI says it better.</summary>
    private static string WithoutPosition(string message)
    {
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).Trim();
    }
}
