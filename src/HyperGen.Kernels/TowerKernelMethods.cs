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
    /// <param name="refusal">The tower's refusal record (<see cref="Refusal"/>).</param>
    /// <param name="refusingStep">The step a non-finite hypergradient refuses; 0 when the tower does not check.</param>
    public static void FinishHypergradients(
        Index1D index, ArrayView<double> blockSums, int blocks, ArrayView<int> levels, int levelCount,
        ArrayView<T> hypergradients, ArrayView<int> learned, ArrayView<T> upperPartials, ArrayView<int> refusal, int refusingStep)
    {
        TPrecision precision = default;
        int hyperCount = levels[1];
        for (int j = 0; j < hyperCount; j++)
        {
            double sum = TowerRules.AddInBlockOrder(0.0, new DeviceValues<double, DoublePrecision>(blockSums, 0), blocks, hyperCount, j);
            Finish(precision, sum, j, hypergradients, learned, refusal, refusingStep);
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
                double sum = TowerRules.ChainedSum(
                    new DeviceValues<T, TPrecision>(hypergradients, belowAt), new DeviceValues<T, TPrecision>(upperPartials, partialAt + (l * count)), count);
                Finish(precision, sum, gradientAt + l, hypergradients, learned, refusal, refusingStep);
            }
        }
    }

    /// <summary>
    /// Stores one hypergradient by the CPU tower's rule: the sum, rounded to T, refuses the step where it is not
    /// finite (a held hyperparameter's too: a NaN there still means a NaN in the state), and the stored value is
    /// <see cref="TowerRules.Hypergradient"/>'s.
    /// </summary>
    private static void Finish(
        TPrecision precision, double sum, int packedIndex, ArrayView<T> hypergradients, ArrayView<int> learned, ArrayView<int> refusal, int refusingStep)
    {
        RefuseIfNotFinite(precision.Widen(precision.Narrow(sum)), packedIndex, refusal, refusingStep);
        hypergradients[packedIndex] = precision.Narrow(TowerRules.Hypergradient(sum, learned[packedIndex] != 0));
    }

    /// <summary>
    /// Looks for a NaN or an infinity among the gradients, a grid-stride loop per thread. Claims the refusal of
    /// <paramref name="stepIndex"/> for the first one found (<c>Refusal.Gradient</c>) and keeps the lowest index of
    /// them; with <paramref name="classify"/> it only runs after level 1's hypergradient refused this step, and records
    /// the lowest index, which tells the host that a gradient, not the previous step's partials, was the cause.
    /// </summary>
    public static void ScanGradients(
        Index1D index, ArrayView<T> gradients, int count, int threads, ArrayView<int> refusal, int stepIndex, int levelOneHypers, int classify)
    {
        // A sibling thread may have claimed this step already: it is the same refusal, and this thread still records.
        int refused = refusal[Refusal.Step];
        bool levelOneHypergradient = refused == stepIndex && refusal[Refusal.Quantity] == Refusal.Hypergradient
            && refusal[Refusal.Hyperparameter] < levelOneHypers;
        if (classify != 0 ? !levelOneHypergradient : refused != 0 && refused != stepIndex)
        {
            return;
        }

        TPrecision precision = default;
        for (int i = index; i < count; i += threads)
        {
            if (!IsFinite(precision.Widen(gradients[i])))
            {
                if (classify == 0)
                {
                    Refusal.Claim(refusal, stepIndex, Refusal.Gradient);
                }

                // Each thread meets its lowest index first; the record keeps the lowest of all.
                if (refusal[Refusal.Step] == stepIndex)
                {
                    Atomic.Min(ref refusal[Refusal.Parameter], i);
                }

                return;
            }
        }
    }

    /// <summary>Threads of the one group of <see cref="EndUpperStep"/>: the upper part is a few hundred values.</summary>
    public const int EndGroupSize = 256;

    /// <summary>
    /// The end of a step's upper part, in one group: refuses the step (<c>Refusal.UpdatedHyperparameter</c>, keeping
    /// the lowest packed index) when an upper level wrote a raw hyperparameter that is not finite; then, if the step
    /// was refused, puts back the upper part saved after the last step taken (every raw hyperparameter and
    /// hypergradient, the upper levels' state and partials, packed in that order in <paramref name="saved"/>), and
    /// otherwise saves it there. Level 1's update, which runs next, reads what this leaves.
    /// </summary>
    public static void EndUpperStep(
        ArrayView<T> raw, ArrayView<T> hypergradients, ArrayView<T> upperState, ArrayView<T> upperPartials,
        ArrayView<T> saved, ArrayView<int> refusal, int stepIndex)
    {
        TPrecision precision = default;
        int thread = Group.IdxX;
        int threads = Group.DimX;
        for (int k = thread; k < raw.IntLength; k += threads)
        {
            // Only this step's upper levels can have written a value that is not finite (a refused step's do not run).
            if (!IsFinite(precision.Widen(raw[k])))
            {
                Refusal.Claim(refusal, stepIndex, Refusal.UpdatedHyperparameter);
                if (refusal[Refusal.Step] == stepIndex)
                {
                    Atomic.Min(ref refusal[Refusal.Hyperparameter], k);
                }
            }
        }

        Group.Barrier();
        bool restore = refusal[Refusal.Step] != 0;
        int at = 0;
        at = SaveOrRestore(raw, saved, at, restore, thread, threads);
        at = SaveOrRestore(hypergradients, saved, at, restore, thread, threads);
        at = SaveOrRestore(upperState, saved, at, restore, thread, threads);
        SaveOrRestore(upperPartials, saved, at, restore, thread, threads);
    }

    /// <summary>Copies <paramref name="live"/> to <paramref name="saved"/> from <paramref name="at"/> on, or back; returns the end.</summary>
    private static int SaveOrRestore(ArrayView<T> live, ArrayView<T> saved, int at, bool restore, int thread, int threads)
    {
        for (int k = thread; k < live.IntLength; k += threads)
        {
            if (restore)
            {
                live[k] = saved[at + k];
            }
            else
            {
                saved[at + k] = live[k];
            }
        }

        return at + live.IntLength;
    }

    /// <summary>
    /// Whether a value is neither NaN nor infinite: its exponent bits are not all ones. A bit test, so no compiler
    /// or driver arithmetic simplification can change it; float values arrive widened, which keeps NaN and infinity.
    /// </summary>
    private static bool IsFinite(double value) => (Interop.FloatAsInt(value) & 0x7FF0_0000_0000_0000UL) != 0x7FF0_0000_0000_0000UL;

    private static void RefuseIfNotFinite(double value, int packedIndex, ArrayView<int> refusal, int refusingStep)
    {
        if (refusingStep != 0 && !IsFinite(value) && Refusal.Claim(refusal, refusingStep, Refusal.Hypergradient))
        {
            refusal[Refusal.Hyperparameter] = packedIndex;
        }
    }

    /// <summary>
    /// Clamps one raw hyperparameter, just updated by the level above, to its bounds and counts the hit, by the rule
    /// the CPU tower applies (<see cref="TowerRules.Clamp"/>): <paramref name="bounds"/> holds three values per
    /// hyperparameter (low and high in the raw domain, rounded to T, infinite where there is none; 1 where the bound is
    /// on the magnitude, keeping the sign). For towers whose upper levels run one launch each; the generated
    /// dispatcher calls the same rule in its own launch.
    /// </summary>
    public static void ApplyBounds(Index1D j, ArrayView<T> raw, ArrayView<T> bounds, ArrayView<int> hits)
    {
        TPrecision precision = default;
        BoundedValue clamped = TowerRules.Clamp(
            precision.Widen(raw[j]), precision.Widen(bounds[3 * j]), precision.Widen(bounds[(3 * j) + 1]), precision.Widen(bounds[(3 * j) + 2]) != 0);
        if (clamped.Hit)
        {
            raw[j] = precision.Narrow(clamped.Value);
            hits[j]++;
        }
    }

    /// <summary>Puts back the hyperparameters the level above does not learn (<see cref="TowerRules.Hold"/>: momentum that starts at 0 stays 0).</summary>
    public static void HoldInactive(Index1D index, ArrayView<T> raw, ArrayView<T> initialRaw, ArrayView<int> learned) =>
        raw[index] = TowerRules.Hold(raw[index], initialRaw[index], learned[index] != 0);
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

/// <summary>A run of a device view as <see cref="TowerRules"/> reads it: from <c>offset</c> on, widened to double.</summary>
internal readonly struct DeviceValues<T, TPrecision>(ArrayView<T> view, int offset) : ITowerValues
    where T : unmanaged
    where TPrecision : struct, IPrecision<T>
{
    public double this[int index] => default(TPrecision).Widen(view[offset + index]);
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

/// <summary>
/// The layout of a GPU tower's refusal record, four ints on the device that every kernel of a step can read. A step
/// that meets a NaN or an infinity claims the record; the level-1 update and the upper levels then write nothing, and
/// neither do the steps after it, until the host reads the record and clears it (<c>GpuTower.TakeRefusal</c>).
/// </summary>
internal static class Refusal
{
    /// <summary>The 1-based index of the first refused step; 0 while no step was refused.</summary>
    public const int Step = 0;

    /// <summary>What was not finite: one of the codes below.</summary>
    public const int Quantity = 1;

    /// <summary>The packed index (over all levels) of the hyperparameter whose hypergradient or new value was not finite.</summary>
    public const int Hyperparameter = 2;

    /// <summary>The lowest flat index of a non-finite gradient found.</summary>
    public const int Parameter = 3;

    /// <summary>The record's length.</summary>
    public const int Length = 4;

    /// <summary>No index recorded (the index slots start here; atomic minimums lower them).</summary>
    public const int None = int.MaxValue;

    /// <summary>Codes of <see cref="Quantity"/>, those of <see cref="NonFiniteQuantity"/>.</summary>
    public const int Gradient = (int)NonFiniteQuantity.Gradient;

    /// <inheritdoc cref="Gradient"/>
    public const int Hypergradient = (int)NonFiniteQuantity.Hypergradient;

    /// <inheritdoc cref="Gradient"/>
    public const int UpdatedHyperparameter = (int)NonFiniteQuantity.UpdatedHyperParameter;

    /// <summary>The host's image of a clear record.</summary>
    public static int[] Clear() => [0, 0, None, None];

    /// <summary>
    /// Makes <paramref name="stepIndex"/> the refused step if no step was refused yet, recording
    /// <paramref name="quantity"/>; returns whether this call did.
    /// </summary>
    public static bool Claim(ArrayView<int> refusal, int stepIndex, int quantity)
    {
        if (Atomic.CompareExchange(ref refusal[Step], 0, stepIndex) != 0)
        {
            return false;
        }

        refusal[Quantity] = quantity;
        return true;
    }
}
