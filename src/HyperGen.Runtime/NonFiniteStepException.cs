using System;

namespace HyperGen;

/// <summary>
/// Thrown by a tower step that met a NaN or an infinity (with <see cref="NonFinitePolicy.Throw"/>); the step changed
/// nothing.
/// </summary>
public sealed class NonFiniteStepException : ArithmeticException
{
    /// <summary>Creates the exception with a generic message; towers use the detailed constructor.</summary>
    public NonFiniteStepException()
        : this("A tower step met a value that is not finite.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and no location.</summary>
    public NonFiniteStepException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, wrapping <paramref name="innerException"/>.</summary>
    public NonFiniteStepException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a value at a known place.</summary>
    /// <param name="message">The description.</param>
    /// <param name="quantity">What held the value.</param>
    /// <param name="level">The 1-based level the quantity belongs to.</param>
    /// <param name="hyperParameter">The hyperparameter's name, for hyperparameters and hypergradients.</param>
    /// <param name="parameterIndex">The weight's index over all tensors, for gradients.</param>
    public NonFiniteStepException(string message, NonFiniteQuantity quantity, int level, string? hyperParameter, long? parameterIndex)
        : base(message)
    {
        Quantity = quantity;
        Level = level;
        HyperParameter = hyperParameter;
        ParameterIndex = parameterIndex;
    }

    /// <summary>What held the value.</summary>
    public NonFiniteQuantity Quantity { get; }

    /// <summary>The 1-based level: 1 for the loss and the gradients, the level whose hyperparameter it is otherwise.</summary>
    public int Level { get; }

    /// <summary>The hyperparameter whose value or hypergradient was not finite; null for the loss and gradients.</summary>
    public string? HyperParameter { get; }

    /// <summary>For a gradient, the index of the first non-finite one over all tensors (flat order); null otherwise.</summary>
    public long? ParameterIndex { get; }

    /// <summary>
    /// What was not finite, in the words every tower uses (the CPU tower's exception, the GPU tower's refusal): the
    /// start of the message, before what became of the step.
    /// </summary>
    /// <param name="quantity">What held the value.</param>
    /// <param name="level">The 0-based level it belongs to.</param>
    /// <param name="hyperParameter">The hyperparameter's name, for hyperparameters and hypergradients.</param>
    /// <param name="gradient">The gradient named, for gradients ("Gradient 12", with its tensor where there are several).</param>
    internal static string Describe(NonFiniteQuantity quantity, int level, string? hyperParameter, string? gradient) => quantity switch
    {
        NonFiniteQuantity.Loss => "The loss is not finite",
        NonFiniteQuantity.Gradient => $"{gradient} is not finite",
        NonFiniteQuantity.HyperParameter => $"Level {level + 1}'s hyperparameter '{hyperParameter}' is not finite",
        NonFiniteQuantity.Hypergradient when level == 0 =>
            $"Level 1's hypergradient for '{hyperParameter}' is not finite although every gradient is (the previous step's " +
            "partials or inputs, its gradients or the state it started from, hold a NaN or an infinity, or the sum overflowed)",
        NonFiniteQuantity.Hypergradient => $"Level {level + 1}'s hypergradient for '{hyperParameter}' is not finite",
        _ => $"Level {level + 2}'s update of level {level + 1}'s hyperparameter '{hyperParameter}' is not finite",
    };
}
