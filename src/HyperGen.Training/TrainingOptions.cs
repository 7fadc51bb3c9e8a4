using System;

namespace HyperGen.Training;

/// <summary>Settings of one training run. The defaults are the paper's MNIST setup, one epoch long.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set (the paper: 30 for SGD runs, 5 for Adam, AdaGrad and RMSProp runs).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Images per step; the last step of an epoch takes the remainder (no images are dropped).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Seeds the weight initialisation and then every epoch's shuffle, so a run is reproducible.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Threads for the model's two large matrix products, the caller's included. Defaults to the processor count,
    /// capped at 8 because a 256 x 784 x 128 product gains little beyond that.
    /// </summary>
    public int ThreadCount { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>
    /// Whether to stop when a step's loss is NaN or infinite (a step size that ran away); the run then reports
    /// <see cref="TrainingResult.Diverged"/> and the test error of the parameters it had.
    /// </summary>
    public bool StopOnDivergence { get; init; } = true;

    /// <summary>
    /// The ranks this run trains with, data-parallel: each batch is cut into one contiguous part per rank, each rank
    /// computes its part's gradient and the ranks add them, so that the batches, and to rounding the whole run, are
    /// the one-process run's. Every rank must run the same configuration and step the same optimizer on the summed
    /// gradient. Null (the default) for one process.
    /// </summary>
    public IDataParallelGroup? DataParallel { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Epochs, batch size or thread count is not positive.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ThreadCount);
    }
}
