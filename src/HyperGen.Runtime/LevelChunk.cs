using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace HyperGen;

/// <summary>
/// One contiguous range of the buffers a level steps over: weights, gradients, per-weight state and, optionally,
/// the partial derivatives of the new weights with respect to the level's raw hyperparameters.
/// </summary>
/// <remarks>
/// State variable <c>k</c> of element <c>i</c> lives at <c>State(k)[i]</c>; partial <c>j</c> at
/// <c>Partial(j)[i]</c>. The chunk only borrows memory; it is created by towers for generated kernels.
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
    private readonly nint _stateStride;
    private readonly nint _partialStride;

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
        _stateStride = stateStride;
        _partialStride = partialStride;
        Length = length;
    }

    /// <summary>Number of elements in the range.</summary>
    public int Length { get; }

    /// <summary>Whether the kernel must write partial derivatives.</summary>
    public bool HasPartials => !Unsafe.IsNullRef(ref _partials);

    /// <summary>The first weight of the range.</summary>
    public ref T Weights => ref _weights;

    /// <summary>The first gradient of the range.</summary>
    public ref readonly T Gradients => ref _gradients;

    /// <summary>The first element of state variable <paramref name="index"/>.</summary>
    public ref T State(int index) => ref Unsafe.Add(ref _state, index * _stateStride);

    /// <summary>The first element of the partial derivative with respect to raw hyperparameter <paramref name="index"/>.</summary>
    public ref T Partial(int index) => ref Unsafe.Add(ref _partials, index * _partialStride);
}
