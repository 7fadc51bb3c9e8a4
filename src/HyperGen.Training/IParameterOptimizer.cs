using System;

namespace HyperGen.Training;

/// <summary>
/// Updates the model's flat parameter vector from its gradient, once per training step. This is the only thing the
/// trainer needs from an optimizer, so any optimizer or optimizer tower plugs in through a small adapter, e.g. for a
/// HyperGen tower: <c>Step(weights, gradients) =&gt; tower.Step(weights, gradients)</c>, which refuses a step that
/// meets a NaN or an infinity (nothing changes), so the adapter returns false on a NonFiniteStepException.
/// </summary>
public interface IParameterOptimizer
{
    /// <summary>Updates <paramref name="weights"/> in place given the loss gradient <paramref name="gradients"/> (same length).</summary>
    /// <returns>
    /// False when the optimizer refused the step and left the weights as they were (a non-finite gradient or
    /// hyperparameter): the trainer then stops the run as diverged.
    /// </returns>
    bool Step(Span<float> weights, ReadOnlySpan<float> gradients);
}
