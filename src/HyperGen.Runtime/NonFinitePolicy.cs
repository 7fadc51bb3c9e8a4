namespace HyperGen;

/// <summary>What a tower does with a step whose inputs or hypergradients are not finite.</summary>
/// <remarks>
/// Under <see cref="Throw"/> and <see cref="SkipStep"/> such a step changes nothing: weights, state, hyperparameters
/// and step counters stay as they were.
/// </remarks>
public enum NonFinitePolicy
{
    /// <summary>Throw a <see cref="NonFiniteStepException"/> that names where the first non-finite value is.</summary>
    Throw,

    /// <summary>Skip the step silently and count it in <see cref="Tower{T}.SkippedStepCount"/>.</summary>
    SkipStep,

    /// <summary>
    /// Check nothing: NaN and infinities flow through the step as IEEE arithmetic makes them. For callers that check
    /// their losses themselves; it saves the one pass that reads the gradients at Depth 1 and at the first step.
    /// </summary>
    Unchecked,
}

/// <summary>Which quantity of a step held a NaN or an infinity.</summary>
public enum NonFiniteQuantity
{
    /// <summary>The loss passed to the step.</summary>
    Loss,

    /// <summary>A gradient of the weights; <see cref="NonFiniteStepException.ParameterIndex"/> says which.</summary>
    Gradient,

    /// <summary>A hyperparameter's value before the step.</summary>
    HyperParameter,

    /// <summary>
    /// A hypergradient: at level 1, from finite gradients, it means the previous step's recorded partials or inputs
    /// (previous gradients, the state that step started from) were not finite, or the sum overflowed.
    /// </summary>
    Hypergradient,

    /// <summary>A hyperparameter's new value, as the level above computed it.</summary>
    UpdatedHyperParameter,
}
