using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

namespace HyperGen.Bench;

/// <summary>
/// The baseline: Adam with fixed hyperparameters as a competent engineer writes it by hand. One fused pass over
/// w, g, m, v with <see cref="Vector512{T}"/> where the machine has it and <see cref="Vector{T}"/> otherwise, on
/// every core; the bias corrections are folded into two scalars per
/// step, so each element costs one square root and one division. It moves 7 elements per parameter (reads w, g,
/// m, v; writes w, m, v), 28 bytes in float.
/// </summary>
/// <remarks>The update is the one the built-in Adam performs at depth 1, with v starting at eps as in the paper's code.</remarks>
internal sealed class PlainAdam<T> : ParallelBlockJob, IMeasuredStep
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const double Alpha = 1e-3;
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly T[] _weights;
    private readonly T[] _gradients;
    private readonly T[] _m;
    private readonly T[] _v;
    private int _stepIndex;
    private T _stepSize;
    private T _inverseCorrection2;

    public PlainAdam(T[] weights, T[] gradients)
    {
        _weights = weights;
        _gradients = gradients;
        _m = BenchBuffers.Filled(weights.Length, T.Zero);
        _v = BenchBuffers.Filled(weights.Length, T.CreateTruncating(Epsilon));
    }

    public void Step()
    {
        _stepIndex++;

        // w -= alpha * (m / c1) / (sqrt(v / c2) + eps) with c_k = 1 - beta_k^t: alpha / c1 and 1 / c2 once per step.
        _stepSize = T.CreateTruncating(Alpha / (1 - System.Math.Pow(Beta1, _stepIndex)));
        _inverseCorrection2 = T.CreateTruncating(1 / (1 - System.Math.Pow(Beta2, _stepIndex)));
        ParallelBlocks.Run(this, _weights.Length);
    }

    protected override void RunBlock(int start, int length)
    {
        ref T w = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref T g = ref MemoryMarshal.GetArrayDataReference(_gradients);
        ref T m = ref MemoryMarshal.GetArrayDataReference(_m);
        ref T v = ref MemoryMarshal.GetArrayDataReference(_v);
        T beta1 = T.CreateTruncating(Beta1);
        T beta2 = T.CreateTruncating(Beta2);
        T oneMinusBeta1 = T.One - beta1;
        T oneMinusBeta2 = T.One - beta2;
        T epsilon = T.CreateTruncating(Epsilon);

        nuint i = (nuint)start;
        nuint end = (nuint)(start + length);

        // The widest vectors first, as the generated kernels do: .NET keeps Vector<T> at 256 bits on AVX-512 machines.
        if (Vector512.IsHardwareAccelerated)
        {
            var beta1s = Vector512.Create(beta1);
            var beta2s = Vector512.Create(beta2);
            var oneMinusBeta1s = Vector512.Create(oneMinusBeta1);
            var oneMinusBeta2s = Vector512.Create(oneMinusBeta2);
            var stepSizes = Vector512.Create(_stepSize);
            var inverseCorrections2 = Vector512.Create(_inverseCorrection2);
            var epsilons = Vector512.Create(epsilon);
            for (nuint wide = (nuint)Vector512<T>.Count; i + wide <= end; i += wide)
            {
                Vector512<T> gi = Vector512.LoadUnsafe(ref g, i);
                Vector512<T> mi = (beta1s * Vector512.LoadUnsafe(ref m, i)) + (oneMinusBeta1s * gi);
                Vector512<T> vi = (beta2s * Vector512.LoadUnsafe(ref v, i)) + (oneMinusBeta2s * gi * gi);
                Vector512.StoreUnsafe(mi, ref m, i);
                Vector512.StoreUnsafe(vi, ref v, i);
                Vector512<T> update = stepSizes * mi / (Vector512.Sqrt(vi * inverseCorrections2) + epsilons);
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref w, i) - update, ref w, i);
            }
        }

        nuint width = (nuint)Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var beta1s = new Vector<T>(beta1);
            var beta2s = new Vector<T>(beta2);
            var oneMinusBeta1s = new Vector<T>(oneMinusBeta1);
            var oneMinusBeta2s = new Vector<T>(oneMinusBeta2);
            var stepSizes = new Vector<T>(_stepSize);
            var inverseCorrections2 = new Vector<T>(_inverseCorrection2);
            var epsilons = new Vector<T>(epsilon);
            for (; i + width <= end; i += width)
            {
                Vector<T> gi = Vector.LoadUnsafe(ref g, i);
                Vector<T> mi = (beta1s * Vector.LoadUnsafe(ref m, i)) + (oneMinusBeta1s * gi);
                Vector<T> vi = (beta2s * Vector.LoadUnsafe(ref v, i)) + (oneMinusBeta2s * gi * gi);
                Vector.StoreUnsafe(mi, ref m, i);
                Vector.StoreUnsafe(vi, ref v, i);
                Vector<T> update = stepSizes * mi / (Vector.SquareRoot(vi * inverseCorrections2) + epsilons);
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref w, i) - update, ref w, i);
            }
        }

        for (; i < end; i++)
        {
            T gi = g.At(i);
            T mi = (beta1 * m.At(i)) + (oneMinusBeta1 * gi);
            T vi = (beta2 * v.At(i)) + (oneMinusBeta2 * gi * gi);
            m.At(i) = mi;
            v.At(i) = vi;
            w.At(i) -= _stepSize * mi / (T.Sqrt(vi * _inverseCorrection2) + epsilon);
        }
    }
}
