using System;

namespace HyperGen.Kernels;

/// <summary>
/// Sizes and offsets of a GPU tower's packed buffers. Level L updates <see cref="Counts"/>[L] elements (the weights
/// at level 0, the hyperparameters of level L - 1 above); its raw hyperparameters, learned flags and hypergradient
/// start at <see cref="HyperAt"/>[L]; above level 0 its state and partials start at <see cref="StateAt"/>[L] and
/// <see cref="PartialAt"/>[L] in the packed upper-level buffers (level 0's are buffers of their own).
/// </summary>
internal sealed class TowerLayout
{
    public TowerLayout(TowerSpec spec, int parameterCount)
    {
        int depth = spec.Depth;
        Counts = new int[depth];
        Hypers = new int[depth];
        States = new int[depth];
        HyperAt = new int[depth];
        StateAt = new int[depth];
        PartialAt = new int[depth];
        long upperState = 0;
        long upperPartials = 0;
        for (int level = 0; level < depth; level++)
        {
            OptimizerDefinition definition = spec.Levels[level].Definition;
            Counts[level] = level == 0 ? parameterCount : Hypers[level - 1];
            Hypers[level] = definition.HyperParameters.Count;
            States[level] = definition.StateVariables.Count;
            HyperAt[level] = TotalHypers;
            TotalHypers += Hypers[level];
            if (level > 0)
            {
                StateAt[level] = checked((int)upperState);
                upperState += (long)States[level] * Counts[level];
                if (level < depth - 1)
                {
                    PartialAt[level] = checked((int)upperPartials);
                    upperPartials += (long)Hypers[level] * Counts[level];
                }
            }
        }

        TotalUpperState = checked((int)upperState);
        TotalUpperPartials = checked((int)upperPartials);
    }

    public int[] Counts { get; }

    public int[] Hypers { get; }

    public int[] States { get; }

    public int[] HyperAt { get; }

    public int[] StateAt { get; }

    public int[] PartialAt { get; }

    public int TotalHypers { get; }

    public int TotalUpperState { get; }

    public int TotalUpperPartials { get; }
}
