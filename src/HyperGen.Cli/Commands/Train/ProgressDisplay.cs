using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HyperGen.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HyperGen.Cli.Commands.Train;

/// <summary>Reports a training run's progress: called after every step and every epoch.</summary>
internal interface IEpochProgress
{
    void OnStep(StepReport step, ITowerReadout tower);

    void OnEpoch(EpochReport epoch, ITowerReadout tower);
}

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
    public static T Run<T>(IAnsiConsole console, bool interactive, int epochs, int stepsPerEpoch, Func<IEpochProgress, T> train, string? label = null)
    {
        string prefix = label is null ? "" : label + ": ";
        if (!interactive)
        {
            return train(new PlainEpochProgress(console, epochs, prefix));
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
            .Start(context => result = train(new LiveEpochProgress(context, status, epochs, stepsPerEpoch, prefix)));
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

/// <summary>One line per epoch, for logs: steps/s, losses, test error and the level-1 hyperparameters.</summary>
internal sealed class PlainEpochProgress(IAnsiConsole console, int epochs, string prefix = "") : IEpochProgress
{
    public void OnStep(StepReport step, ITowerReadout tower)
    {
    }

    public void OnEpoch(EpochReport epoch, ITowerReadout tower) =>
        console.WriteLine(FormattableString.Invariant(
            $"{prefix}epoch {epoch.Epoch}/{epochs}  {epoch.Steps / epoch.TrainSeconds,7:F1} steps/s  train loss {epoch.TrainLoss:F4}  test error {epoch.TestErrorPercent:F2} %  level 1: {ProgressDisplay.LevelOne(tower)}"));
}

/// <summary>
/// A Spectre progress bar per epoch followed by steps/s, the running loss and the level-1 hyperparameters, refreshed a few times a second (not every step: formatting costs more than a step's logging).
/// </summary>
internal sealed class LiveEpochProgress : IEpochProgress
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

    public LiveEpochProgress(ProgressContext context, StatusColumn status, int epochs, int stepsPerEpoch, string prefix = "")
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

/// <summary>
/// The last column of the live progress: each task's status text, cut with an ellipsis on a narrow terminal rather
/// than wrapped (a wrapped line would push the bar out of its row). Set from the training thread, read by Spectre's
/// refresh thread.
/// </summary>
internal sealed class StatusColumn : ProgressColumn
{
    private readonly ConcurrentDictionary<int, string> _statusByTask = new();

    /// <inheritdoc/>
    protected override bool NoWrap => true;

    /// <summary>Sets the status text that <paramref name="task"/>'s row shows.</summary>
    public void Set(ProgressTask task, string status) => _statusByTask[task.Id] = status;

    /// <inheritdoc/>
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(_statusByTask.TryGetValue(task.Id, out string? status) ? status : "").Overflow(Overflow.Ellipsis);
}
