using System;
using HyperGen.Training;
using Spectre.Console;

namespace HyperGen.Cli.Commands.Train;

/// <summary>One line per epoch, for logs: steps/s, losses, test error and the level-1 hyperparameters.</summary>
internal sealed class PlainProgressReporter(IAnsiConsole console, int epochs, string prefix = "") : IProgressReporter
{
    public void OnStep(StepReport step, ITowerReadout tower)
    {
    }

    public void OnEpoch(EpochReport epoch, ITowerReadout tower) =>
        console.WriteLine(FormattableString.Invariant(
            $"{prefix}epoch {epoch.Epoch}/{epochs}  {epoch.Steps / epoch.TrainSeconds,7:F1} steps/s  train loss {epoch.TrainLoss:F4}  test error {epoch.TestErrorPercent:F2} %  level 1: {ProgressDisplay.LevelOne(tower)}"));
}
