using System;
using System.Collections.Generic;
using HyperGen.Cli.Commands.Train;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>Trains one tower for some epochs from one seed, on the device the experiment runs on.</summary>
/// <param name="spec">The tower.</param>
/// <param name="epochs">Epochs to train.</param>
/// <param name="seed">Seeds the initial weights and the shuffles.</param>
internal delegate TowerRunResult TrainRun(TowerSpec spec, int epochs, int seed);

/// <summary>The experiments' inner loop: one configuration trained from seeds 1..N, one run after the other.</summary>
internal static class SeedRuns
{
    /// <summary>Trains <paramref name="spec"/> from each seed; <paramref name="onRun"/> hears of each run as it ends.</summary>
    public static IReadOnlyList<TowerRunResult> Train(TrainRun train, TowerSpec spec, int epochs, int seeds, Action<int, TowerRunResult> onRun)
    {
        var runs = new List<TowerRunResult>(seeds);
        for (int seed = 1; seed <= seeds; seed++)
        {
            TowerRunResult run = train(spec, epochs, seed);
            runs.Add(run);
            onRun(seed, run);
        }

        return runs;
    }
}
