using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using HyperGen.Cli.Commands.Train;
using HyperGen.Optimizers;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>
/// The paper's Section 3.4: SGD towers of height 1..4 over base step sizes spanning orders of magnitude, each
/// trained from seeds 1..N; the final test error per (step size, height) cell shows how much taller towers
/// lessen the sensitivity to the initial step size.
/// </summary>
internal sealed class TowersExperiment(TrainRun train, int seeds, int epochs, TextWriter log)
{
    /// <summary>The tallest tower the paper's initialisation rule covers (three levels above the weights).</summary>
    public const int MaxHeight = 4;

    /// <summary>Trains every cell, step sizes outermost, and returns the cells in that order.</summary>
    public IReadOnlyList<TowerCell> Run(IReadOnlyList<double> stepSizes, IReadOnlyList<int> heights)
    {
        var cells = new List<TowerCell>(stepSizes.Count * heights.Count);
        int runs = stepSizes.Count * heights.Count * seeds;
        int done = 0;
        foreach (double alpha in stepSizes)
        {
            foreach (int height in heights)
            {
                TowerSpec spec = SpecFor(alpha, height);
                IReadOnlyList<TowerRunResult> seedRuns = SeedRuns.Train(train, spec, epochs, seeds, (seed, run) => log.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"[{++done}/{runs}] step size {alpha:G3}  height {height}  seed {seed}  test error {run.Training.TestErrorPercent:F2} %  final level-1 alpha {run.FinalLevels[0][0].Value:G4}{(run.Training.Diverged ? "  DIVERGED" : "")}")));

                cells.Add(new TowerCell(alpha, height, spec, seedRuns));
            }
        }

        return cells;
    }

    /// <summary>
    /// SGD(<paramref name="alpha"/>) under <paramref name="height"/> - 1 SGD levels initialised as in the paper:
    /// levels 2, 3, 4 start at alpha x [1e2, 1, 1e-2] for alpha below 1e-3, and at [alpha x 1e-3, alpha x 1e-4,
    /// 1e-8] from 1e-3 up.
    /// </summary>
    public static TowerSpec SpecFor(double alpha, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxHeight);
        double[] upper = alpha < 1e-3 ? [alpha * 1e2, alpha, alpha * 1e-2] : [alpha * 1e-3, alpha * 1e-4, 1e-8];
        var levels = new List<LevelSpec> { SgdLevel(alpha) };
        for (int level = 2; level <= height; level++)
        {
            levels.Add(SgdLevel(upper[level - 2]));
        }

        return new TowerSpec(levels);
    }

    private static LevelSpec SgdLevel(double alpha) =>
        new(Sgd.Definition, new Dictionary<string, double> { ["alpha"] = alpha });
}

/// <summary>One (step size, height) cell of the tower experiment.</summary>
/// <param name="StepSize">Level 1's initial step size.</param>
/// <param name="Height">Levels in the tower (1 = plain SGD).</param>
/// <param name="Spec">The tower trained.</param>
/// <param name="Runs">One run per seed.</param>
internal sealed record TowerCell(double StepSize, int Height, TowerSpec Spec, IReadOnlyList<TowerRunResult> Runs)
{
    /// <summary>Final test error over the seeds.</summary>
    public SeedStatistics TestError => SeedStatistics.Of(Runs.Select(r => r.Training.TestErrorPercent).ToArray());

    /// <summary>How many seeds diverged.</summary>
    public int DivergedCount => Runs.Count(r => r.Training.Diverged);
}
