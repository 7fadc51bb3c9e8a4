namespace HyperGen.Cli.Commands.Check;

/// <summary>The outcome of checking the partial derivatives of one optimizer's weights with respect to one hyperparameter.</summary>
/// <param name="Optimizer">The optimizer's name.</param>
/// <param name="HyperParameter">The hyperparameter's name.</param>
/// <param name="MaxError">The worst error over all points (see <see cref="GradientChecker"/>); NaN when a value was not finite.</param>
/// <param name="Failure">Why the check could not be made (the kernel threw), or null.</param>
internal sealed record GradientCheckResult(string Optimizer, string HyperParameter, double MaxError, string? Failure)
{
    /// <summary>Whether the generated partials agree with the finite differences.</summary>
    public bool Passed => Failure is null && MaxError <= GradientChecker.Tolerance;
}
