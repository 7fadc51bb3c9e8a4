using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace HyperGen;

/// <summary>
/// One contiguous range of the buffers from which a kernel recomputes the previous step's partial derivatives and
/// accumulates the hypergradient: this step's gradients, and the previous step's gradients and the state that step
/// started from.
/// </summary>
/// <remarks>
/// State variable <c>k</c> of element <c>i</c> lives at <c>PreviousState(k)[i]</c>. The chunk only borrows memory; it
/// is created by towers for generated kernels.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public readonly ref struct HypergradientChunk<T>
    where T : unmanaged
{
    private readonly ref readonly T _gradients;
    private readonly ref readonly T _previousGradients;
    private readonly ref readonly T _previousState;
    private readonly nint _stateStride;

    /// <summary>Creates a chunk over buffers of <paramref name="length"/> elements.</summary>
    /// <param name="gradients">The first of this step's gradients.</param>
    /// <param name="previousGradients">The first of the previous step's gradients.</param>
    /// <param name="previousState">The first element of state variable 0 as the previous step read it (or a null reference when there is no state).</param>
    /// <param name="stateStride">Distance, in elements, from state variable k to k + 1.</param>
    /// <param name="length">Number of elements in the range.</param>
    public HypergradientChunk(
        ref readonly T gradients, ref readonly T previousGradients, ref readonly T previousState, nint stateStride, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _gradients = ref gradients;
        _previousGradients = ref previousGradients;
        _previousState = ref previousState;
        _stateStride = stateStride;
        Length = length;
    }

    /// <summary>Number of elements in the range.</summary>
    public int Length { get; }

    /// <summary>The first of this step's gradients.</summary>
    public ref readonly T Gradients => ref _gradients;

    /// <summary>The first of the previous step's gradients.</summary>
    public ref readonly T PreviousGradients => ref _previousGradients;

    /// <summary>The first element of state variable <paramref name="index"/> as the previous step read it.</summary>
    public ref readonly T PreviousState(int index) => ref Unsafe.Add(ref Unsafe.AsRef(in _previousState), index * _stateStride);
}
