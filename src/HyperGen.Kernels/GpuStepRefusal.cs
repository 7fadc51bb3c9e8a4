namespace HyperGen.Kernels;

/// <summary>
/// A step that a <see cref="GpuTower{T}"/> refused because it met a NaN or an infinity: what and where, in the terms
/// of <see cref="NonFiniteStepException"/>, and how many steps it stopped (it and every step enqueued after it, none
/// of which changed anything).
/// </summary>
public sealed class GpuStepRefusal
{
    internal GpuStepRefusal(int step, int refusedSteps, NonFiniteQuantity quantity, int level, string? hyperParameter, long? parameterIndex, string message)
    {
        Step = step;
        RefusedSteps = refusedSteps;
        Quantity = quantity;
        Level = level;
        HyperParameter = hyperParameter;
        ParameterIndex = parameterIndex;
        Message = message;
    }

    /// <summary>The 1-based index of the refused step.</summary>
    public int Step { get; }

    /// <summary>How many steps were refused: this one and those enqueued after it before the refusal was taken.</summary>
    public int RefusedSteps { get; }

    /// <summary>What held the value: a gradient, a hypergradient, or a hyperparameter's new value.</summary>
    public NonFiniteQuantity Quantity { get; }

    /// <summary>The 1-based level: 1 for the gradients, the level whose hyperparameter it is otherwise.</summary>
    public int Level { get; }

    /// <summary>The hyperparameter whose hypergradient or new value was not finite; null for gradients.</summary>
    public string? HyperParameter { get; }

    /// <summary>For a gradient, the lowest index of a non-finite one; null otherwise.</summary>
    public long? ParameterIndex { get; }

    /// <summary>What happened, in words.</summary>
    public string Message { get; }

    /// <summary>The refusal as the exception a CPU <see cref="Tower{T}"/> throws, for callers that stop on it.</summary>
    public NonFiniteStepException ToException() => new(Message, Quantity, Level, HyperParameter, ParameterIndex);

    /// <inheritdoc/>
    public override string ToString() => Message;
}
