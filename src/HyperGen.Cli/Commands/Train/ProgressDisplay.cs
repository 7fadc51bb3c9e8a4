using System;
using System.Globalization;
using Spectre.Console;

namespace HyperGen.Cli.Commands.Train;

/// <summary>Chooses the live bar on a terminal and plain lines elsewhere, and runs the training inside it.</summary>
internal static class ProgressDisplay
{
    /// <summary>Runs <paramref name="train"/> with a progress reporter suited to <paramref name="console"/>.</summary>
    /// <param name="console">Where the progress goes.</param>
    /// <param name="interactive">Whether it is a terminal (a live bar) or not (a line per epoch).</param>
    /// <param name="epochs">The epochs of the whole run.</param>
    /// <param name="stepsPerEpoch">The steps of one epoch.</param>
    /// <param name="train">Trains, reporting to the progress it is given.</param>
    /// <param name="label">Names the run before each epoch's line or bar (a baseline's name); null for none.</param>
    public static T Run<T>(IAnsiConsole console, bool interactive, int epochs, int stepsPerEpoch, Func<IProgressReporter, T> train, string? label = null)
    {
        string prefix = label is null ? "" : label + ": ";
        if (!interactive)
        {
            return train(new PlainProgressReporter(console, epochs, prefix));
        }

        T result = default!;
        var status = new StatusColumn();
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn { Width = 24 },
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                status)
            .Start(context => result = train(new LiveProgressReporter(context, status, epochs, stepsPerEpoch, prefix)));
        return result;
    }

    /// <summary>The level-1 hyperparameters, for example <c>alpha=0.00123 beta1=0.9 beta2=0.999</c>.</summary>
    public static string LevelOne(ITowerReadout tower)
    {
        var hypers = tower.Spec.Levels[0].Definition.HyperParameters;
        var parts = new string[hypers.Count];
        for (int j = 0; j < parts.Length; j++)
        {
            parts[j] = hypers[j].Name + "=" + tower.GetValue(0, j).ToString("G4", CultureInfo.InvariantCulture);
        }

        return string.Join(' ', parts);
    }
}
