namespace HyperGen.Cli;

/// <summary>The exit codes of <c>hypergen</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary><c>check</c> found compile errors or a failed gradient check.</summary>
    public const int CheckFailed = 1;

    /// <summary>Bad input: a malformed option, spec, file or JSON document.</summary>
    public const int BadInput = 2;

    /// <summary>A bug in HyperGen itself (an exception nobody expected); the message asks for a report.</summary>
    public const int InternalError = 3;

    /// <summary>
    /// The run diverged: <c>trace</c> stopped at a step that met a NaN or an infinity (the loss, a gradient, a
    /// hyperparameter or a hypergradient, or a weight the step wrote), its output ending at the last good step
    /// (<c>--keep-going</c> traces such a run to its end and exits with <see cref="Success"/>); or <c>train</c>'s
    /// loss became non-finite, and its files end where it stopped.
    /// </summary>
    public const int Diverged = 4;
}
