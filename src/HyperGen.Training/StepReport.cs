namespace HyperGen.Training;

/// <summary>What the trainer reports after each optimizer step (a value type: reporting allocates nothing).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="StepInEpoch">1-based step within the epoch.</param>
/// <param name="Step">1-based step since the start of training (the optimizer's step counter).</param>
/// <param name="BatchSize">Images in this step's batch.</param>
/// <param name="Loss">Mean loss of the batch, computed before the optimizer stepped.</param>
public readonly record struct StepReport(int Epoch, int StepInEpoch, int Step, int BatchSize, float Loss);
