using System.Runtime.InteropServices;

namespace HyperGen.Kernels;

/// <summary>
/// One upper level of a GPU tower as the generated dispatcher (<c>HyperGenGpuDispatcher.UpperLevelsSingle</c> and
/// <c>UpperLevelsDouble</c>) reads it: which optimizer steps the level below's hyperparameters, and where its buffers
/// and theirs lie in the tower's packed device arrays. The tower fills one per upper level, level 2 first; the
/// dispatcher runs them top-down. Public only because generated code in the user's assembly reads it.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct DispatchLevel
{
    /// <summary>A level entry; see each field.</summary>
    public DispatchLevel(
        int optimizer, int count, int belowAt, int stateAt, int stateLength, int partialAt, int partialLength,
        int rawAt, int hyperCount, bool belowHoldsSome, bool belowBounded)
    {
        Optimizer = optimizer;
        Count = count;
        BelowAt = belowAt;
        StateAt = stateAt;
        StateLength = stateLength;
        PartialAt = partialAt;
        PartialLength = partialLength;
        RawAt = rawAt;
        HyperCount = hyperCount;
        BelowHoldsSome = belowHoldsSome ? 1 : 0;
        BelowBounded = belowBounded ? 1 : 0;
    }

    /// <summary>The level's optimizer: its index in the dispatcher's switch (the order of its registration).</summary>
    public readonly int Optimizer;

    /// <summary>How many values the level steps: the level below's hyperparameters.</summary>
    public readonly int Count;

    /// <summary>
    /// Where the level below's hyperparameters start in the packed raw values, initial raw values, hypergradients,
    /// learned flags and bound hits (all packed alike; bounds hold three values per hyperparameter).
    /// </summary>
    public readonly int BelowAt;

    /// <summary>Where this level's state starts in the packed upper state.</summary>
    public readonly int StateAt;

    /// <summary>The length of this level's state: state variables times <see cref="Count"/>.</summary>
    public readonly int StateLength;

    /// <summary>Where this level's partials start in the packed upper partials.</summary>
    public readonly int PartialAt;

    /// <summary>The length of this level's partials; 0 for the top level, which records none.</summary>
    public readonly int PartialLength;

    /// <summary>Where this level's own raw hyperparameters start in the packed raw values.</summary>
    public readonly int RawAt;

    /// <summary>This level's own hyperparameter count.</summary>
    public readonly int HyperCount;

    /// <summary>1 when the level below holds some hyperparameter at its initial value (not learned), else 0.</summary>
    public readonly int BelowHoldsSome;

    /// <summary>1 when some hyperparameter of the level below is bounded, else 0.</summary>
    public readonly int BelowBounded;
}
