using System;

namespace HyperGen;

/// <summary>
/// The generated code of one optimizer step in one precision. A tower calls it once per level and per range of
/// parameters; it never allocates.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public interface IStepKernel<T>
    where T : unmanaged
{
    /// <summary>
    /// Updates every element of <paramref name="chunk"/>: weights and state, and, when the chunk carries partial
    /// buffers, the derivative of each new weight with respect to each raw hyperparameter; when the chunk keeps its
    /// inputs, the new state goes to the chunk's other state buffer and the gradients are copied.
    /// </summary>
    /// <param name="chunk">The weights, gradients, state and partials of one contiguous range.</param>
    /// <param name="rawHyperParameters">The raw (reparameterised) hyperparameters, in declaration order.</param>
    /// <param name="stepIndex">The 1-based index of this level's step.</param>
    void Step(in LevelChunk<T> chunk, ReadOnlySpan<T> rawHyperParameters, int stepIndex);
}

/// <summary>
/// A step kernel whose hypergradient a tower gets by recomputing the previous step's partials from that step's inputs
/// rather than by storing the partials: the generator implements this where it moves fewer bytes per weight (the
/// kernel's comment says how many).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public interface IRecomputingStepKernel<T> : IStepKernel<T>
    where T : unmanaged
{
    /// <summary>
    /// Recomputes the partial derivatives of the previous step's new weights with respect to each raw hyperparameter
    /// from that step's inputs, and adds <c>sum_i gradients[i] * dw_i/dr_j</c> to <paramref name="hypergradients"/>[j].
    /// </summary>
    /// <param name="chunk">This step's gradients, and the previous step's gradients and starting state.</param>
    /// <param name="previousRawHyperParameters">The raw hyperparameters the previous step used.</param>
    /// <param name="previousStepIndex">The 1-based index of the previous step.</param>
    /// <param name="hypergradients">One sum per raw hyperparameter, added to.</param>
    void AccumulateHypergradients(
        in HypergradientChunk<T> chunk, ReadOnlySpan<T> previousRawHyperParameters, int previousStepIndex, Span<double> hypergradients);
}
