using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace HyperGen;

/// <summary>
/// One contiguous range of the buffers a level steps over: weights, gradients, per-weight state and, by the chunk's
/// <see cref="Mode"/>, nothing more, the partial derivatives of the new weights with respect to the level's raw
/// hyperparameters, or the buffers that keep this step's inputs for the next step to recompute those partials from.
/// </summary>
/// <remarks>
/// State variable <c>k</c> of element <c>i</c> lives at <c>State(k)[i]</c>; partial <c>j</c> at
/// <c>Partial(j)[i]</c>. A chunk that keeps its inputs reads the state from <c>State(k)</c> and writes the new state
/// to <c>NextState(k)</c>, another buffer, and copies the gradients to <c>GradientCopy</c> when
/// <see cref="CopiesGradients"/>. Each constructor makes one mode, so a null reference never means anything but
/// "no state" (an optimizer without state variables). The chunk only borrows memory; it is created by towers for
/// generated kernels.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public readonly ref struct LevelChunk<T>
    where T : unmanaged
{
    private readonly ref T _weights;
    private readonly ref readonly T _gradients;
    private readonly ref T _state;
    private readonly ref T _partials;
    private readonly ref T _nextState;
    private readonly ref T _gradientCopy;
    private readonly nint _stateStride;
    private readonly nint _partialStride;

    /// <summary>Creates a chunk of the plain step (<see cref="LevelChunkMode.Plain"/>) over buffers of <paramref name="length"/> elements.</summary>
    /// <param name="weights">The first weight of the range.</param>
    /// <param name="gradients">The first gradient of the range.</param>
    /// <param name="state">The first element of state variable 0 (or a null reference when there is no state).</param>
    /// <param name="stateStride">Distance, in elements, from state variable k to k + 1.</param>
    /// <param name="length">Number of elements in the range.</param>
    public LevelChunk(ref T weights, ref readonly T gradients, ref T state, nint stateStride, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Mode = LevelChunkMode.Plain;
        _weights = ref weights;
        _gradients = ref gradients;
        _state = ref state;
        _nextState = ref state;
        _partials = ref Unsafe.NullRef<T>();
        _gradientCopy = ref Unsafe.NullRef<T>();
        _stateStride = stateStride;
        Length = length;
    }

    /// <summary>
    /// Creates a chunk whose step records the partials (<see cref="LevelChunkMode.RecordPartials"/>) over buffers of
    /// <paramref name="length"/> elements.
    /// </summary>
    /// <param name="weights">The first weight of the range.</param>
    /// <param name="gradients">The first gradient of the range.</param>
    /// <param name="state">The first element of state variable 0 (or a null reference when there is no state).</param>
    /// <param name="stateStride">Distance, in elements, from state variable k to k + 1.</param>
    /// <param name="partials">The first element of partial 0.</param>
    /// <param name="partialStride">Distance, in elements, from partial j to j + 1.</param>
    /// <param name="length">Number of elements in the range.</param>
    public LevelChunk(
        ref T weights, ref readonly T gradients, ref T state, nint stateStride, ref T partials, nint partialStride, int length)
        : this(ref weights, in gradients, ref state, stateStride, length)
    {
        Mode = LevelChunkMode.RecordPartials;
        _partials = ref partials;
        _partialStride = partialStride;
    }

    /// <summary>
    /// Creates a chunk that keeps the step's inputs (<see cref="LevelChunkMode.KeepInputs"/>) and copies the
    /// gradients: the kernel reads the state at <paramref name="state"/>, writes the new state at
    /// <paramref name="nextState"/> (leaving the old one intact) and copies the gradients to <paramref name="gradientCopy"/>.
    /// </summary>
    /// <param name="weights">The first weight of the range.</param>
    /// <param name="gradients">The first gradient of the range.</param>
    /// <param name="state">The first element of state variable 0, read (or a null reference when there is no state).</param>
    /// <param name="nextState">The first element of state variable 0, written; laid out as <paramref name="state"/>.</param>
    /// <param name="stateStride">Distance, in elements, from state variable k to k + 1 in both state buffers.</param>
    /// <param name="gradientCopy">Where the gradients of the range are copied to.</param>
    /// <param name="length">Number of elements in the range.</param>
    public LevelChunk(
        ref T weights, ref readonly T gradients, ref T state, ref T nextState, nint stateStride, ref T gradientCopy, int length)
        : this(ref weights, in gradients, ref state, ref nextState, stateStride, length)
    {
        CopiesGradients = true;
        _gradientCopy = ref gradientCopy;
    }

    /// <summary>
    /// Creates a chunk that keeps the step's inputs (<see cref="LevelChunkMode.KeepInputs"/>) where the caller keeps
    /// the gradients itself: the kernel reads the state at <paramref name="state"/> and writes the new state at
    /// <paramref name="nextState"/>, leaving the old one intact.
    /// </summary>
    /// <param name="weights">The first weight of the range.</param>
    /// <param name="gradients">The first gradient of the range.</param>
    /// <param name="state">The first element of state variable 0, read (or a null reference when there is no state).</param>
    /// <param name="nextState">The first element of state variable 0, written; laid out as <paramref name="state"/>.</param>
    /// <param name="stateStride">Distance, in elements, from state variable k to k + 1 in both state buffers.</param>
    /// <param name="length">Number of elements in the range.</param>
    public LevelChunk(ref T weights, ref readonly T gradients, ref T state, ref T nextState, nint stateStride, int length)
        : this(ref weights, in gradients, ref state, stateStride, length)
    {
        Mode = LevelChunkMode.KeepInputs;
        _nextState = ref nextState;
    }

    /// <summary>Number of elements in the range.</summary>
    public int Length { get; }

    /// <summary>What the kernel writes besides the weights and the state.</summary>
    public LevelChunkMode Mode { get; }

    /// <summary>Whether the kernel must write partial derivatives (<see cref="LevelChunkMode.RecordPartials"/>).</summary>
    public bool HasPartials => Mode == LevelChunkMode.RecordPartials;

    /// <summary>
    /// Whether the kernel must keep this step's inputs (<see cref="LevelChunkMode.KeepInputs"/>): write the new state
    /// to <see cref="NextState"/>, leaving the old state intact, and copy the gradients when <see cref="CopiesGradients"/>.
    /// </summary>
    public bool KeepsInputs => Mode == LevelChunkMode.KeepInputs;

    /// <summary>
    /// Whether the kernel should write the new state of a chunk that keeps its inputs, the gradient copy and the
    /// partials with non-temporal stores (see <see cref="VectorStores"/>), because those buffers are larger than the
    /// caches. Set it only over pinned buffers.
    /// </summary>
    public bool StreamingStores { get; init; }

    /// <summary>Whether the kernel must copy the gradients to <see cref="GradientCopy"/> (a chunk that keeps its inputs and was given a copy buffer).</summary>
    public bool CopiesGradients { get; }

    /// <summary>The first weight of the range.</summary>
    public ref T Weights => ref _weights;

    /// <summary>The first gradient of the range.</summary>
    public ref readonly T Gradients => ref _gradients;

    /// <summary>The first element of state variable <paramref name="index"/>.</summary>
    public ref T State(int index) => ref Unsafe.Add(ref _state, index * _stateStride);

    /// <summary>
    /// The first element of the new value of state variable <paramref name="index"/>: the same memory as
    /// <see cref="State"/> unless the chunk keeps its inputs.
    /// </summary>
    public ref T NextState(int index) => ref Unsafe.Add(ref _nextState, index * _stateStride);

    /// <summary>The first element of the buffer the gradients are copied to (a null reference unless the chunk keeps its inputs).</summary>
    public ref T GradientCopy => ref _gradientCopy;

    /// <summary>The first element of the partial derivative with respect to raw hyperparameter <paramref name="index"/>.</summary>
    public ref T Partial(int index) => ref Unsafe.Add(ref _partials, index * _partialStride);
}
