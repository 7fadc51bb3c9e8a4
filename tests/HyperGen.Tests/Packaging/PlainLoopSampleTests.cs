using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// The interop sample, <c>samples/PlainLoop</c>, run as a user runs it: its own files and project, built against the
/// packed HyperGen package (nothing references a sample), then started as a program whose output is read. It trains
/// with a hand-written loop whose parameters live in a managed array, in native memory, or in two tensors of both
/// kinds, stepped in place by the same tower. One build and run (about 20 seconds) serves every assertion.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class PlainLoopSampleTests(PackedPackages packages)
{
    private static readonly Regex OutcomeLine = new(
        @"^(?<memory>array|native memory|several tensors) +loss (?<initial>[0-9.]+) -> (?<final>[0-9.]+)  accuracy (?<accuracy>[0-9.]+) %  tuned alpha (?<alpha>\S+)$",
        RegexOptions.Multiline | RegexOptions.CultureInvariant);

    [Fact]
    public void The_sample_trains_in_every_kind_of_memory_and_the_kinds_agree()
    {
        ConsumerProject sample = ConsumerProject.CopyOfSample(packages, "PlainLoop");
        DotnetResult build = sample.Build();
        Assert.True(build.ExitCode == 0, build.ToString());

        DotnetResult run = sample.RunProgram();
        Assert.True(run.ExitCode == 0, run.ToString());
        string output = run.Output.ReplaceLineEndings("\n");

        // A tower over a managed array, over native memory and over several tensors each trains the model and tunes alpha.
        string[] memories = OutcomeLine.Matches(output).Select(m => m.Groups["memory"].Value).ToArray();
        Assert.True(memories.SequenceEqual(["array", "native memory", "several tensors"]), output);
        foreach (Match outcome in OutcomeLine.Matches(output))
        {
            string memory = outcome.Groups["memory"].Value;
            Assert.Equal(MathF.Log(2), Number(outcome, "initial"), 1e-5);
            Assert.True(Number(outcome, "final") < 0.35, $"{memory}: the loss only fell to {outcome.Groups["final"].Value}.");
            Assert.True(Number(outcome, "accuracy") > 90, $"{memory}: accuracy {outcome.Groups["accuracy"].Value} %.");

            // SGD at level 2 moved Adam's alpha away from its initial 0.01.
            Assert.True(Math.Abs(Number(outcome, "alpha") - 0.01) > 1e-3, $"{memory}: alpha stayed at {outcome.Groups["alpha"].Value}.");
        }

        // Native memory and a managed array give the same parameters bit for bit.
        Assert.Contains("native memory vs array: the same parameters and alpha, bit for bit\n", output, StringComparison.Ordinal);

        // Two tensors as one parameter set train like one flat buffer: the hypergradient is one sum over both tensors
        // either way; only the order of the float additions differs.
        Match tensors = Regex.Match(
            output, @"^several tensors vs array: parameters within (?<parameters>\S+) \(relative\), alpha within (?<alpha>\S+)$",
            RegexOptions.Multiline | RegexOptions.CultureInvariant);
        Assert.True(tensors.Success, output);
        Assert.True(Number(tensors, "parameters") <= 1e-4, tensors.Value);
        Assert.True(Number(tensors, "alpha") <= 1e-6, tensors.Value);

        // The native buffer refuses use after Dispose.
        Assert.Contains("a native buffer after Dispose: refuses use (ObjectDisposedException)\n", output, StringComparison.Ordinal);
    }

    private static double Number(Match match, string group) =>
        double.Parse(match.Groups[group].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
}
