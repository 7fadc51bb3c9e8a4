using System;
using System.ComponentModel;

namespace HyperGen.Kernels;

/// <summary>
/// An optimizer's generated level kernels in one precision, as typed delegates: the plain update, the update that
/// records the partials, and, where the generator could write them (partials that do not read the weight), level
/// 1's update that keeps its inputs with the reduction that recomputes the partials from them.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GpuLevelKernels<T>
    where T : unmanaged
{
    /// <summary>Records the kernels; the recomputing pair comes together or not at all.</summary>
    /// <param name="step">The plain update (no level above learns the hyperparameters).</param>
    /// <param name="stepWithPartials">The update that records the partials for the level above.</param>
    /// <param name="stepKeepingInputs">Level 1's update that keeps its inputs, or null.</param>
    /// <param name="recomputeHypergradients">Level 1's reduction that recomputes the partials, or null.</param>
    /// <exception cref="ArgumentException">Only one of the recomputing pair is given.</exception>
    public GpuLevelKernels(
        LevelStepKernel<T> step,
        LevelStepKernel<T> stepWithPartials,
        LevelStepKernel<T>? stepKeepingInputs = null,
        RecomputeHypergradientsKernel<T>? recomputeHypergradients = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(stepWithPartials);
        if ((stepKeepingInputs is null) != (recomputeHypergradients is null))
        {
            throw new ArgumentException("The update that keeps its inputs and the reduction that recomputes the partials come together.");
        }

        Step = step;
        StepWithPartials = stepWithPartials;
        StepKeepingInputs = stepKeepingInputs;
        RecomputeHypergradients = recomputeHypergradients;
    }

    /// <summary>The plain update.</summary>
    public LevelStepKernel<T> Step { get; }

    /// <summary>The update that records the partials.</summary>
    public LevelStepKernel<T> StepWithPartials { get; }

    /// <summary>Level 1's update that keeps its inputs; null where the partials cannot be recomputed.</summary>
    public LevelStepKernel<T>? StepKeepingInputs { get; }

    /// <summary>Level 1's reduction that recomputes the partials; null with <see cref="StepKeepingInputs"/>.</summary>
    public RecomputeHypergradientsKernel<T>? RecomputeHypergradients { get; }
}
