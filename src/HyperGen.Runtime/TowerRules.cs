using System;
using System.ComponentModel;

namespace HyperGen;

/// <summary>
/// The rules a tower applies to each hyperparameter after the level above updated it, written once for both
/// devices: <see cref="Tower{T}"/> calls them, and ILGPU compiles the same methods into the GPU tower's kernels and
/// the generated dispatcher. So they are plain static methods over scalars: no allocation, no exceptions, no generic
/// math, nothing ILGPU cannot compile.
/// </summary>
/// <remarks>
/// Values arrive as doubles whatever the tower's precision: a float widens exactly, and a bound that was rounded
/// to the tower's precision first (as both towers do) makes every comparison and every clamped value exactly what
/// the comparison in that precision gives, so a bound that the precision cannot represent counts a hit once, not
/// on every step.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TowerRules
{
    /// <summary>
    /// Clamps one raw hyperparameter to its bounds in the raw domain. With <paramref name="onMagnitude"/> (the
    /// squared domain, h = r * r) the bounds apply to |r| and the sign of r is kept, -0 counting as negative.
    /// </summary>
    /// <param name="value">The raw value the level above just wrote.</param>
    /// <param name="low">The lowest allowed raw value (or magnitude); negative infinity where there is none.</param>
    /// <param name="high">The highest allowed raw value (or magnitude); positive infinity where there is none.</param>
    /// <param name="onMagnitude">Whether the bounds apply to the magnitude.</param>
    /// <returns>The value to keep, and whether it was moved to a bound (a hit); a NaN is never moved.</returns>
    public static BoundedValue Clamp(double value, double low, double high, bool onMagnitude)
    {
        // The sign bit, not value < 0: -0 is negative here, as IsNegative has it on the CPU.
        double sign = onMagnitude && BitConverter.DoubleToInt64Bits(value) < 0 ? -1 : 1;
        double magnitude = sign * value;
        if (magnitude < low)
        {
            return new BoundedValue(sign * low, true);
        }

        if (magnitude > high)
        {
            return new BoundedValue(sign * high, true);
        }

        return new BoundedValue(value, false);
    }

    /// <summary>
    /// The value a hyperparameter keeps after the level above updated it: the update where the level above learns
    /// it, else its initial value (a hyperparameter declared inactive at zero that starts at zero stays there).
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="updated">The raw value the level above wrote.</param>
    /// <param name="initial">The raw value it started from.</param>
    /// <param name="learned">Whether the level above learns it.</param>
    public static T Hold<T>(T updated, T initial, bool learned)
        where T : unmanaged => learned ? updated : initial;

    /// <summary>
    /// A level's hypergradient of one hyperparameter from its sum: the sum where the level above learns the
    /// hyperparameter, else zero, so a held hyperparameter's hypergradient never moves the levels above it.
    /// </summary>
    /// <param name="sum">The sum over the level's elements of the hypergradient below times the partial.</param>
    /// <param name="learned">Whether the level above learns the hyperparameter.</param>
    public static double Hypergradient(double sum, bool learned) => learned ? sum : 0;

    /// <summary>
    /// Adds level 1's block sums of one hyperparameter to <paramref name="total"/>, one block after the other in
    /// block order. The order, not the number of threads (or ranks) that computed the blocks, fixes the rounding, so
    /// a step gives the same bits however the blocks were shared out.
    /// </summary>
    /// <typeparam name="TSums">The block sums' storage.</typeparam>
    /// <param name="total">The sum so far (0, or the previous tensors' or ranks' blocks).</param>
    /// <param name="blockSums">Block-major sums: block b's sum of hyperparameter j at <c>b * hyperCount + j</c>.</param>
    /// <param name="blocks">The number of blocks to add.</param>
    /// <param name="hyperCount">The level's hyperparameter count.</param>
    /// <param name="hyper">The hyperparameter.</param>
    public static double AddInBlockOrder<TSums>(double total, TSums blockSums, int blocks, int hyperCount, int hyper)
        where TSums : struct, ITowerValues
    {
        for (int block = 0; block < blocks; block++)
        {
            total += blockSums[(block * hyperCount) + hyper];
        }

        return total;
    }

    /// <summary>
    /// The chain rule one level up: <c>sum_i G(k)[i] * dh(k)_i / dh(k+1)_l</c>, in double and in element order, the
    /// sum behind level k+1's hypergradient of its hyperparameter l (pass it to <see cref="Hypergradient"/>).
    /// </summary>
    /// <typeparam name="TBelow">The hypergradients' storage.</typeparam>
    /// <typeparam name="TPartials">The partials' storage.</typeparam>
    /// <param name="below">Level k's hypergradient, one value per hyperparameter of level k.</param>
    /// <param name="partials">The partials of level k+1's last update with respect to its hyperparameter l, one per hyperparameter of level k.</param>
    /// <param name="count">Level k's hyperparameter count.</param>
    public static double ChainedSum<TBelow, TPartials>(TBelow below, TPartials partials, int count)
        where TBelow : struct, ITowerValues
        where TPartials : struct, ITowerValues
    {
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += below[i] * partials[i];
        }

        return sum;
    }
}
