using System;
using System.Diagnostics;
using HyperGen.Training;
using Spectre.Console;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// A Spectre progress bar per epoch followed by steps/s, the running loss and the level-1 hyperparameters, refreshed a few times a second (not every step: formatting costs more than a step's logging).
/// </summary>
internal sealed class LiveProgressReporter : IProgressReporter
{
    private static readonly long RefreshTicks = Stopwatch.Frequency / 8;
    private readonly ProgressContext _context;
    private readonly StatusColumn _status;
    private readonly int _epochs;
    private readonly int _stepsPerEpoch;
    private readonly string _prefix;
    private ProgressTask? _task;
    private long _epochStart;
    private long _lastRefresh;
    private double _lossSum;

    public LiveProgressReporter(ProgressContext context, StatusColumn status, int epochs, int stepsPerEpoch, string prefix = "")
    {
        _context = context;
        _status = status;
        _epochs = epochs;
        _stepsPerEpoch = stepsPerEpoch;
        _prefix = prefix;
    }

    public void OnStep(StepReport step, ITowerReadout tower)
    {
        if (_task is null || step.StepInEpoch == 1)
        {
            _task = _context.AddTask(Markup.Escape($"{_prefix}epoch {step.Epoch}/{_epochs}"), maxValue: _stepsPerEpoch);
            _epochStart = Stopwatch.GetTimestamp();
            _lossSum = 0;
        }

        _lossSum += step.Loss;
        _task.Increment(1);
        long now = Stopwatch.GetTimestamp();
        if (now - _lastRefresh >= RefreshTicks)
        {
            _lastRefresh = now;
            double seconds = Stopwatch.GetElapsedTime(_epochStart, now).TotalSeconds;
            _status.Set(_task, FormattableString.Invariant(
                $"{step.StepInEpoch / Math.Max(seconds, 1e-9),7:F1} steps/s  loss {_lossSum / step.StepInEpoch:F4}  {ProgressDisplay.LevelOne(tower)}"));
        }
    }

    public void OnEpoch(EpochReport epoch, ITowerReadout tower)
    {
        if (_task is null)
        {
            return;
        }

        _status.Set(_task, FormattableString.Invariant(
            $"{epoch.Steps / epoch.TrainSeconds,7:F1} steps/s  loss {epoch.TrainLoss:F4}  test error {epoch.TestErrorPercent:F2} %  {ProgressDisplay.LevelOne(tower)}"));
        _task.Value = _task.MaxValue;
        _task.StopTask();
    }
}
