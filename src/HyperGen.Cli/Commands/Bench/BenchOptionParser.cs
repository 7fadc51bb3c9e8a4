using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HyperGen.Bench;

namespace HyperGen.Cli.Commands.Bench;

/// <summary>Turns the text of <c>hypergen bench</c>'s list options into a plan; bad input names the option and the value.</summary>
internal static class BenchOptionParser
{
    /// <summary>The largest N: a 2^28-element buffer is 1 GiB in float, and an Adam tower holds nine of them.</summary>
    public const int MaxSize = 1 << 28;

    /// <summary>The budget is per row; an hour per row is surely a typo.</summary>
    public const int MaxBudgetMilliseconds = 3_600_000;

    /// <summary>Parses <c>--n</c>: sizes as digits or powers of two (<c>2^20</c>), comma-separated.</summary>
    public static int[] ParseSizes(string text) =>
        [.. SplitList("--n", text).Select(item => ParseSize(item)).Distinct().Order()];

    /// <summary>Parses <c>--depths</c>: depths between 1 and <see cref="HyperOptimizeAttribute.MaxDepth"/>.</summary>
    public static int[] ParseDepths(string text) =>
        [.. SplitList("--depths", text).Select(ParseDepth).Distinct().Order()];

    /// <summary>Parses <c>--optimizers</c>: names of the built-in optimizers, in the order given.</summary>
    public static OptimizerDefinition[] ParseOptimizers(string text, OptimizerCatalog catalog)
    {
        var definitions = new List<OptimizerDefinition>();
        foreach (string name in SplitList("--optimizers", text))
        {
            OptimizerDefinition definition = catalog.Find(name)
                ?? throw new CliInputException($"--optimizers: unknown optimizer '{name}' (known: {string.Join(", ", catalog.Names)})");
            if (!definitions.Contains(definition))
            {
                definitions.Add(definition);
            }
        }

        return [.. definitions];
    }

    /// <summary>Parses <c>--above</c>: <c>same</c> for the recursive tower, or one level such as <c>sgd(alpha=1e-5)</c>.</summary>
    public static TowerShape ParseShape(string text, OptimizerCatalog catalog)
    {
        if (string.Equals(text.Trim(), "same", StringComparison.OrdinalIgnoreCase))
        {
            return TowerShape.Recursive;
        }

        TowerSpec spec;
        try
        {
            spec = TowerSpec.Parse(text, catalog);
        }
        catch (TowerSpecException e)
        {
            throw new CliInputException($"--above: {e.Message}", e);
        }

        return spec.Depth == 1
            ? TowerShape.FixedAbove(spec.Levels[0])
            : throw new CliInputException($"--above: '{text}' has {spec.Depth} levels; give one level, repeated above level 1, or 'same'");
    }

    /// <summary>Checks <c>--budget-ms</c>.</summary>
    public static TimeSpan ParseBudget(int milliseconds) =>
        milliseconds is >= 1 and <= MaxBudgetMilliseconds
            ? TimeSpan.FromMilliseconds(milliseconds)
            : throw new CliInputException($"--budget-ms: must be between 1 and {MaxBudgetMilliseconds}, not {milliseconds}");

    private static string[] SplitList(string option, string text)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(string.IsNullOrEmpty))
        {
            throw new CliInputException($"{option}: '{text}' has an empty entry; write a comma-separated list such as {Example(option)}");
        }

        return items;
    }

    private static string Example(string option) => option switch
    {
        "--n" => "2^20,2^24",
        "--depths" => "1,2,3,32",
        _ => "sgd,adam,rmsprop",
    };

    private static int ParseSize(string item)
    {
        long value;
        int caret = item.IndexOf('^', StringComparison.Ordinal);
        if (caret >= 0)
        {
            if (item[..caret] != "2" || !int.TryParse(item[(caret + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int exponent) || exponent > 62)
            {
                throw new CliInputException($"--n: '{item}' is not a size; write digits or a power of two such as 2^20");
            }

            value = 1L << exponent;
        }
        else if (!long.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            throw new CliInputException($"--n: '{item}' is not a size; write digits or a power of two such as 2^20");
        }

        return value is >= 1 and <= MaxSize
            ? (int)value
            : throw new CliInputException($"--n: {item} is out of range: between 1 and 2^28 ({MaxSize}) parameters");
    }

    private static int ParseDepth(string item) =>
        int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int depth) && depth is >= 1 and <= HyperOptimizeAttribute.MaxDepth
            ? depth
            : throw new CliInputException($"--depths: '{item}' is not a depth between 1 and {HyperOptimizeAttribute.MaxDepth}");
}
