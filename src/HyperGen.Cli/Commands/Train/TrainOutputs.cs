using System;
using System.Collections.Generic;
using System.IO;

namespace HyperGen.Cli.Commands.Train;

/// <summary>The files a <c>train</c> run writes under <c>--out</c>: <c>steps.csv</c>, <c>log.json</c>, <c>summary.json</c> and <c>plot.png</c>.</summary>
/// <param name="Directory">The <c>--out</c> folder.</param>
internal sealed record TrainOutputs(string Directory)
{
    public string StepsPath => Path.Combine(Directory, "steps.csv");

    public string LogPath => Path.Combine(Directory, "log.json");

    public string SummaryPath => Path.Combine(Directory, "summary.json");

    public string PlotPath => Path.Combine(Directory, "plot.png");

    /// <summary>Writes the four files of <paramref name="run"/> and its baselines.</summary>
    /// <param name="info">The run's settings, for the JSON files.</param>
    /// <param name="run">The tower's outcome, over the whole run.</param>
    /// <param name="history">The tower's steps and epochs.</param>
    /// <param name="baselines">The baselines trained beside it; empty for none.</param>
    /// <param name="continueStepLog">Append to an existing <c>steps.csv</c> (a resumed run whose history was lost) rather than replace it.</param>
    /// <param name="plotTitle">The plot's title.</param>
    /// <exception cref="CliInputException">A file cannot be written.</exception>
    public void Write(
        TrainRunInfo info, TowerRunResult run, TrainingHistory history, IReadOnlyList<BaselineResult> baselines, bool continueStepLog, string plotTitle)
    {
        Output(StepsPath, () => TrainingLogWriter.WriteStepsCsv(StepsPath, history, append: continueStepLog));
        Output(LogPath, () => TrainingLogWriter.WriteLogJson(LogPath, info, run.Training, history, baselines));
        Output(SummaryPath, () => TrainingLogWriter.WriteSummary(SummaryPath, info, run, baselines));
        Output(PlotPath, () => TrainingPlot.Save(PlotPath, plotTitle, history, baselines));
    }

    /// <summary>The paths, for the run's last line.</summary>
    public override string ToString() => $"{StepsPath}, {LogPath}, {SummaryPath}, {PlotPath}";

    /// <summary>Runs <paramref name="write"/>, reporting a file that cannot be written as bad --out input.</summary>
    private static void Output(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--out: cannot write '{path}': {e.Message}", e);
        }
    }
}
