namespace HyperGen.Training;

/// <summary>Summary of one epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Steps">Optimizer steps taken in the epoch (fewer than a full epoch's if training diverged in it).</param>
/// <param name="TrainLoss">Mean training loss over the images seen in the epoch (each batch's loss before its step).</param>
/// <param name="TestLoss">Mean loss on the test set after the epoch.</param>
/// <param name="TestErrorPercent">Misclassified test images after the epoch, in percent.</param>
/// <param name="TrainSeconds">Wall time of the epoch's steps: batch assembly, forward, backward, optimizer step and the step callback.</param>
/// <param name="EvaluationSeconds">Wall time of the test-set evaluation.</param>
public sealed record EpochReport(
    int Epoch, int Steps, double TrainLoss, double TestLoss, double TestErrorPercent, double TrainSeconds,
    double EvaluationSeconds);
