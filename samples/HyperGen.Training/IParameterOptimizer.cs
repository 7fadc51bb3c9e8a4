using System;

namespace HyperGen.Training;

/// <summary>
/// Updates the model's flat parameter vector from its gradient, once per training step. This is the only thing the
/// trainer needs from an optimizer, so any optimizer or optimizer tower plugs in through a small adapter, e.g. for a
/// HyperGen tower: <c>Step(weights, gradients) =&gt; tower.Step(weights, gradients)</c>.
/// </summary>
public interface IParameterOptimizer
{
    /// <summary>Updates <paramref name="weights"/> in place given the loss gradient <paramref name="gradients"/> (same length).</summary>
    void Step(Span<float> weights, ReadOnlySpan<float> gradients);
}
