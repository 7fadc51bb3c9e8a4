using System;
using System.Diagnostics.CodeAnalysis;
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
    private readonly LevelPlan _plan;
    private readonly T[] _initialRaw;
    private readonly AlignedBuffer<T>[] _stateBuffers;
    private readonly AlignedBuffer<T>[] _gradientBuffers = [AlignedBuffer<T>.Empty, AlignedBuffer<T>.Empty];
    private readonly AlignedBuffer<T> _partials;
    private int _currentState;
    private int _previousGradients;

    /// <summary>A level on its own, outside a tower (for tests of one level's kernels): level 0 of <paramref name="count"/> elements.</summary>
    public LevelState(LevelSpec spec, int count, bool learnedByLevelAbove, bool mayRecompute)
        : this(new LevelPlan(0, spec, count, AlignedBuffer<T>.AlignedStride(count), learnedByLevelAbove, 0, 0, 0), mayRecompute)
    {
    }

    /// <param name="plan">The level's sizes and hyperparameters, with <see cref="LevelPlan.Stride"/> aligned for T.</param>
    /// <param name="mayRecompute">Whether the level may keep its inputs instead of storing partials, where its kernel can.</param>
    public LevelState(LevelPlan plan, bool mayRecompute)
    {
        _plan = plan;
        Definition = plan.Definition;
        Kernel = Definition.GetKernel<T>();
        Count = plan.Count;
        Stride = plan.Stride;
        HyperCount = plan.HyperCount;
        StateCount = plan.StateCount;
        Raw = new T[HyperCount];
        _initialRaw = new T[HyperCount];
        for (int j = 0; j < HyperCount; j++)
        {
            Raw[j] = T.CreateTruncating(plan.InitialRaw(j));
            _initialRaw[j] = Raw[j];
        }

        bool learnedByLevelAbove = plan.IsLearned;
        RecomputingKernel = learnedByLevelAbove && mayRecompute ? Kernel as IRecomputingStepKernel<T> : null;
        _stateBuffers = new AlignedBuffer<T>[RecomputesPartials ? 2 : 1];
        for (int b = 0; b < _stateBuffers.Length; b++)
        {
            _stateBuffers[b] = new AlignedBuffer<T>(StateCount * Stride);
            for (int k = 0; k < StateCount; k++)
            {
                _stateBuffers[b].Span.Slice(k * Stride, Count).Fill(T.CreateTruncating(Definition.StateVariables[k].Initial));
            }
        }

        _partials = AlignedBuffer<T>.Empty;
        PreviousRaw = [];
        Hypergradient = [];
        if (RecomputesPartials)
        {
            _gradientBuffers[0] = new AlignedBuffer<T>(Count);
            PreviousRaw = new T[HyperCount];
            Hypergradient = new T[HyperCount];
        }
        else if (learnedByLevelAbove)
        {
            // Zero partials make the first step's hypergradients zero, as the algorithm requires.
            _partials = new AlignedBuffer<T>(HyperCount * Stride);
            Hypergradient = new T[HyperCount];
        }
    }

    public OptimizerDefinition Definition { get; }

    public IStepKernel<T> Kernel { get; }

    /// <summary>The kernel, when this level gets its hypergradient by recomputing the partials; otherwise null.</summary>
    public IRecomputingStepKernel<T>? RecomputingKernel { get; }

    /// <summary>Elements this level updates: the weights at level 1, the hyperparameters below otherwise.</summary>
    public int Count { get; }

    /// <summary>
    /// Distance, in elements, from one state variable (or partial) of this level to the next: <see cref="Count"/>
    /// rounded up so that every variable starts on a 64-byte boundary.
    /// </summary>
    public int Stride { get; }

    public int HyperCount { get; }

    public int StateCount { get; }

    public T[] Raw { get; }

    /// <summary>The current state, which the next update reads: variable k at <c>[k * Stride, k * Stride + Count)</c>.</summary>
    public Span<T> State => _stateBuffers[_currentState].Span;

    /// <summary>
    /// With recomputed partials, the state the last update started from (and the buffer the next update writes);
    /// empty otherwise.
    /// </summary>
    public Span<T> PreviousState => RecomputesPartials ? _stateBuffers[1 - _currentState].Span : [];

    /// <summary>Whether the level above gets its hypergradient by recomputing this level's partials.</summary>
    [MemberNotNullWhen(true, nameof(RecomputingKernel))]
    public bool RecomputesPartials => RecomputingKernel is not null;

    /// <summary>
    /// The partials the last update recorded, partial j at <c>[j * Stride, j * Stride + Count)</c>; empty unless the
    /// level is learned and stores them.
    /// </summary>
    public Span<T> Partials => _partials.Span;

    /// <summary>How many partials <see cref="Partials"/> holds: <see cref="HyperCount"/>, or 0.</summary>
    public int PartialCount => _partials.Length == 0 ? 0 : HyperCount;

    /// <summary>Whether the level's update records partials for the level above (a learned level that stores them, with some hyperparameter).</summary>
    public bool RecordsPartials => _partials.Length > 0;

    /// <summary>With recomputed partials, the gradients the last update used; empty otherwise.</summary>
    public Span<T> PreviousGradients => _gradientBuffers[_previousGradients].Span;

    /// <summary>
    /// A buffer for the caller to fill with the next step's gradients, allocated on first use; with recomputed
    /// partials it is the other half of a double buffer with <see cref="PreviousGradients"/>, so a step that reads
    /// its gradients from here needs no copy.
    /// </summary>
    public Span<T> NextGradients
    {
        get
        {
            int next = RecomputesPartials ? 1 - _previousGradients : 1;
            if (_gradientBuffers[next].Length != Count)
            {
                _gradientBuffers[next] = new AlignedBuffer<T>(Count);
            }

            return _gradientBuffers[next].Span;
        }
    }

    /// <summary>With recomputed partials, the raw hyperparameters the last update used; empty otherwise.</summary>
    public T[] PreviousRaw { get; }

    /// <summary>With recomputed partials, the step index the last update used (0 before the first).</summary>
    public int PreviousStepIndex { get; set; }

    public T[] Hypergradient { get; }

    public int StepCount { get; set; }

    public T* PartialPointer => (T*)Unsafe.AsPointer(ref PartialRef(0));

    public ref T StateRef(int at) => ref _stateBuffers[_currentState].Ref(at);

    public ref T PreviousStateRef(int at) =>
        ref RecomputesPartials ? ref _stateBuffers[1 - _currentState].Ref(at) : ref Unsafe.NullRef<T>();

    public ref T PartialRef(int at) => ref _partials.Ref(at);

    public ref T PreviousGradientRef(int at) => ref _gradientBuffers[_previousGradients].Ref(at);

    /// <summary>State variable <paramref name="k"/> of the current state, without the padding after it.</summary>
    public Span<T> StateVariable(int k) => State.Slice(k * Stride, Count);

    /// <summary>State variable <paramref name="k"/> of the previous state, without the padding after it.</summary>
    public Span<T> PreviousStateVariable(int k) => PreviousState.Slice(k * Stride, Count);

    /// <summary>Partial <paramref name="j"/>, without the padding after it.</summary>
    public Span<T> Partial(int j) => Partials.Slice(j * Stride, Count);

    public bool IsLearned(int index) => _plan.IsHyperLearned(index);

    public double GetRaw(int index) => double.CreateTruncating(Raw[index]);

    // The same rounding as the constructor's, so a value set equals the same initial value bit for bit.
    public void SetRaw(int index, double raw) => Raw[index] = T.CreateTruncating(raw);

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
        if (!_plan.HoldsSome)
        {
            return;
        }

        for (int j = 0; j < HyperCount; j++)
        {
            Raw[j] = TowerRules.Hold(Raw[j], _initialRaw[j], _plan.IsHyperLearned(j));
        }
    }
}
