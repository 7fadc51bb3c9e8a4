using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Cli.Commands.Train.Checkpoints;
using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// Every step's loss and every level's hyperparameters (in the user's domain), and every epoch's report, kept in
/// memory for the logs and the plot. A 30-epoch run of the full dataset is about 7,000 steps, a few hundred
/// kilobytes. A run with checkpoints saves it beside them (<see cref="TrainingHistoryFile"/>), so that a resumed run's
/// files cover the whole run.
/// </summary>
internal sealed class TrainingHistory
{
    private readonly List<int> _steps = [];
    private readonly List<int> _epochs = [];
    private readonly List<float> _losses = [];
    private readonly List<double>[] _hyperValues;
    private readonly List<EpochReport> _epochReports = [];

    /// <summary>An empty history with one column per hyperparameter of every level of <paramref name="spec"/>.</summary>
    public TrainingHistory(TowerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Columns = spec.Levels
            .SelectMany((level, index) => level.Definition.HyperParameters.Select(h => new HyperColumn(index + 1, h.Name)))
            .ToArray();
        _hyperValues = Columns.Select(_ => new List<double>()).ToArray();
    }

    /// <summary>The hyperparameter columns, level 1 first, each level's in declaration order.</summary>
    public IReadOnlyList<HyperColumn> Columns { get; }

    /// <summary>The 1-based global step of each recorded row.</summary>
    public IReadOnlyList<int> Steps => _steps;

    /// <summary>The 1-based epoch of each recorded row.</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>The batch loss of each recorded row (before the step).</summary>
    public IReadOnlyList<float> Losses => _losses;

    /// <summary>How many steps were recorded.</summary>
    public int Count => _steps.Count;

    /// <summary>The report of every epoch recorded, in order.</summary>
    public IReadOnlyList<EpochReport> EpochReports => _epochReports;

    /// <summary>Whether the last epoch recorded stopped the run: both trainers report such an epoch's mean loss as NaN.</summary>
    public bool EndedDiverged => _epochReports.Count > 0 && double.IsNaN(_epochReports[^1].TrainLoss);

    /// <summary>The values of hyperparameter column <paramref name="column"/> after each recorded step.</summary>
    public IReadOnlyList<double> ValuesOf(int column) => _hyperValues[column];

    /// <summary>Records <paramref name="step"/> and the tower's hyperparameters after it.</summary>
    public void Record(StepReport step, ITowerReadout tower)
    {
        ArgumentNullException.ThrowIfNull(tower);
        _steps.Add(step.Step);
        _epochs.Add(step.Epoch);
        _losses.Add(step.Loss);
        int column = 0;
        for (int level = 0; level < tower.Spec.Depth; level++)
        {
            for (int j = 0; j < tower.Spec.Levels[level].Definition.HyperParameters.Count; j++)
            {
                _hyperValues[column++].Add(tower.GetValue(level, j));
            }
        }
    }

    /// <summary>Records a row read back from a saved history: one value per column.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not have one value per column.</exception>
    public void Record(int step, int epoch, float loss, ReadOnlySpan<double> values)
    {
        if (values.Length != Columns.Count)
        {
            throw new ArgumentException($"{values.Length} values for {Columns.Count} columns.", nameof(values));
        }

        _steps.Add(step);
        _epochs.Add(epoch);
        _losses.Add(loss);
        for (int column = 0; column < values.Length; column++)
        {
            _hyperValues[column].Add(values[column]);
        }
    }

    /// <summary>Records an epoch's report (after its evaluation).</summary>
    public void RecordEpoch(EpochReport epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        _epochReports.Add(epoch);
    }

    /// <summary>Forgets every step and epoch, before a saved history is read back into it.</summary>
    public void Clear()
    {
        _steps.Clear();
        _epochs.Clear();
        _losses.Clear();
        foreach (List<double> values in _hyperValues)
        {
            values.Clear();
        }

        _epochReports.Clear();
    }
}

/// <summary>One hyperparameter column of a <see cref="TrainingHistory"/>.</summary>
/// <param name="Level">The 1-based level.</param>
/// <param name="Name">The hyperparameter's name.</param>
internal sealed record HyperColumn(int Level, string Name)
{
    /// <summary>The column's name in the logs, for example <c>level1.alpha</c>.</summary>
    public string Key => $"level{Level}.{Name}";
}
