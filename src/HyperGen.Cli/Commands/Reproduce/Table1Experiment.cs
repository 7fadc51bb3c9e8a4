using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using HyperGen.Cli.Commands.Train;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>
/// Runs Table 1's rows for seeds 1..N in the paper's order. A re-run row trains the previous row's level-1
/// optimizer alone, from the mean (over the seeds that did not diverge) of the hyperparameters it ended with.
/// </summary>
internal sealed class Table1Experiment(TrainRun train, int seeds, double epochScale, TextWriter log)
{
    /// <summary>Runs <paramref name="rows"/> and returns one result per row, in order.</summary>
    public IReadOnlyList<Table1RowResult> Run(IReadOnlyList<Table1Row> rows)
    {
        var results = new List<Table1RowResult>(rows.Count);
        int runs = rows.Count * seeds;
        int done = 0;
        foreach (Table1Row row in rows)
        {
            int epochs = ScaledEpochs(row.Epochs, epochScale);
            (TowerSpec? spec, string label) = row.IsRerun ? RerunOf(results[^1]) : (TowerSpec.Parse(row.Tower!), row.Label);
            if (spec is null)
            {
                log.WriteLine($"{row.Label}: not run: every seed of the row it re-runs diverged");
                results.Add(new Table1RowResult(row, label, null, epochs, []));
                done += seeds;
                continue;
            }

            IReadOnlyList<TowerRunResult> seedRuns = SeedRuns.Train(train, spec, epochs, seeds, (seed, run) => log.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"[{++done}/{runs}] {label}  seed {seed}  {epochs} epochs  test error {run.Training.TestErrorPercent:F2} %  {run.Training.MeanSecondsPerEpoch:F2} s/epoch{(run.Training.Diverged ? "  DIVERGED" : "")}")));

            results.Add(new Table1RowResult(row, label, spec, epochs, seedRuns));
        }

        return results;
    }

    /// <summary>The paper's epochs times <paramref name="scale"/>, rounded, at least 1.</summary>
    public static int ScaledEpochs(int paperEpochs, double scale) => Math.Max(1, (int)Math.Round(paperEpochs * scale));

    /// <summary>The plain level-1 optimizer of <paramref name="source"/> from its mean learned hyperparameters.</summary>
    private static (TowerSpec? Spec, string Label) RerunOf(Table1RowResult source)
    {
        string baseName = source.Row.Label.Split(" /")[0];
        IReadOnlyList<KeyValuePair<string, double>>? learned = source.MeanFinalLevel1;
        if (source.Spec is null || learned is null)
        {
            return (null, baseName + "(learned)");
        }

        var overrides = learned.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var spec = new TowerSpec([new LevelSpec(source.Spec.Levels[0].Definition, overrides)]);
        string values = string.Join(", ", learned.Select(p => p.Key + "=" + p.Value.ToString("G4", CultureInfo.InvariantCulture)));
        return (spec, $"{baseName}({values})");
    }
}

/// <summary>The outcome of one Table 1 row over all seeds.</summary>
/// <param name="Row">The row.</param>
/// <param name="Label">The label to print: the paper's, or for a re-run row the optimizer with the values it started from.</param>
/// <param name="Spec">The tower trained; null when the row could not run.</param>
/// <param name="Epochs">Epochs per run.</param>
/// <param name="Runs">One run per seed, seed 1 first.</param>
internal sealed record Table1RowResult(Table1Row Row, string Label, TowerSpec? Spec, int Epochs, IReadOnlyList<TowerRunResult> Runs)
{
    /// <summary>The runs that did not diverge.</summary>
    public IEnumerable<TowerRunResult> FiniteRuns => Runs.Where(r => !r.Training.Diverged);

    /// <summary>Test error over the seeds (diverged runs included, with the error of the weights they stopped at).</summary>
    public SeedStatistics TestError => SeedStatistics.Of(Runs.Select(r => r.Training.TestErrorPercent).ToArray());

    /// <summary>Training seconds per epoch over the seeds.</summary>
    public SeedStatistics SecondsPerEpoch => SeedStatistics.Of(Runs.Select(r => r.Training.MeanSecondsPerEpoch).ToArray());

    /// <summary>How many seeds diverged.</summary>
    public int DivergedCount => Runs.Count(r => r.Training.Diverged);

    /// <summary>The final level-1 hyperparameters averaged over the runs that did not diverge; null when all did.</summary>
    public IReadOnlyList<KeyValuePair<string, double>>? MeanFinalLevel1
    {
        get
        {
            TowerRunResult[] finite = FiniteRuns.ToArray();
            if (finite.Length == 0)
            {
                return null;
            }

            return finite[0].FinalLevels[0]
                .Select((pair, j) => new KeyValuePair<string, double>(pair.Key, finite.Average(r => r.FinalLevels[0][j].Value)))
                .ToArray();
        }
    }
}
