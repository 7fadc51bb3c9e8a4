namespace HyperGen.Training.Numerics;

/// <summary>
/// A unit of work over an index range that <see cref="WorkerTeam"/> can split between threads. Jobs are
/// preallocated objects whose fields are set before each run, so dispatching one allocates nothing (a lambda
/// capturing spans or locals would allocate a closure per call, and spans cannot be captured at all).
/// </summary>
internal abstract class RangeJob
{
    /// <summary>Processes the indices in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public abstract void Execute(int start, int end);
}
