using System;
using System.Collections.Generic;

namespace HyperGen.Bench;

/// <summary>What one <c>hypergen bench</c> run measures.</summary>
/// <param name="Sizes">The parameter counts N, ascending.</param>
/// <param name="Optimizers">The level-1 optimizers of the towers.</param>
/// <param name="Depths">The tower depths, ascending.</param>
/// <param name="Precision">"float" or "double".</param>
/// <param name="Shape">How levels 2 and above are filled.</param>
/// <param name="Budget">The time spent on the timed repetitions of each row (warm-up comes on top).</param>
internal sealed record BenchPlan(
    IReadOnlyList<int> Sizes,
    IReadOnlyList<OptimizerDefinition> Optimizers,
    IReadOnlyList<int> Depths,
    string Precision,
    TowerShape Shape,
    TimeSpan Budget)
{
    /// <summary>Bytes per element of <see cref="Precision"/>.</summary>
    public int ElementSize => Precision == "double" ? sizeof(double) : sizeof(float);
}
