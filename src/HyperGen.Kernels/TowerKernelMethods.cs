using ILGPU;

namespace HyperGen.Kernels;

/// <summary>
/// The optimizer-independent kernels of a GPU tower: level 1's hypergradient as block sums, the finishing and
/// chaining of every hypergradient, and holding hyperparameters that are not learned. Sums run in double whatever
/// the precision, in a fixed order, so a step is deterministic on a given device. Each kernel is written once for
/// float and double: <typeparamref name="TPrecision"/> widens and narrows T's values, a plain struct call that ILGPU
/// compiles like any other.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TPrecision">The conversions for T.</typeparam>
internal static class TowerKernelMethods<T, TPrecision>
    where T : unmanaged
    where TPrecision : struct, IPrecision<T>
{
    /// <summary>Hypergradients one block-sum pass handles; towers with more hyperparameters make several passes.</summary>
    public const int HypersPerPass = 4;

    /// <summary>Threads per block of <see cref="BlockDots"/>; a power of two for the tree reduction.</summary>
    public const int GroupSize = 256;

    /// <summary>
    /// <c>blockSums[block * hyperCount + j] = sum over this block's elements of g[i] * partials[j * count + i]</c> for
    /// the hyperparameters <c>first .. first + passCount - 1</c>: a grid-stride loop, then a tree in shared memory.
    /// </summary>
    public static void BlockDots(
        ArrayView<T> gradients, ArrayView<T> partials, ArrayView<double> blockSums, int count, int hyperCount, int first, int passCount)
    {
        ArrayView<double> shared = SharedMemory.Allocate<double>(GroupSize * HypersPerPass);
        int thread = Group.IdxX;
        int stride = Grid.DimX * Group.DimX;
        TPrecision precision = default;
        double sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
        int p0 = first * count;
        for (int i = Grid.GlobalIndex.X; i < count; i += stride)
        {
            double g = precision.Widen(gradients[i]);
            sum0 += g * precision.Widen(partials[p0 + i]);
            if (passCount > 1)
            {
                sum1 += g * precision.Widen(partials[p0 + count + i]);
            }

            if (passCount > 2)
            {
                sum2 += g * precision.Widen(partials[p0 + (2 * count) + i]);
            }

            if (passCount > 3)
            {
                sum3 += g * precision.Widen(partials[p0 + (3 * count) + i]);
            }
        }

        shared[thread] = sum0;
        shared[GroupSize + thread] = sum1;
        shared[(2 * GroupSize) + thread] = sum2;
        shared[(3 * GroupSize) + thread] = sum3;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half /= 2)
        {
            if (thread < half)
            {
                for (int j = 0; j < HypersPerPass; j++)
                {
                    shared[(j * GroupSize) + thread] += shared[(j * GroupSize) + thread + half];
                }
            }

            Group.Barrier();
        }

        if (thread == 0)
        {
            for (int j = 0; j < passCount; j++)
            {
                blockSums[(Grid.IdxX * hyperCount) + first + j] = shared[j * GroupSize];
            }
        }
    }

    /// <summary>
    /// One thread: adds level 1's block sums in block order into its hypergradient, then chains the hypergradients
    /// up the tower, <c>G(k+1)[l] = sum_j Gk[j] * dhk_j/dh(k+1)_l</c>, with the partials of the previous update of
    /// each level. A hyperparameter that is not learned gets a zero hypergradient.
    /// </summary>
    /// <param name="index">The single thread.</param>
    /// <param name="blockSums">Level 1's block sums, block-major.</param>
    /// <param name="blocks">The number of blocks summed.</param>
    /// <param name="levels">Per learned level L (0-based, below the top): count, hyperparameter count, offset of its hypergradient and learned flags, offset of its partials; four ints each.</param>
    /// <param name="levelCount">The number of learned levels (Depth - 1).</param>
    /// <param name="hypergradients">Every learned level's hypergradient, packed.</param>
    /// <param name="learned">Per packed hypergradient, 1 when that hyperparameter is learned.</param>
    /// <param name="upperPartials">Every level's partials above level 1, packed (level 1's own live in their buffer).</param>
    public static void FinishHypergradients(
        Index1D index, ArrayView<double> blockSums, int blocks, ArrayView<int> levels, int levelCount,
        ArrayView<T> hypergradients, ArrayView<int> learned, ArrayView<T> upperPartials)
    {
        TPrecision precision = default;
        int hyperCount = levels[1];
        for (int j = 0; j < hyperCount; j++)
        {
            double sum = 0;
            for (int block = 0; block < blocks; block++)
            {
                sum += blockSums[(block * hyperCount) + j];
            }

            hypergradients[j] = precision.Narrow(learned[j] != 0 ? sum : 0);
        }

        for (int level = 1; level < levelCount; level++)
        {
            int count = levels[level * 4];
            int hypers = levels[(level * 4) + 1];
            int gradientAt = levels[(level * 4) + 2];
            int partialAt = levels[(level * 4) + 3];
            int belowAt = levels[((level - 1) * 4) + 2];
            for (int l = 0; l < hypers; l++)
            {
                double sum = 0;
                for (int i = 0; i < count; i++)
                {
                    sum += precision.Widen(hypergradients[belowAt + i]) * precision.Widen(upperPartials[partialAt + (l * count) + i]);
                }

                hypergradients[gradientAt + l] = precision.Narrow(learned[gradientAt + l] != 0 ? sum : 0);
            }
        }
    }

    /// <summary>Puts back the hyperparameters the level above does not learn (momentum that starts at 0 stays 0).</summary>
    public static void HoldInactive(Index1D index, ArrayView<T> raw, ArrayView<T> initialRaw, ArrayView<int> learned)
    {
        if (learned[index] == 0)
        {
            raw[index] = initialRaw[index];
        }
    }
}

/// <summary>Converts a precision's values to and from double inside kernels.</summary>
/// <typeparam name="T">float or double.</typeparam>
internal interface IPrecision<T>
    where T : unmanaged
{
    /// <summary>The value as a double.</summary>
    double Widen(T value);

    /// <summary>The double rounded to T.</summary>
    T Narrow(double value);
}

/// <summary>Single precision.</summary>
internal readonly struct SinglePrecision : IPrecision<float>
{
    public double Widen(float value) => value;

    public float Narrow(double value) => (float)value;
}

/// <summary>Double precision: nothing to convert.</summary>
internal readonly struct DoublePrecision : IPrecision<double>
{
    public double Widen(double value) => value;

    public double Narrow(double value) => value;
}
