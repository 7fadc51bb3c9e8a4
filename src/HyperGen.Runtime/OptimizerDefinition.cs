using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen;

/// <summary>
/// Describes one optimizer compiled by the HyperGen generator: its hyperparameters, its per-weight state and
/// the generated kernels that perform its step in single and double precision.
/// </summary>
/// <remarks>Instances are created by generated code (<c>YourOptimizer.Definition</c>); they are immutable.</remarks>
public abstract class OptimizerDefinition
{
    private readonly HyperParameterInfo[] _hyperParameters;
    private readonly StateVariableInfo[] _stateVariables;

    /// <summary>Creates the description of a generated optimizer.</summary>
    /// <param name="name">The optimizer's name (its class name).</param>
    /// <param name="hyperParameters">The learned hyperparameters, in declaration order.</param>
    /// <param name="stateVariables">The per-weight state variables, in declaration order.</param>
    /// <param name="defaultDepth">The <see cref="HyperOptimizeAttribute.Depth"/> of the definition.</param>
    protected OptimizerDefinition(
        string name, HyperParameterInfo[] hyperParameters, StateVariableInfo[] stateVariables, int defaultDepth)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(hyperParameters);
        ArgumentNullException.ThrowIfNull(stateVariables);
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(defaultDepth, HyperOptimizeAttribute.MaxDepth);
        Name = name;
        _hyperParameters = hyperParameters.ToArray();
        _stateVariables = stateVariables.ToArray();
        DefaultDepth = defaultDepth;
    }

    /// <summary>The optimizer's name, as written in tower specifications (matched case-insensitively).</summary>
    public string Name { get; }

    /// <summary>The learned hyperparameters, in declaration order.</summary>
    public IReadOnlyList<HyperParameterInfo> HyperParameters => _hyperParameters;

    /// <summary>The per-weight state variables, in declaration order.</summary>
    public IReadOnlyList<StateVariableInfo> StateVariables => _stateVariables;

    /// <summary>The depth of the default tower built by <see cref="CreateDefaultSpec"/>.</summary>
    public int DefaultDepth { get; }

    /// <summary>The optimizer that fills levels 2 and above of the default tower.</summary>
    public virtual OptimizerDefinition DefaultAbove => this;

    /// <summary>Returns the generated kernel for the precision <typeparamref name="T"/> (float or double).</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public IStepKernel<T> GetKernel<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return (IStepKernel<T>)(object)SingleKernel;
        }

        if (typeof(T) == typeof(double))
        {
            return (IStepKernel<T>)(object)DoubleKernel;
        }

        throw new NotSupportedException($"HyperGen towers run in float or double, not {typeof(T).Name}.");
    }

    /// <summary>The generated single-precision kernel.</summary>
    protected abstract IStepKernel<float> SingleKernel { get; }

    /// <summary>The generated double-precision kernel.</summary>
    protected abstract IStepKernel<double> DoubleKernel { get; }

    /// <summary>Finds a hyperparameter by name (case-insensitive); -1 when there is none.</summary>
    public int IndexOfHyperParameter(string name)
    {
        for (int i = 0; i < _hyperParameters.Length; i++)
        {
            if (string.Equals(_hyperParameters[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The default tower of this definition: itself at level 1 and <see cref="DefaultAbove"/> at levels 2 to
    /// <see cref="DefaultDepth"/>, each with its declared initial hyperparameters.
    /// </summary>
    public TowerSpec CreateDefaultSpec()
    {
        var levels = new LevelSpec[DefaultDepth];
        levels[0] = new LevelSpec(this);
        for (int i = 1; i < levels.Length; i++)
        {
            levels[i] = new LevelSpec(DefaultAbove);
        }

        return new TowerSpec(levels);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A learned hyperparameter of an optimizer.</summary>
/// <param name="Name">The parameter's name in the step method.</param>
/// <param name="Initial">The declared initial value, in the user's domain.</param>
/// <param name="Domain">How the value is reparameterised while it is learned.</param>
/// <param name="InactiveAtZero">Whether a value starting at exactly zero is held there and not learned.</param>
/// <param name="Min">The declared lower bound in the user's domain; <see cref="double.NaN"/> when there is none.</param>
/// <param name="Max">The declared upper bound in the user's domain; <see cref="double.NaN"/> when there is none.</param>
public sealed record HyperParameterInfo(
    string Name,
    double Initial,
    HyperDomain Domain,
    bool InactiveAtZero = false,
    double Min = double.NaN,
    double Max = double.NaN)
{
    /// <summary>The declared bounds (<see cref="HyperBound.None"/> when neither <see cref="Min"/> nor <see cref="Max"/> is set).</summary>
    public HyperBound Bound => new(Min, Max);
}

/// <summary>A per-weight state variable of an optimizer.</summary>
/// <param name="Name">The parameter's name in the step method.</param>
/// <param name="Initial">The value every element starts from.</param>
public sealed record StateVariableInfo(string Name, double Initial);
