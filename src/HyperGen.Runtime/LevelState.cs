using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace HyperGen;

/// <summary>
/// The buffers of one tower level: raw hyperparameters, per-element state (variable-major), the partials recorded
/// for the level above, and the hypergradient of the raw hyperparameters.
/// </summary>
internal sealed unsafe class LevelState<T> : ILevelState
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly bool[] _learned;
    private readonly T[] _initialRaw;

    public LevelState(LevelSpec spec, int count, bool learnedByLevelAbove)
    {
        Definition = spec.Definition;
        Kernel = spec.Definition.GetKernel<T>();
        Count = count;
        HyperCount = Definition.HyperParameters.Count;
        Raw = new T[HyperCount];
        _initialRaw = new T[HyperCount];
        _learned = new bool[HyperCount];
        for (int j = 0; j < HyperCount; j++)
        {
            HyperParameterInfo info = Definition.HyperParameters[j];
            double initial = spec.InitialValues[j];
            Raw[j] = T.CreateTruncating(HyperDomains.ToRaw(info.Domain, initial));
            _initialRaw[j] = Raw[j];
            _learned[j] = learnedByLevelAbove && !(info.InactiveAtZero && initial == 0);
        }

        int stateCount = Definition.StateVariables.Count;
        State = GC.AllocateUninitializedArray<T>(stateCount * count, pinned: true);
        for (int k = 0; k < stateCount; k++)
        {
            State.AsSpan(k * count, count).Fill(T.CreateTruncating(Definition.StateVariables[k].Initial));
        }

        if (learnedByLevelAbove)
        {
            // Zero partials make the first step's hypergradients zero, as the algorithm requires.
            Partials = GC.AllocateArray<T>(HyperCount * count, pinned: true);
            Hypergradient = new T[HyperCount];
        }
        else
        {
            Partials = [];
            Hypergradient = [];
        }
    }

    public OptimizerDefinition Definition { get; }

    public IStepKernel<T> Kernel { get; }

    /// <summary>Elements this level updates: the weights at level 1, the hyperparameters below otherwise.</summary>
    public int Count { get; }

    public int HyperCount { get; }

    public T[] Raw { get; }

    public T[] State { get; }

    public T[] Partials { get; }

    public T[] Hypergradient { get; }

    public int StepCount { get; set; }

    public T* PartialPointer => (T*)Unsafe.AsPointer(ref PartialRef(0));

    public ref T StateRef(int at) =>
        ref State.Length == 0 ? ref Unsafe.NullRef<T>() : ref State[at];

    public ref T PartialRef(int at) =>
        ref Partials.Length == 0 ? ref Unsafe.NullRef<T>() : ref Partials[at];

    public bool IsLearned(int index) => _learned[index];

    public double GetRaw(int index) => double.CreateTruncating(Raw[index]);

    /// <summary>Restores the hyperparameters that are held at their initial value (see <see cref="HyperAttribute.InactiveAtZero"/>).</summary>
    public void HoldInactiveHyperparameters()
    {
        for (int j = 0; j < HyperCount; j++)
        {
            if (!_learned[j])
            {
                Raw[j] = _initialRaw[j];
            }
        }
    }
}
