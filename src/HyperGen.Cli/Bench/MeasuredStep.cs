namespace HyperGen.Cli.Bench;

/// <summary>One operation the bench times: a step of an optimizer, or a copy, over buffers it already holds.</summary>
internal interface IMeasuredStep
{
    /// <summary>Performs the operation once. Must not allocate once warm.</summary>
    void Step();
}
