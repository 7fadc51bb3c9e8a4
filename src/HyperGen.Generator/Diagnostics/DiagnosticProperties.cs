namespace HyperGen.Generator.Diagnostics;

/// <summary>
/// Keys of the properties that diagnostics carry to the code fixes (which link this file), so a fix reads what the
/// generator already knew instead of deriving it again from the source.
/// </summary>
internal static class DiagnosticProperties
{
    /// <summary>
    /// On HG0011: the precision of the step, its weight's type as C# writes it (<c>float</c> or <c>double</c>), which
    /// the fix gives the parameter.
    /// </summary>
    public const string StepPrecision = "HyperGen.StepPrecision";
}
