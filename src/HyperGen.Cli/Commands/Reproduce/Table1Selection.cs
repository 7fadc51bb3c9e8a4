using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>
/// Picks the Table 1 rows that <c>--rows</c> names. Each value is a family (sgd, adagrad, adam, rmsprop) or a row's
/// label (case and spaces ignored, e.g. <c>"adam/sgd(1e-5)"</c>). A hyperoptimized row always comes with its
/// re-run row, and a re-run row with the row it re-runs, since one needs the other.
/// </summary>
internal static class Table1Selection
{
    /// <summary>The selected rows in the paper's order; all rows when <paramref name="filters"/> is empty.</summary>
    /// <exception cref="CliInputException">A value names neither a family nor a row.</exception>
    public static IReadOnlyList<Table1Row> Select(IReadOnlyList<string> filters)
    {
        IReadOnlyList<Table1Row> all = Table1Rows.All;
        if (filters.Count == 0)
        {
            return all;
        }

        var chosen = new bool[all.Count];
        foreach (string filter in filters)
        {
            string key = filter.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
            bool matched = false;
            for (int i = 0; i < all.Count; i++)
            {
                if (all[i].Group == key || all[i].Key == key)
                {
                    chosen[i] = true;
                    matched = true;
                }
            }

            if (!matched)
            {
                throw new CliInputException(
                    $"--rows: '{filter}' names no row of Table 1; use a family (sgd, adagrad, adam, rmsprop) or a label: " +
                    string.Join(", ", all.Where(r => !r.IsRerun).Select(r => $"\"{r.Label}\"")));
            }
        }

        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].IsRerun && (chosen[i] || chosen[i - 1]))
            {
                chosen[i] = chosen[i - 1] = true;
            }
        }

        return all.Where((_, i) => chosen[i]).ToArray();
    }
}
