namespace HyperGen.Bench;

/// <summary>One operation the bench times: a step of an optimizer, or a copy, over buffers it already holds.</summary>
internal interface IMeasuredStep
{
    /// <summary>Performs the operation once. Must not allocate once warm.</summary>
    void Step();
}

/// <summary>
/// An operation with hyperparameters that a long run can drive to overflow. A tower refuses such a step (its
/// values stay finite), so the bench asks how many it refused.
/// </summary>
internal interface IRefusingStep
{
    /// <summary>
    /// Steps the optimizer refused because a value was NaN or infinite (they changed nothing); asked once, after the
    /// measurement (a GPU tower waits for the device and takes its refusal).
    /// </summary>
    long CountRefusedSteps();
}
