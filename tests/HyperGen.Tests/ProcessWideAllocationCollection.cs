using Xunit;

namespace HyperGen.Tests;

/// <summary>
/// Tests that count allocated bytes beyond their own thread (the bench counts every thread of the process; the
/// tower tests count the shared block scheduler's workers, which other tests' towers also use) must not run beside
/// tests that allocate: this collection runs alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideAllocationCollection
{
    public const string Name = "Process-wide allocation counts";
}
