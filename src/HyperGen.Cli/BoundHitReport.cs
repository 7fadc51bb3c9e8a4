using System.Collections.Generic;
using System.Globalization;

namespace HyperGen.Cli;

/// <summary>Says which hyperparameters of a level were held at a bound, and how often.</summary>
internal static class BoundHitReport
{
    /// <summary><c>"  (held at a bound: alpha 12 steps)"</c>, or empty when no bound was hit.</summary>
    public static string Describe(TowerLevel level)
    {
        var parts = new List<string>();
        for (int j = 0; j < level.Definition.HyperParameters.Count; j++)
        {
            long hits = level.GetBoundHits(j);
            if (hits > 0)
            {
                parts.Add($"{level.Definition.HyperParameters[j].Name} {hits.ToString(CultureInfo.InvariantCulture)} steps");
            }
        }

        return parts.Count == 0 ? "" : $"  (held at a bound: {string.Join(", ", parts)})";
    }
}
