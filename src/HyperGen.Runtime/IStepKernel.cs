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
    /// Updates every element of <paramref name="chunk"/> in place: weights and state, and, when the chunk carries
    /// partial buffers, the derivative of each new weight with respect to each raw hyperparameter.
    /// </summary>
    /// <param name="chunk">The weights, gradients, state and partials of one contiguous range.</param>
    /// <param name="rawHyperParameters">The raw (reparameterised) hyperparameters, in declaration order.</param>
    /// <param name="stepIndex">The 1-based index of this level's step.</param>
    void Step(in LevelChunk<T> chunk, ReadOnlySpan<T> rawHyperParameters, int stepIndex);
}
