using System.Numerics;

namespace HyperGen.Bench;

/// <summary>One training step of a <see cref="Tower{T}"/> over the bench's weights, through its public API only.</summary>
internal sealed class TowerStep<T> : IMeasuredStep, IRefusingStep
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Tower<T> _tower;
    private readonly T[] _weights;
    private readonly T[] _gradients;

    public TowerStep(TowerSpec spec, T[] weights, T[] gradients)
    {
        // A tower that the synthetic gradients drive to overflow must not end the bench: it refuses those steps
        // (changing nothing), counts them, and the bench says so.
        _tower = new Tower<T>(spec, weights.Length) { NonFinitePolicy = NonFinitePolicy.SkipStep };
        _weights = weights;
        _gradients = gradients;
    }

    public void Step() => _tower.Step(_weights, _gradients);

    public long CountRefusedSteps() => _tower.SkippedStepCount;
}
