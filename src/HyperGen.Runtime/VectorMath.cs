using System.Numerics;

namespace HyperGen;

/// <summary>Small vector kernels the towers share.</summary>
internal static unsafe class VectorMath
{
    /// <summary>
    /// The dot product of two buffers, accumulated in <typeparamref name="T"/> with four independent vector
    /// accumulators (which also shortens the rounding chains) and returned as a double.
    /// </summary>
    public static double Dot<T>(T* a, T* b, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count;
        int i = 0;
        var acc0 = Vector<T>.Zero;
        var acc1 = Vector<T>.Zero;
        var acc2 = Vector<T>.Zero;
        var acc3 = Vector<T>.Zero;
        for (; i <= length - (4 * width); i += 4 * width)
        {
            acc0 += Vector.Load(a + i) * Vector.Load(b + i);
            acc1 += Vector.Load(a + i + width) * Vector.Load(b + i + width);
            acc2 += Vector.Load(a + i + (2 * width)) * Vector.Load(b + i + (2 * width));
            acc3 += Vector.Load(a + i + (3 * width)) * Vector.Load(b + i + (3 * width));
        }

        double sum = double.CreateTruncating(Vector.Sum((acc0 + acc1) + (acc2 + acc3)));
        for (; i < length; i++)
        {
            sum += double.CreateTruncating(a[i]) * double.CreateTruncating(b[i]);
        }

        return sum;
    }
}
