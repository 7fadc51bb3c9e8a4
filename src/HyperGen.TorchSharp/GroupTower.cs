using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp;

/// <summary>
/// One parameter group's running tower, whatever its precision: what <see cref="HyperOptimizer"/> asks of a group.
/// A CPU group steps the tensors' storage in place (<see cref="GroupTower{T}"/>); a device group would be another
/// implementation of this class behind the same optimizer.
/// </summary>
internal abstract class GroupTower : IDisposable
{
    private readonly int _alphaIndex;
    private readonly int _beta1Index;
    private readonly int _beta2Index;

    protected GroupTower(TowerSpec spec, IReadOnlyList<string> names, bool flat)
    {
        Spec = spec;
        Names = names;
        IsFlat = flat;
        OptimizerDefinition top = spec.Levels[^1].Definition;
        _alphaIndex = top.IndexOfHyperParameter("alpha");
        _beta1Index = top.IndexOfHyperParameter("beta1");
        _beta2Index = top.IndexOfHyperParameter("beta2");
        AppliedLearningRate = InitialLearningRate;
    }

    /// <summary>The tower's specification.</summary>
    public TowerSpec Spec { get; }

    /// <summary>The parameters' names, as messages give them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether the parameters were re-homed onto one flat weight buffer and one flat gradient buffer.</summary>
    public bool IsFlat { get; }

    /// <summary>The levels, bottom first.</summary>
    public abstract IReadOnlyList<TowerLevel> Levels { get; }

    /// <summary>The element type of the tower: float or double.</summary>
    public abstract Type ElementType { get; }

    /// <summary>The <see cref="Tower{T}"/> itself.</summary>
    public abstract object Tower { get; }

    /// <summary>See <see cref="Tower{T}.NonFinitePolicy"/>.</summary>
    public abstract NonFinitePolicy NonFinitePolicy { get; set; }

    /// <summary>See <see cref="Tower{T}.StepCount"/>.</summary>
    public abstract int StepCount { get; }

    /// <summary>See <see cref="Tower{T}.SkippedStepCount"/>.</summary>
    public abstract long SkippedStepCount { get; }

    /// <summary>
    /// The group's learning rate as a scheduler sees it: the top level's alpha, the one step size no level learns (at
    /// Depth 1, the optimizer's ordinary learning rate). Zero when the top level has no alpha.
    /// </summary>
    public double InitialLearningRate => _alphaIndex >= 0 ? Spec.Levels[^1].InitialValues[_alphaIndex] : 0.0;

    /// <summary>The learning rate last written into the tower (the comparison that tells a scheduler's change).</summary>
    public double AppliedLearningRate { get; set; }

    /// <summary>The top level's (beta1, beta2), for schedulers that cycle momentum.</summary>
    /// <exception cref="InvalidOperationException">The top level has no beta1 and beta2.</exception>
    public (double Beta1, double Beta2) Betas
    {
        get
        {
            RequireBetas();
            TowerLevel top = Levels[^1];
            return (top.GetValue(_beta1Index), top.GetValue(_beta2Index));
        }

        set
        {
            RequireBetas();
            TowerLevel top = Levels[^1];
            top.SetValue(_beta1Index, value.Beta1);
            top.SetValue(_beta2Index, value.Beta2);
        }
    }

    /// <summary>
    /// Creates the tower of one group, after checking every parameter: CPU, one dtype (float32 or float64),
    /// contiguous, within a span's reach, trainable and listed once. Nothing is changed when a check fails.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter breaks a rule; the message names it and says what to do.</exception>
    public static GroupTower Create(IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names, TowerSpec spec, bool flatten)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("The optimizer got no parameters: pass model.parameters() (or a non-empty parameter group).");
        }

        TensorRules.CheckPrecision(parameters[0], names[0]);
        ScalarType dtype = parameters[0].dtype;
        var seen = new HashSet<IntPtr>();
        long total = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter p = parameters[i];
            TensorRules.Check(p, names[i], dtype);
            if (!p.requires_grad)
            {
                throw new ArgumentException(
                    $"{TensorRules.Describe(names[i], p)} does not require a gradient, so the tower would never get one for it. " +
                    "Leave frozen parameters out of the optimizer (model.parameters().Where(p => p.requires_grad)).");
            }

            if (!seen.Add(p.Handle))
            {
                throw new ArgumentException($"{TensorRules.Describe(names[i], p)} is listed twice; pass each parameter once.");
            }

            using Tensor? gradient = p.grad;
            if (gradient is not null)
            {
                TensorRules.Check(gradient, names[i], dtype, "gradient");
            }

            total += p.numel();
        }

        if (total > Array.MaxLength / 2)
        {
            throw new ArgumentException($"The group holds {total:N0} weights, more than one tower steps; split it into several parameter groups.");
        }

        return dtype == ScalarType.Float32
            ? new GroupTower<float>(parameters, names, spec, flatten)
            : new GroupTower<double>(parameters, names, spec, flatten);
    }

    /// <summary>
    /// Writes a scheduler's change of the learning rate into the top level, once per change.
    /// </summary>
    /// <exception cref="InvalidOperationException">The learning rate was changed but the top level has no alpha.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The new learning rate is outside alpha's domain or bounds.</exception>
    public void ApplyLearningRate(double requested)
    {
        // Compares the bits, so that an unchanged rate costs nothing; a NaN request is passed on and rejected there.
        if (BitConverter.DoubleToInt64Bits(requested) == BitConverter.DoubleToInt64Bits(AppliedLearningRate))
        {
            return;
        }

        if (_alphaIndex < 0)
        {
            throw new InvalidOperationException(
                $"The learning rate was set to {requested}, but the tower's top level, {Spec.Levels[^1].Definition.Name}, has no alpha to set.");
        }

        Levels[^1].SetValue(_alphaIndex, requested);
        AppliedLearningRate = requested;
    }

    /// <summary>
    /// Checks that every parameter and gradient is still where the tower steps it, rebinding any that moved (a
    /// gradient set to none and made anew by backward, a parameter whose storage was replaced). After it, the step
    /// cannot fail on a tensor's layout, so a bad tensor in any group stops the step before any group changes.
    /// </summary>
    /// <exception cref="InvalidOperationException">A parameter has no gradient, or a moved tensor breaks a rule.</exception>
    public abstract void Prepare();

    /// <summary>Steps the group in place; <paramref name="loss"/>, when given, is checked for finiteness too.</summary>
    public abstract void Step(double? loss);

    /// <summary>Sets every gradient of the group to zero, in place.</summary>
    public abstract void ZeroGradients();

    /// <summary>The tower's complete state as a HyperGen checkpoint (the <c>TOWR</c> and <c>WGHT</c> sections).</summary>
    public abstract byte[] SaveState();

    /// <summary>Restores the tower's state from what <see cref="SaveState"/> wrote; the weights are the model's to load.</summary>
    /// <exception cref="Checkpoints.CheckpointException">The state is malformed or was saved for another tower.</exception>
    public abstract void LoadState(byte[] state, string source);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the tensors the group holds (not the parameters).</summary>
    protected abstract void Dispose(bool disposing);

    private void RequireBetas()
    {
        if (_beta1Index < 0 || _beta2Index < 0)
        {
            throw new InvalidOperationException(
                $"The tower's top level, {Spec.Levels[^1].Definition.Name}, has no beta1 and beta2: only a top-level Adam has betas a scheduler can set.");
        }
    }
}
