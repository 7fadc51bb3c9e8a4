using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace HyperGen;

/// <summary>
/// The buffers of one tower level: raw hyperparameters, per-element state (variable-major), what the level above
/// needs for its hypergradient, and the hypergradient of the raw hyperparameters.
/// </summary>
/// <remarks>
/// The level above gets its hypergradient in one of two ways. Stored partials: each update records
/// <c>dw_i/dr_j</c> in <see cref="Partials"/>. Recomputed partials (level 1 only, where the generator found it moves
/// fewer bytes): each update keeps its inputs, so the next step can recompute the partials. The state is then
/// double-buffered: the update reads <see cref="State"/> and writes <see cref="PreviousState"/>, and
/// <see cref="FinishKeepingInputs"/> swaps the two, so the state the update started from survives without a copy.
/// </remarks>
internal sealed unsafe class LevelState<T> : ILevelState
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly bool[] _learned;
    private readonly T[] _initialRaw;
    private readonly T[][] _stateBuffers;
    private readonly T[][] _gradientBuffers = [[], []];
    private int _currentState;
    private int _previousGradients;

    public LevelState(LevelSpec spec, int count, bool learnedByLevelAbove, bool mayRecompute)
    {
        Definition = spec.Definition;
        Kernel = spec.Definition.GetKernel<T>();
        Count = count;
        HyperCount = Definition.HyperParameters.Count;
        StateCount = Definition.StateVariables.Count;
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

        RecomputesPartials = learnedByLevelAbove && mayRecompute && Kernel.RecomputesPartials;
        _stateBuffers = new T[RecomputesPartials ? 2 : 1][];
        for (int b = 0; b < _stateBuffers.Length; b++)
        {
            _stateBuffers[b] = GC.AllocateUninitializedArray<T>(StateCount * count, pinned: true);
            for (int k = 0; k < StateCount; k++)
            {
                _stateBuffers[b].AsSpan(k * count, count).Fill(T.CreateTruncating(Definition.StateVariables[k].Initial));
            }
        }

        Partials = [];
        PreviousRaw = [];
        Hypergradient = [];
        if (RecomputesPartials)
        {
            _gradientBuffers[0] = GC.AllocateArray<T>(count, pinned: true);
            PreviousRaw = new T[HyperCount];
            Hypergradient = new T[HyperCount];
        }
        else if (learnedByLevelAbove)
        {
            // Zero partials make the first step's hypergradients zero, as the algorithm requires.
            Partials = GC.AllocateArray<T>(HyperCount * count, pinned: true);
            Hypergradient = new T[HyperCount];
        }
    }

    public OptimizerDefinition Definition { get; }

    public IStepKernel<T> Kernel { get; }

    /// <summary>Elements this level updates: the weights at level 1, the hyperparameters below otherwise.</summary>
    public int Count { get; }

    public int HyperCount { get; }

    public int StateCount { get; }

    public T[] Raw { get; }

    /// <summary>The current state, which the next update reads.</summary>
    public T[] State => _stateBuffers[_currentState];

    /// <summary>
    /// With recomputed partials, the state the last update started from (and the buffer the next update writes);
    /// empty otherwise.
    /// </summary>
    public T[] PreviousState => RecomputesPartials ? _stateBuffers[1 - _currentState] : [];

    /// <summary>Whether the level above gets its hypergradient by recomputing this level's partials.</summary>
    public bool RecomputesPartials { get; }

    /// <summary>The partials the last update recorded; empty unless the level is learned and stores them.</summary>
    public T[] Partials { get; }

    /// <summary>With recomputed partials, the gradients the last update used; empty otherwise.</summary>
    public T[] PreviousGradients => _gradientBuffers[_previousGradients];

    /// <summary>
    /// A buffer for the caller to fill with the next step's gradients, allocated on first use; with recomputed
    /// partials it is the other half of a double buffer with <see cref="PreviousGradients"/>, so a step that reads
    /// its gradients from here needs no copy.
    /// </summary>
    public T[] NextGradients
    {
        get
        {
            int next = RecomputesPartials ? 1 - _previousGradients : 1;
            if (_gradientBuffers[next].Length != Count)
            {
                _gradientBuffers[next] = GC.AllocateArray<T>(Count, pinned: true);
            }

            return _gradientBuffers[next];
        }
    }

    /// <summary>With recomputed partials, the raw hyperparameters the last update used; empty otherwise.</summary>
    public T[] PreviousRaw { get; }

    /// <summary>With recomputed partials, the step index the last update used (0 before the first).</summary>
    public int PreviousStepIndex { get; set; }

    public T[] Hypergradient { get; }

    public int StepCount { get; set; }

    public T* PartialPointer => (T*)Unsafe.AsPointer(ref PartialRef(0));

    public ref T StateRef(int at) => ref ElementRef(State, at);

    public ref T PreviousStateRef(int at) => ref ElementRef(PreviousState, at);

    public ref T PartialRef(int at) => ref ElementRef(Partials, at);

    public ref T PreviousGradientRef(int at) => ref ElementRef(PreviousGradients, at);

    public bool IsLearned(int index) => _learned[index];

    public double GetRaw(int index) => double.CreateTruncating(Raw[index]);

    /// <summary>
    /// Completes an update that kept its inputs: the state it wrote becomes current, and the hyperparameters and
    /// step index it used are remembered for the next step's recomputation.
    /// </summary>
    /// <param name="stepIndex">The step index the update used.</param>
    /// <param name="gradientsWereNext">Whether the update read its gradients from <see cref="NextGradients"/>, which then become the previous ones.</param>
    public void FinishKeepingInputs(int stepIndex, bool gradientsWereNext)
    {
        _currentState = 1 - _currentState;
        if (gradientsWereNext)
        {
            _previousGradients = 1 - _previousGradients;
        }

        Raw.CopyTo(PreviousRaw, 0);
        PreviousStepIndex = stepIndex;
    }

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

    private static ref T ElementRef(T[] buffer, int at) =>
        ref buffer.Length == 0 ? ref Unsafe.NullRef<T>() : ref buffer[at];
}
