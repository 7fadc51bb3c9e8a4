using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace HyperGen;

/// <summary>
/// One contiguous range of the buffers a level steps over: weights, gradients, per-weight state and, optionally,
/// the partial derivatives of the new weights with respect to the level's raw hyperparameters, or the buffers that
/// keep this step's inputs for the next step to recompute those partials from.
/// </summary>
/// <remarks>
/// State variable <c>k</c> of element <c>i</c> lives at <c>State(k)[i]</c>; partial <c>j</c> at
/// <c>Partial(j)[i]</c>. A chunk that keeps its inputs reads the state from <c>State(k)</c> and writes the new state
/// to <c>NextState(k)</c>, another buffer, and copies the gradients to <c>GradientCopy</c>. The chunk only borrows
/// memory; it is created by towers for generated kernels.
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
    private readonly bool _keepsInputs;

    /// <summary>Creates a chunk over buffers of <paramref name="length"/> elements.</summary>
    /// <param name="weights">The first weight of the range.</param>
    /// <param name="gradients">The first gradient of the range.</param>
    /// <param name="state">The first element of state variable 0 (or a null reference when there is no state).</param>
    /// <param name="stateStride">Distance, in elements, from state variable k to k + 1.</param>
    /// <param name="partials">The first element of partial 0, or a null reference when no partials are wanted.</param>
    /// <param name="partialStride">Distance, in elements, from partial j to j + 1.</param>
    /// <param name="length">Number of elements in the range.</param>
    public LevelChunk(
        ref T weights, ref readonly T gradients, ref T state, nint stateStride, ref T partials, nint partialStride, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _weights = ref weights;
        _gradients = ref gradients;
        _state = ref state;
        _partials = ref partials;
        _nextState = ref state;
        _gradientCopy = ref Unsafe.NullRef<T>();
        _stateStride = stateStride;
        _partialStride = partialStride;
        Length = length;
    }

    /// <summary>
    /// Creates a chunk that keeps the step's inputs: the kernel reads the state at <paramref name="state"/>, writes
    /// the new state at <paramref name="nextState"/> (leaving the old one intact) and copies the gradients to
    /// <paramref name="gradientCopy"/>, unless that is a null reference because the caller keeps the gradients itself.
    /// </summary>
    /// <param name="weights">The first weight of the range.</param>
    /// <param name="gradients">The first gradient of the range.</param>
    /// <param name="state">The first element of state variable 0, read (or a null reference when there is no state).</param>
    /// <param name="nextState">The first element of state variable 0, written; laid out as <paramref name="state"/>.</param>
    /// <param name="stateStride">Distance, in elements, from state variable k to k + 1 in both state buffers.</param>
    /// <param name="gradientCopy">Where the gradients of the range are copied to, or a null reference when the caller keeps them.</param>
    /// <param name="length">Number of elements in the range.</param>
    public LevelChunk(
        ref T weights, ref readonly T gradients, ref T state, ref T nextState, nint stateStride, ref T gradientCopy, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _keepsInputs = true;
        _weights = ref weights;
        _gradients = ref gradients;
        _state = ref state;
        _nextState = ref nextState;
        _partials = ref Unsafe.NullRef<T>();
        _gradientCopy = ref gradientCopy;
        _stateStride = stateStride;
        Length = length;
    }

    /// <summary>Number of elements in the range.</summary>
    public int Length { get; }

    /// <summary>Whether the kernel must write partial derivatives.</summary>
    public bool HasPartials => !Unsafe.IsNullRef(ref _partials);

    /// <summary>
    /// Whether the kernel must keep this step's inputs: write the new state to <see cref="NextState"/>, leaving the
    /// old state intact, and copy the gradients when <see cref="CopiesGradients"/>.
    /// </summary>
    public bool KeepsInputs => _keepsInputs;

    /// <summary>
    /// Whether the kernel should write the new state of a chunk that keeps its inputs, the gradient copy and the
    /// partials with non-temporal stores (see <see cref="VectorStores"/>), because those buffers are larger than the
    /// caches. Set it only over pinned buffers.
    /// </summary>
    public bool StreamingStores { get; init; }

    /// <summary>Whether the kernel must copy the gradients to <see cref="GradientCopy"/>.</summary>
    public bool CopiesGradients => !Unsafe.IsNullRef(ref _gradientCopy);

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
