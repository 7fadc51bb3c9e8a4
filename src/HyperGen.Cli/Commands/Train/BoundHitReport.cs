using System.Collections.Generic;
using System.Globalization;

namespace HyperGen.Cli.Commands.Train;

/// <summary>Says which hyperparameters of a level were held at a bound, and how often.</summary>
internal static class BoundHitReport
{
    /// <summary><c>"  (held at a bound: alpha 12 steps)"</c>, or empty when no bound was hit.</summary>
    public static string Describe(TowerLevel level)
    {
        long[] hits = new long[level.Definition.HyperParameters.Count];
        for (int j = 0; j < hits.Length; j++)
        {
            hits[j] = level.GetBoundHits(j);
        }

        return Describe(level.Definition, hits);
    }

    /// <summary>The same from a level's optimizer and its hit counts, one per hyperparameter (a GPU tower's).</summary>
    public static string Describe(OptimizerDefinition definition, IReadOnlyList<long> hits)
    {
        var parts = new List<string>();
        for (int j = 0; j < definition.HyperParameters.Count; j++)
        {
            if (hits[j] > 0)
            {
                parts.Add($"{definition.HyperParameters[j].Name} {hits[j].ToString(CultureInfo.InvariantCulture)} steps");
            }
        }

        return parts.Count == 0 ? "" : $"  (held at a bound: {string.Join(", ", parts)})";
    }
}
