using System;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace HyperGen.Mpi.Tests;

/// <summary>
/// Two ranks under mpirun over the binding to Open MPI: the sharded tower against the one-process tower, the ordered
/// all-reduce, and the failures that must end a job within a bounded time instead of hanging it. Each job has a deadline.
/// </summary>
[Collection(nameof(MpiTests))]
public sealed partial class MpiTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("adam(alpha=0.01)", "float")]
    [InlineData("sgd(alpha=0.01, mu=0.9)/sgd(alpha=1e-8)", "double")]
    [InlineData("adam(alpha=0.01)/sgd(alpha=1e-9)/sgd(alpha=1e-20)", "float")]
    [InlineData("adam(alpha=0.01)/adam(alpha=1e-4)/sgd(alpha=1e-10)", "double")]
    public void Two_ranks_follow_the_one_process_tower_bit_for_bit(string spec, string precision)
    {
        Mpirun.Job job = Mpirun.Run(2, Deadline, ["tower", spec, precision, "40000,7,30000", "20"]);
        Assert.True(job.ExitCode == 0, job.Output);
        string[] ranks = RankLines(job.Output);
        Assert.Equal(2, ranks.Length);
        Assert.All(ranks, line => Assert.Contains("aligned=True identical=True max-relative-difference=0", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Two_ranks_whose_shards_split_a_block_agree_with_the_one_process_tower_to_rounding()
    {
        Mpirun.Job job = Mpirun.Run(2, Deadline, ["tower", "adam(alpha=0.01)/sgd(alpha=1e-9)/sgd(alpha=1e-20)", "double", "40000,7,30000", "20", "0,20000,70007"]);
        Assert.True(job.ExitCode == 0, job.Output);
        string[] ranks = RankLines(job.Output);
        Assert.Equal(2, ranks.Length);
        double[] differences = ranks.Select(line => double.Parse(Difference().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.All(differences, d => Assert.InRange(d, 0, 1e-9));
        Assert.Equal(differences[0], differences[1]);
    }

    [Fact]
    public void The_all_reduce_sums_in_rank_order_on_every_rank()
    {
        Mpirun.Job job = Mpirun.Run(2, Deadline, ["allreduce"]);
        Assert.True(job.ExitCode == 0, job.Output);
        Assert.Equal(2, RankLines(job.Output).Count(line => line.Contains("allreduce identical to the rank-order sum", StringComparison.Ordinal)));
    }

    [Fact]
    public void Ranks_started_with_different_towers_stop_at_start_up_with_one_line_each()
    {
        Mpirun.Job job = Mpirun.Run(2, Deadline, ["mismatch"]);
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("error: The ranks were started with different towers: rank 1 differs from rank 0", job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("built the tower", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rank_that_dies_ends_the_job_with_its_exit_code_instead_of_hanging_the_other()
    {
        Mpirun.Job job = Mpirun.Run(2, Deadline, ["die", "3"]);
        Assert.Equal(9, job.ExitCode);
        Assert.Contains("rank 1: dying at step 3", job.Output, StringComparison.Ordinal);
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(60), $"{job.Elapsed}\n{job.Output}");
    }

    [Fact]
    public void A_rank_that_hangs_makes_the_other_abort_the_job_after_the_collective_timeout()
    {
        Mpirun.Job job = Mpirun.Run(2, Deadline, ["hang", "3"], ("HYPERGEN_MPI_TIMEOUT", "3"));
        Assert.Equal(MpiWorld.TimeoutExitCode, job.ExitCode);
        Assert.Contains("rank 1: hanging at step 3", job.Output, StringComparison.Ordinal);
        Assert.Matches(@"HyperGen\.Mpi: rank 0 of 2: collective \d+ \(all-gather\) waited 3 s for the other ranks; one of them has died or hangs\. Aborting the job\.", job.Output);

        // Start-up, 3 s of waiting and the abort: well within the deadline, however slow the machine.
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(60), $"{job.Elapsed}\n{job.Output}");
    }

    private static string[] RankLines(string output) =>
        output.Split('\n').Select(line => RankLine().Match(line)).Where(m => m.Success).Select(m => m.Value).ToArray();

    [GeneratedRegex(@"rank \d+:.*")]
    private static partial Regex RankLine();

    [GeneratedRegex(@"max-relative-difference=(\S+)")]
    private static partial Regex Difference();
}
