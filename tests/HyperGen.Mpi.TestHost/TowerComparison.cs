using System;
using System.Numerics;

namespace HyperGen.Mpi.TestHost;

/// <summary>
/// Steps a sharded tower and a one-process tower over the same model side by side, from the same deterministic
/// gradients, and measures how far the sharded one's weights and hyperparameters are from the one-process one's.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class TowerComparison<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Tower<T> _sharded;
    private readonly Tower<T> _single;
    private readonly T[][] _shardedWeights;
    private readonly T[][] _singleWeights;
    private readonly T[][] _gradients;
    private readonly Memory<T>[] _shardedMemory;
    private readonly Memory<T>[] _singleMemory;
    private readonly ReadOnlyMemory<T>[] _gradientMemory;

    /// <summary>Builds both towers; every rank must call it with the same arguments.</summary>
    /// <param name="spec">The tower.</param>
    /// <param name="sharding">The model's tensors and each rank's range.</param>
    /// <param name="communicator">The ranks.</param>
    public TowerComparison(TowerSpec spec, TowerSharding sharding, ITowerCommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(sharding);
        int[] sizes = [.. sharding.TensorSizes];
        _sharded = new Tower<T>(spec, sharding, communicator);
        _single = new Tower<T>(spec, sizes);
        _shardedWeights = new T[sizes.Length][];
        _singleWeights = new T[sizes.Length][];
        _gradients = new T[sizes.Length][];
        _shardedMemory = new Memory<T>[sizes.Length];
        _singleMemory = new Memory<T>[sizes.Length];
        _gradientMemory = new ReadOnlyMemory<T>[sizes.Length];
        for (int t = 0; t < sizes.Length; t++)
        {
            _shardedWeights[t] = new T[sizes[t]];
            for (int i = 0; i < sizes[t]; i++)
            {
                _shardedWeights[t][i] = T.CreateTruncating(Math.Cos((0.1 * i) + t));
            }

            _singleWeights[t] = (T[])_shardedWeights[t].Clone();
            _gradients[t] = new T[sizes[t]];
            _shardedMemory[t] = _shardedWeights[t];
            _singleMemory[t] = _singleWeights[t];
            _gradientMemory[t] = _gradients[t];
        }
    }

    /// <summary>The sharded tower.</summary>
    public Tower<T> Sharded => _sharded;

    /// <summary>Takes one step of both towers: the same gradients (each tower's of its own weights), then the weight all-gather.</summary>
    /// <param name="step">The step number, which varies the gradients.</param>
    public void Step(int step)
    {
        // The sharded tower's weights after the all-gather should be the one-process tower's; the gradients are
        // taken at the sharded weights, as a data-parallel job takes them.
        for (int t = 0; t < _gradients.Length; t++)
        {
            Gradients(_shardedWeights[t], _gradients[t], t, step);
        }

        _sharded.Step(_shardedMemory, _gradientMemory);
        _sharded.GatherWeights(_shardedMemory);

        for (int t = 0; t < _gradients.Length; t++)
        {
            Gradients(_singleWeights[t], _gradients[t], t, step);
        }

        _single.Step(_singleMemory, _gradientMemory);
    }

    /// <summary>Whether every weight and every hyperparameter of every level is bit for bit the one-process tower's.</summary>
    public bool Identical()
    {
        for (int t = 0; t < _gradients.Length; t++)
        {
            if (!_shardedWeights[t].AsSpan().SequenceEqual(_singleWeights[t]))
            {
                return false;
            }
        }

        for (int level = 0; level < _single.Depth; level++)
        {
            for (int j = 0; j < _single.Levels[level].Definition.HyperParameters.Count; j++)
            {
                if (BitConverter.DoubleToInt64Bits(_single.Levels[level].GetRawValue(j)) != BitConverter.DoubleToInt64Bits(_sharded.Levels[level].GetRawValue(j)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The largest difference between the two towers' weights and raw hyperparameters, relative to the value's size (at least 1e-3).</summary>
    public double MaxRelativeDifference()
    {
        double worst = 0;
        for (int t = 0; t < _gradients.Length; t++)
        {
            for (int i = 0; i < _singleWeights[t].Length; i++)
            {
                worst = Math.Max(worst, Relative(double.CreateTruncating(_shardedWeights[t][i]), double.CreateTruncating(_singleWeights[t][i])));
            }
        }

        for (int level = 0; level < _single.Depth; level++)
        {
            for (int j = 0; j < _single.Levels[level].Definition.HyperParameters.Count; j++)
            {
                worst = Math.Max(worst, Relative(_sharded.Levels[level].GetRawValue(j), _single.Levels[level].GetRawValue(j)));
            }
        }

        return worst;
    }

    /// <summary>A quadratic bowl with a different curvature per weight, plus a step-dependent ripple that keeps the hyperparameters moving.</summary>
    private static void Gradients(T[] weights, T[] gradients, int tensor, int step)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            double curvature = 0.5 + (0.3 * ((i + tensor) % 7));
            double target = Math.Sin((0.01 * i) + tensor);
            double ripple = 0.1 * Math.Sin((0.37 * i) + step);
            gradients[i] = T.CreateTruncating((curvature * (double.CreateTruncating(weights[i]) - target)) + ripple);
        }
    }

    private static double Relative(double a, double b) => Math.Abs(a - b) / Math.Max(1e-3, Math.Max(Math.Abs(a), Math.Abs(b)));
}
