using System;
using System.Threading;
using HyperGen.Kernels;
using HyperGen.Training.Data;
using HyperGen.Training.Model;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Training.Gpu;

/// <summary>
/// <see cref="Trainer"/>'s run on an ILGPU accelerator: the same data order from the same seed (one generator for
/// the initial weights and then every epoch's shuffle), the same initial weights, the same batches, the same
/// reports; the model (<see cref="GpuMlp"/>), the data, the optimizer tower (<see cref="GpuTower{T}"/>) and the
/// per-step log all live on the device.
/// </summary>
/// <remarks>
/// <para>
/// A step enqueues the batch gather, forward pass, loss, backward pass, the tower's step and a copy of the loss and
/// of every hyperparameter into a device log, and does not wait. Every <see cref="StepsPerReadback"/> steps (and at
/// the end of each epoch) the trainer waits once, reads the log back and reports those steps. The host uploads
/// only each epoch's shuffled order; no pixels cross the bus after the data set's one upload.
/// </para>
/// <para>
/// A step whose loss or gradients are not finite (or that makes a hypergradient or hyperparameter so) is refused by
/// the tower on the device and changes nothing, and so are the steps enqueued after it
/// (<see cref="GpuTower{T}.TakeRefusal"/>): when the log is read the run stops there as diverged, with the weights
/// of the last good step, as the CPU trainer's does. Where it differs from <see cref="Trainer"/>: the up to
/// <see cref="StepsPerReadback"/> - 1 steps enqueued after the refused one ran their forward and backward passes
/// (changing nothing), and a tower created with <c>refuseNonFinite: false</c> lets NaN reach the weights before the
/// run stops on the non-finite loss. Checkpoints are taken between blocks of steps (<see cref="CaptureState"/> from
/// <c>onBlock</c>), not after any step.
/// </para>
/// </remarks>
public sealed class GpuTrainer : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly GpuImageSet _train;
    private readonly GpuImageSet _test;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _trainOrderOnDevice;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _testOrderOnDevice;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _lossLog;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _evaluationLoss;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _evaluationCorrect;
    private readonly float[] _hostLosses;
    private readonly int[] _hostCounts;

    /// <summary>Where the run stands: the CPU trainer's record of it, so both capture and restore the same state.</summary>
    private readonly TrainingLoop _progress;

    /// <summary>Steps enqueued and not yet read back: the device's state is ahead of the reports until they are.</summary>
    private int _unreported;

    /// <summary>Copies <paramref name="data"/> to the device and builds and initialises the model from <see cref="TrainingOptions.Seed"/>.</summary>
    /// <param name="accelerator">Where to train; its context needs ILGPU.Algorithms (see <see cref="GpuDevice"/>).</param>
    /// <param name="data">The dataset; 28x28 images in 10 classes.</param>
    /// <param name="options">Run settings (<see cref="TrainingOptions.ThreadCount"/> is not used); null for the defaults.</param>
    /// <param name="stepsPerReadback">Steps between reads of the device log (at least 1).</param>
    /// <param name="gemm">What runs the model's matrix products (<see cref="GpuMlp.Gemm"/>).</param>
    public GpuTrainer(
        Accelerator accelerator, FashionMnistDataset data, TrainingOptions? options = null, int stepsPerReadback = 32, GemmEngine gemm = GemmEngine.Auto)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerReadback);
        Options = options ?? new TrainingOptions();
        Options.Validate();
        MlpShape shape = MlpShape.Paper;
        shape.CheckFits(data, nameof(data));

        _accelerator = accelerator;
        Data = data;
        StepsPerReadback = stepsPerReadback;

        // The CPU trainer's exact sequence: initial weights, then one shuffle per epoch, from one generator.
        _progress = new TrainingLoop(Options.Seed, data.Train, Options.BatchSize);
        float[] initial = new float[shape.ParameterCount];
        ParameterInitializer.Initialize(shape, initial, _progress.Random);
        Model = new GpuMlp(accelerator, shape, Options.BatchSize, gemm);
        Model.SetParameters(initial);

        _train = new GpuImageSet(accelerator, data.Train);
        _test = new GpuImageSet(accelerator, data.Test);
        _trainOrderOnDevice = accelerator.Allocate1D<int>(data.Train.Count);
        _testOrderOnDevice = accelerator.Allocate1D(data.Test.Indices());
        _lossLog = accelerator.Allocate1D<float>(stepsPerReadback);
        _evaluationLoss = accelerator.Allocate1D<double>(1);
        _evaluationCorrect = accelerator.Allocate1D<int>(1);
        _hostLosses = new float[stepsPerReadback];
        _hostCounts = new int[stepsPerReadback];
    }

    /// <summary>The dataset trained and evaluated on.</summary>
    public FashionMnistDataset Data { get; }

    /// <summary>The run's settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The network on the device; <see cref="GpuMlp.Parameters"/> holds the trained weights after <see cref="Train"/>.</summary>
    public GpuMlp Model { get; }

    /// <summary>Steps enqueued between two reads of the device log.</summary>
    public int StepsPerReadback { get; }

    /// <summary>How many epochs are complete.</summary>
    public int CompletedEpochs => _progress.CompletedEpochs;

    /// <summary>The step the tower refused (a NaN or an infinity, named by place), which stopped the run; null if none did.</summary>
    public GpuStepRefusal? Refusal { get; private set; }

    /// <summary>
    /// The trainer's position in the run (the CPU trainer's <see cref="TrainerState"/>, so either resumes the other's
    /// checkpoint). Take it when every step enqueued has been reported: outside <see cref="Train"/>, from its
    /// <c>onBlock</c>, or from the <c>onStep</c> of a block's last step.
    /// </summary>
    /// <exception cref="InvalidOperationException">Steps are enqueued that have not been reported yet.</exception>
    public TrainerState CaptureState()
    {
        if (_unreported != 0)
        {
            throw new InvalidOperationException(
                $"{_unreported} steps are enqueued and not reported yet; take the state between blocks (onBlock), where the device holds what the reports say.");
        }

        return _progress.Capture();
    }

    /// <summary>Continues the run from <paramref name="state"/> (the model's parameters and the tower's state are restored separately).</summary>
    /// <exception cref="ArgumentException">The state belongs to another dataset or batch size, or is inconsistent; nothing was changed.</exception>
    public void RestoreState(TrainerState state) => _progress.Restore(state);

    /// <summary>
    /// Trains until <see cref="TrainingOptions.Epochs"/> epochs are complete, stepping <paramref name="tower"/> over
    /// the model's flat parameters once per batch.
    /// </summary>
    /// <param name="tower">A float tower over <see cref="MlpShape.ParameterCount"/> weights on the same accelerator.</param>
    /// <param name="onStep">Called for every step, in order, when the log holding it is read, with every level's hyperparameters after the step.</param>
    /// <param name="onEpoch">Called after every epoch's evaluation.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <param name="onBlock">
    /// Called after each block of steps is read back and reported, when the device holds the state after the block's
    /// last step: where a checkpoint is taken (<see cref="CaptureState"/>, the model's parameters and
    /// <see cref="GpuTower{T}.CopyStateTo"/>).
    /// </param>
    /// <returns>Per-epoch losses, test errors and timings.</returns>
    public TrainingResult Train(
        GpuTower<float> tower,
        Action<StepReport, TowerHyperparameters>? onStep = null,
        Action<EpochReport>? onEpoch = null,
        CancellationToken cancellationToken = default,
        Action? onBlock = null)
    {
        ArgumentNullException.ThrowIfNull(tower);
        if (tower.ParameterCount != Model.Shape.ParameterCount || !ReferenceEquals(tower.Accelerator, _accelerator))
        {
            throw new ArgumentException(
                $"The tower must step the model's {Model.Shape.ParameterCount} parameters on the trainer's accelerator.", nameof(tower));
        }

        if (tower.TakeRefusal() is { } pending)
        {
            throw new ArgumentException($"The tower has a refused step that was not taken: {pending.Message}", nameof(tower));
        }

        using var log = new StepLog(_accelerator, tower, StepsPerReadback);
        return _progress.RunEpochs(
            Options.Epochs, epoch => RunEpoch(epoch, tower, log, onStep, onBlock, cancellationToken), EvaluateTest, onEpoch);
    }

    /// <summary>Mean loss and error (%) of the current weights on the test set, in batches of <see cref="TrainingOptions.BatchSize"/>, computed on the device.</summary>
    public (double Loss, double ErrorPercent) EvaluateTest()
    {
        _evaluationLoss.MemSetToZero();
        _evaluationCorrect.MemSetToZero();
        int count = _test.Count;
        for (int first = 0; first < count; first += Options.BatchSize)
        {
            Model.Gather(_test, _testOrderOnDevice.View, first, Math.Min(Options.BatchSize, count - first));
            Model.Forward();
            Model.EnqueueEvaluation(_evaluationLoss.View, _evaluationCorrect.View);
        }

        _accelerator.Synchronize();
        double lossSum = _evaluationLoss.GetAsArray1D()[0];
        int correct = _evaluationCorrect.GetAsArray1D()[0];
        return (lossSum / count, 100.0 * (count - correct) / count);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Model.Dispose();
        _train.Dispose();
        _test.Dispose();
        _trainOrderOnDevice.Dispose();
        _testOrderOnDevice.Dispose();
        _lossLog.Dispose();
        _evaluationLoss.Dispose();
        _evaluationCorrect.Dispose();
    }

    private (int Steps, double MeanLoss, bool Diverged) RunEpoch(
        int epoch, GpuTower<float> tower, StepLog log, Action<StepReport, TowerHyperparameters>? onStep, Action? onBlock,
        CancellationToken cancellationToken)
    {
        // A restored trainer may be part-way through the epoch, its order already shuffled.
        _progress.StartEpoch();
        _trainOrderOnDevice.CopyFromCPU(_progress.TrainOrder);
        int count = _train.Count;
        int pending = 0;
        for (int first = _progress.BatchesDone * Options.BatchSize; first < count; first += Options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = Math.Min(Options.BatchSize, count - first);
            Model.Gather(_train, _trainOrderOnDevice.View, first, rows);
            Model.Forward();
            Model.EnqueueLoss(_lossLog.View.SubView(pending, 1));
            Model.Backward();
            tower.Step(Model.Parameters, Model.Gradients);
            log.Record(pending);
            _hostCounts[pending] = rows;
            pending++;
            _progress.BatchDone();
            _unreported++;

            bool last = first + rows >= count;
            if (pending == StepsPerReadback || last)
            {
                int stoppedAt = Flush(epoch, pending, tower, log, onStep);
                pending = 0;
                if (stoppedAt > 0)
                {
                    return (stoppedAt, double.NaN, true);
                }

                onBlock?.Invoke();
            }
        }

        return (_progress.BatchesDone, _progress.EpochMeanLoss, false);
    }

    /// <summary>
    /// Reads the log of the last <paramref name="pending"/> steps and reports them, counting each finite step's loss
    /// into the epoch's before its report (as the CPU trainer does); stops at the step the tower refused or at the
    /// first non-finite loss, and returns that step's batch in the epoch (0 when none stopped the run).
    /// </summary>
    private int Flush(int epoch, int pending, GpuTower<float> tower, StepLog log, Action<StepReport, TowerHyperparameters>? onStep)
    {
        int firstTowerStep = tower.StepCount - pending + 1;
        GpuStepRefusal? refusal = tower.TakeRefusal();
        int refusedAt = pending;
        if (refusal is not null)
        {
            Refusal = refusal;
            refusedAt = refusal.Step - firstTowerStep;
        }

        _lossLog.View.AsContiguous().SubView(0, pending).CopyToCPU(_hostLosses.AsSpan(0, pending));
        log.Read(pending);
        int firstBatch = _progress.BatchesDone - pending + 1;
        for (int k = 0; k < pending; k++)
        {
            float loss = _hostLosses[k];
            _unreported--;
            log.Load(k);
            bool stop = k == refusedAt || (!float.IsFinite(loss) && Options.StopOnDivergence);
            _progress.StepTaken(loss, _hostCounts[k], counted: !stop);
            onStep?.Invoke(new StepReport(epoch, firstBatch + k, _progress.Step, _hostCounts[k], loss), log.Snapshot);
            if (stop)
            {
                return firstBatch + k;
            }
        }

        return 0;
    }
}
