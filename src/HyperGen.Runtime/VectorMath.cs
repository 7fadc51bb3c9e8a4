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

    /// <summary>The index of the first NaN or infinity in a buffer, or -1 when every value is finite.</summary>
    public static int FirstNonFinite<T>(T* values, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // x - x is 0 for every finite x and NaN otherwise, and NaN sticks in the sum: one subtraction and one
        // addition per vector, no branch, on the common path.
        int width = Vector<T>.Count;
        int i = 0;
        var poison = Vector<T>.Zero;
        for (; i <= length - width; i += width)
        {
            var x = Vector.Load(values + i);
            poison += x - x;
        }

        bool clean = Vector.EqualsAll(poison, Vector<T>.Zero);
        for (; i < length && clean; i++)
        {
            clean = T.IsFinite(values[i]);
        }

        if (clean)
        {
            return -1;
        }

        for (int k = 0; k < length; k++)
        {
            if (!T.IsFinite(values[k]))
            {
                return k;
            }
        }

        return -1;
    }
}
