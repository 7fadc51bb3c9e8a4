using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Training;

/// <summary>Outcome of <see cref="Trainer.Train"/>.</summary>
/// <param name="Epochs">One report per epoch run, in order (the last is partial if training diverged).</param>
/// <param name="Diverged">True when a step's loss was NaN or infinite, or the optimizer refused a step, and the run stopped there.</param>
public sealed record TrainingResult(IReadOnlyList<EpochReport> Epochs, bool Diverged)
{
    /// <summary>Test error (%) after the last epoch.</summary>
    public double TestErrorPercent => Epochs[^1].TestErrorPercent;

    /// <summary>Training wall time of each epoch, in seconds (evaluation excluded).</summary>
    public IReadOnlyList<double> SecondsPerEpoch => Epochs.Select(e => e.TrainSeconds).ToArray();

    /// <summary>Mean training loss of each epoch.</summary>
    public IReadOnlyList<double> TrainLossPerEpoch => Epochs.Select(e => e.TrainLoss).ToArray();

    /// <summary>Test error (%) after each epoch.</summary>
    public IReadOnlyList<double> TestErrorPercentPerEpoch => Epochs.Select(e => e.TestErrorPercent).ToArray();

    /// <summary>Mean training seconds per epoch.</summary>
    public double MeanSecondsPerEpoch => Epochs.Average(e => e.TrainSeconds);
}
