namespace PlainLoop;

/// <summary>What one training run ended with.</summary>
/// <param name="Memory">Where the parameters lived.</param>
/// <param name="InitialLoss">The loss at the first step (all parameters zero).</param>
/// <param name="FinalLoss">The loss at the last step.</param>
/// <param name="Accuracy">The fraction of training samples classified correctly at the end.</param>
/// <param name="Alpha">Level 1's step size at the end, as tuned by the level above.</param>
/// <param name="Parameters">The trained weights followed by the bias.</param>
public sealed record TrainingOutcome(
    string Memory, float InitialLoss, float FinalLoss, float Accuracy, double Alpha, float[] Parameters);
