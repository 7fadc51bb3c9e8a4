using System;
using System.Threading;
using HyperGen.Training.Data;
using HyperGen.Training.Model;

namespace HyperGen.Training;

/// <summary>
/// Trains the paper's 784-128-10 tanh MLP on Fashion-MNIST with any <see cref="IParameterOptimizer"/>: each epoch
/// shuffles the training set with the run's seeded generator, steps the optimizer once per batch, and then measures
/// the test error.
/// </summary>
/// <example>
/// <code>
/// FashionMnistDataset data = FashionMnist.Load();            // full set from the Debian package, else the subset
/// Console.WriteLine(data.Description);
/// using var trainer = new Trainer(data, new TrainingOptions { Epochs = 5, Seed = 1 });
/// TrainingResult result = trainer.Train(
///     new SgdOptimizer(0.01f),                               // or an adapter around a HyperGen tower
///     onStep: step =&gt; { if (step.Step % 100 == 0) Console.WriteLine($"{step.Step}: {step.Loss}"); },
///     onEpoch: epoch =&gt; Console.WriteLine($"epoch {epoch.Epoch}: test error {epoch.TestErrorPercent:F2} %"));
/// Console.WriteLine($"{result.TestErrorPercent:F2} % after {result.Epochs.Count} epochs");
/// </code>
/// </example>
public sealed class Trainer : IDisposable
{
    private readonly int[] _testOrder;
    private readonly BatchAssembler _batch;

    /// <summary>Where the run stands, all of it saved by CaptureState so a restored trainer continues bit for bit.</summary>
    private readonly TrainingLoop _progress;

    /// <summary>Cuts each batch between the ranks of <see cref="TrainingOptions.DataParallel"/>; null for one process.</summary>
    private readonly DataParallelBatch? _parts;

    /// <summary>Builds the model for <paramref name="data"/> and initialises it from <see cref="TrainingOptions.Seed"/>.</summary>
    /// <param name="data">The dataset; its images must be 28x28 with 10 classes.</param>
    /// <param name="options">Run settings; null for the defaults (the paper's setup, one epoch).</param>
    public Trainer(FashionMnistDataset data, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Options = options ?? new TrainingOptions();
        Options.Validate();
        MlpShape shape = MlpShape.Paper;
        shape.CheckFits(data, nameof(data));

        Data = data;
        Model = new Mlp(shape, Options.BatchSize, Options.ThreadCount);

        // One generator for the initial weights and then every shuffle, so the seed fixes the whole run.
        _progress = new TrainingLoop(Options.Seed, data.Train, Options.BatchSize);
        Model.InitializeParameters(_progress.Random);
        _testOrder = data.Test.Indices();
        _batch = new BatchAssembler(Options.BatchSize, shape.Inputs);
        _parts = Options.DataParallel is { } group ? new DataParallelBatch(group, Model, _batch) : null;
    }

    /// <summary>The dataset trained and evaluated on.</summary>
    public FashionMnistDataset Data { get; }

    /// <summary>The run's settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The network; its <see cref="Mlp.Parameters"/> hold the trained weights after <see cref="Train"/>.</summary>
    public Mlp Model { get; }

    /// <summary>How many epochs are complete, those finished before <see cref="RestoreState"/> included.</summary>
    public int CompletedEpochs => _progress.CompletedEpochs;

    /// <summary>
    /// Trains until <see cref="TrainingOptions.Epochs"/> epochs are complete, calling <paramref name="optimizer"/>
    /// with (<see cref="Mlp.Parameters"/>, <see cref="Mlp.Gradients"/>) once per batch. A trainer restored from
    /// <see cref="CaptureState"/> first finishes the epoch it was in; the result then holds the epochs finished by
    /// this call (none when the run was already complete).
    /// </summary>
    /// <param name="optimizer">Steps the weights.</param>
    /// <param name="onStep">Called after every optimizer step, e.g. to log the loss and the optimizer's hyperparameters.</param>
    /// <param name="onEpoch">Called after every epoch's evaluation.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <returns>Per-epoch losses, test errors and timings.</returns>
    public TrainingResult Train(
        IParameterOptimizer optimizer,
        Action<StepReport>? onStep = null,
        Action<EpochReport>? onEpoch = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return _progress.RunEpochs(
            Options.Epochs, epoch => RunEpoch(epoch, optimizer, onStep, cancellationToken), () => Evaluate(Data.Test), onEpoch);
    }

    /// <summary>Mean loss and error (%) of the current weights on <paramref name="set"/>, in batches of <see cref="TrainingOptions.BatchSize"/>.</summary>
    public (double Loss, double ErrorPercent) Evaluate(LabeledImages set)
    {
        ArgumentNullException.ThrowIfNull(set);
        int[] order = ReferenceEquals(set, Data.Test) ? _testOrder : set.Indices();
        double lossSum = 0;
        int correct = 0;
        for (int first = 0; first < set.Count; first += Options.BatchSize)
        {
            int count = Math.Min(Options.BatchSize, set.Count - first);
            _batch.Assemble(set, order.AsSpan(first, count));
            Model.Forward(_batch.Inputs, count);
            lossSum += (double)Model.Loss(_batch.CurrentLabels) * count;
            correct += Model.CountCorrect(_batch.CurrentLabels);
        }

        return (lossSum / set.Count, 100.0 * (set.Count - correct) / set.Count);
    }

    /// <summary>Disposes the model (which releases nothing today: see <see cref="Mlp.Dispose"/>).</summary>
    public void Dispose() => Model.Dispose();

    private (int Steps, double MeanLoss, bool Diverged) RunEpoch(
        int epoch, IParameterOptimizer optimizer, Action<StepReport>? onStep, CancellationToken cancellationToken)
    {
        LabeledImages train = Data.Train;

        // A restored trainer may be part-way through the epoch, its order already shuffled.
        _progress.StartEpoch();
        for (int first = _progress.BatchesDone * Options.BatchSize; first < train.Count; first += Options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(Options.BatchSize, train.Count - first);
            ReadOnlySpan<int> images = _progress.TrainOrder.AsSpan(first, count);
            float loss;
            if (_parts is null)
            {
                _batch.Assemble(train, images);
                loss = Model.ComputeGradients(_batch.Inputs, _batch.CurrentLabels);
            }
            else
            {
                loss = _parts.ComputeGradients(train, images);
            }

            _progress.BatchDone();

            // A non-finite loss stops the run before the step; an optimizer that refuses the step (a tower that met a
            // NaN) changed nothing: either way the run stops as diverged with the weights of the last good step.
            bool diverged = (!float.IsFinite(loss) && Options.StopOnDivergence) || !optimizer.Step(Model.Parameters, Model.Gradients);
            _progress.StepTaken(loss, count, counted: !diverged);
            onStep?.Invoke(new StepReport(epoch, _progress.BatchesDone, _progress.Step, count, loss));
            if (diverged)
            {
                return (_progress.BatchesDone, double.NaN, true);
            }
        }

        return (_progress.BatchesDone, _progress.EpochMeanLoss, false);
    }

    /// <summary>
    /// The trainer's position in the run: epochs and batches done, the step count, the running loss of the epoch,
    /// the shuffling generator's state and the current order of the training set. Together with the weights and the
    /// optimizer's state it is everything a resumed run needs to continue bit for bit. Take it between steps (from
    /// <c>onStep</c> or <c>onEpoch</c>, or outside <see cref="Train"/>).
    /// </summary>
    public TrainerState CaptureState() => _progress.Capture();

    /// <summary>Continues the run from <paramref name="state"/>, taken from a trainer with the same data and batch size.</summary>
    /// <exception cref="ArgumentException">The state belongs to another dataset or batch size, or is inconsistent; nothing was changed.</exception>
    public void RestoreState(TrainerState state) => _progress.Restore(state);
}
