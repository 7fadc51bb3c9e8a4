using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace HyperGen.TorchSharp;

/// <summary>
/// A TorchSharp optimizer that runs a HyperGen tower: level 1 trains the model's parameters, and each level above
/// trains the hyperparameters of the level below while the model trains (Chandra et al., "Gradient Descent: The
/// Ultimate Optimizer"). Drop it into a TorchSharp loop in place of <c>torch.optim.Adam</c>.
/// </summary>
/// <example>
/// <code>
/// var opt = new HyperOptimizer(model.parameters(), "adam(alpha=1e-3)/sgd(alpha=1e-5)");
/// for (...) { opt.zero_grad(); using var loss = criterion(model.forward(x), y); loss.backward(); opt.step(); }
/// Console.WriteLine(opt.Levels[0]["alpha"]);   // the step size the tower has learned so far
/// </code>
/// </example>
/// <remarks>
/// <para>
/// A step writes the parameters' CPU storage in place through spans: no copy, and after the first step no managed
/// allocation and no tensor. By default (<c>flatten: true</c>) the constructor re-homes the parameters onto one flat
/// weight buffer and their gradients onto one flat gradient buffer, which lets the tower step all of them as one span;
/// the parameters keep their identity, shapes and values, and <c>Module.save</c>/<c>load</c> work as before.
/// Parameters must be float32 or float64 (one dtype per group), contiguous CPU tensors that require a gradient; the
/// constructor names the first that is not and changes nothing.
/// </para>
/// <para>
/// Each parameter group runs its own tower. A learning-rate scheduler drives each group's <c>LearningRate</c>,
/// which is the top level's alpha: the one step size no level learns (at Depth 1, the ordinary learning rate; in
/// <c>adam/sgd</c>, SGD's hyper-step size). Level 1's alpha at Depth 2 and above is learned, and no scheduler sets it.
/// </para>
/// <para>
/// <c>state_dict()</c>, <c>save_state_dict</c> and <c>load_state_dict</c> carry every tower's whole state: with the
/// model's <c>save</c>/<c>load</c>, a resumed run continues bit for bit.
/// </para>
/// </remarks>
public sealed partial class HyperOptimizer : OptimizerHelper, IBetas
{
    private readonly List<GroupTower> _towers = [];
    private readonly Dictionary<IntPtr, string> _names = [];

    /// <summary>Creates an optimizer over <paramref name="parameters"/> from a tower's text.</summary>
    /// <param name="parameters">The parameters to train, e.g. <c>model.parameters()</c>.</param>
    /// <param name="tower">The tower, e.g. <c>adam(alpha=1e-3)/sgd(alpha=1e-5)</c> (docs/towers.md).</param>
    /// <param name="catalog">The optimizers the text may name; the built-in ones when null.</param>
    /// <param name="flatten">False to step each parameter's own storage instead of re-homing them onto one buffer.</param>
    /// <exception cref="TowerSpecException">The tower's text is malformed or names an unknown optimizer.</exception>
    /// <exception cref="ArgumentException">A parameter is not a contiguous float32/float64 CPU tensor that requires a gradient.</exception>
    public HyperOptimizer(IEnumerable<Parameter> parameters, string tower, OptimizerCatalog? catalog = null, bool flatten = true)
        : this(parameters, TowerSpec.Parse(tower, catalog), flatten)
    {
    }

    /// <summary>Creates an optimizer over <paramref name="parameters"/> from a tower specification.</summary>
    /// <param name="parameters">The parameters to train, e.g. <c>model.parameters()</c>.</param>
    /// <param name="tower">The tower's levels, bottom first.</param>
    /// <param name="flatten">False to step each parameter's own storage instead of re-homing them onto one buffer.</param>
    /// <exception cref="ArgumentException">A parameter is not a contiguous float32/float64 CPU tensor that requires a gradient.</exception>
    public HyperOptimizer(IEnumerable<Parameter> parameters, TowerSpec tower, bool flatten = true)
        : this([new ParamGroup(Materialize(parameters, nameof(parameters)))], tower, flatten)
    {
    }

    /// <summary>
    /// Creates an optimizer over named parameters (<c>model.named_parameters()</c>), so that messages name the
    /// parameter they are about.
    /// </summary>
    /// <param name="parameters">The parameters with their names.</param>
    /// <param name="tower">The tower's levels, bottom first.</param>
    /// <param name="flatten">False to step each parameter's own storage instead of re-homing them onto one buffer.</param>
    /// <exception cref="ArgumentException">A parameter is not a contiguous float32/float64 CPU tensor that requires a gradient.</exception>
    public HyperOptimizer(IEnumerable<(string name, Parameter parameter)> parameters, TowerSpec tower, bool flatten = true)
        : this(Name(parameters, out Dictionary<IntPtr, string> names), tower, flatten, names)
    {
    }

    /// <summary>Creates an optimizer over parameter groups, each with its own tower.</summary>
    /// <param name="groups">The groups; one whose options name no tower takes <paramref name="tower"/>.</param>
    /// <param name="tower">The default tower.</param>
    /// <param name="flatten">The default for groups whose options do not say.</param>
    /// <exception cref="ArgumentException">A group has no tower, or a parameter breaks a rule.</exception>
    public HyperOptimizer(IEnumerable<ParamGroup> groups, TowerSpec? tower = null, bool flatten = true)
        : this(groups, tower, flatten, names: null)
    {
    }

    private HyperOptimizer(IEnumerable<ParamGroup> groups, TowerSpec? tower, bool flatten, Dictionary<IntPtr, string>? names)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (names is not null)
        {
            foreach (var (handle, name) in names)
            {
                _names[handle] = name;
            }
        }

        _defaults = new Options { Tower = tower, Flatten = flatten };
        _parameter_groups = new List<global::TorchSharp.Modules.ParamGroup>();
        foreach (ParamGroup group in groups)
        {
            add_param_group(group);
        }
    }

    /// <summary>The levels of the first group's tower, bottom (the weights) first: <c>Levels[0]["alpha"]</c> is the learned step size.</summary>
    public IReadOnlyList<TowerLevel> Levels => FirstTower.Levels;

    /// <summary>The parameter groups, each with its tower.</summary>
    public IReadOnlyList<ParamGroup> Groups => _parameter_groups.Cast<ParamGroup>().ToArray();

    /// <summary>The first group's tower specification.</summary>
    public TowerSpec Spec => FirstTower.Spec;

    /// <summary>How many steps the first group's tower has taken (skipped steps not included).</summary>
    public int StepCount => FirstTower.StepCount;

    /// <summary>How many steps were skipped, over all groups, under <see cref="NonFinitePolicy.SkipStep"/>.</summary>
    public long SkippedStepCount => _towers.Sum(t => t.SkippedStepCount);

    /// <summary>
    /// What a step does when a gradient, hyperparameter or hypergradient is not finite (every group's tower);
    /// <see cref="NonFinitePolicy.Throw"/> unless set. A rejected step changes nothing.
    /// </summary>
    public NonFinitePolicy NonFinitePolicy
    {
        get => FirstTower.NonFinitePolicy;
        set
        {
            foreach (GroupTower tower in _towers)
            {
                tower.NonFinitePolicy = value;
            }
        }
    }

    /// <summary>The first group's top-level (beta1, beta2), for schedulers that cycle momentum.</summary>
    /// <exception cref="InvalidOperationException">The top level has no betas (it is not an Adam).</exception>
    public (double, double) Betas
    {
        get => FirstTower.Betas;
        set
        {
            foreach (GroupTower tower in _towers)
            {
                tower.Betas = value;
            }
        }
    }

    private GroupTower FirstTower => _towers.Count > 0 ? _towers[0] : throw new InvalidOperationException("The optimizer has no parameter group.");

    /// <summary>
    /// The running tower of group <paramref name="group"/>: a <see cref="Tower{T}"/> of float for float32
    /// parameters, of double for float64.
    /// </summary>
    /// <exception cref="InvalidOperationException">The group's parameters are of the other precision.</exception>
    public Tower<T> GetTower<T>(int group = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        GroupTower tower = _towers[group];
        return tower.Tower as Tower<T>
            ?? throw new InvalidOperationException($"Group {group} runs in {tower.ElementType.Name}, not {typeof(T).Name}.");
    }

    /// <summary>
    /// Takes one training step of every group. With a <paramref name="closure"/>, first calls it (with gradients
    /// enabled) to recompute the loss and gradients, and rejects the step when that loss is not finite.
    /// </summary>
    /// <param name="closure">Recomputes the loss: zero_grad, forward, backward; returns the loss.</param>
    /// <returns>The closure's loss, or null.</returns>
    /// <exception cref="InvalidOperationException">A parameter has no gradient, or a tensor moved to a layout the tower cannot step; nothing was stepped.</exception>
    /// <exception cref="NonFiniteStepException">A value was not finite under <see cref="NonFinitePolicy.Throw"/>; the group changed nothing.</exception>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        double? value = null;
        if (closure is not null)
        {
            using (enable_grad())
            {
                loss = closure();
            }

            value = loss.dtype == ScalarType.Float64 ? loss.item<double>() : loss.to_type(ScalarType.Float64).item<double>();
        }

        // Every group is checked (and any tensor that moved rebound) before any is stepped. Indexed loops: an
        // enumerator over the IList would be allocated on every step.
        for (int i = 0; i < _towers.Count; i++)
        {
            var group = (ParamGroup)_parameter_groups[i];
            _towers[i].ApplyLearningRate(group.Options.LearningRate ?? _towers[i].AppliedLearningRate);
            _towers[i].Prepare();
        }

        for (int i = 0; i < _towers.Count; i++)
        {
            _towers[i].Step(value);
        }

        return loss!;
    }

    /// <summary>Sets the gradients of every parameter to zero, in place (it never sets them to none).</summary>
    public override void zero_grad()
    {
        for (int i = 0; i < _towers.Count; i++)
        {
            _towers[i].ZeroGradients();
        }
    }

    /// <summary>Adds a parameter group with its own tower (its options' tower, or the optimizer's default).</summary>
    /// <param name="param_group">A <see cref="ParamGroup"/>.</param>
    /// <exception cref="ArgumentException">The group is not a <see cref="ParamGroup"/>, has no tower, shares a parameter with another group, or a parameter breaks a rule.</exception>
    public override void add_param_group(global::TorchSharp.Modules.ParamGroup param_group)
    {
        ArgumentNullException.ThrowIfNull(param_group);
        if (param_group is not ParamGroup group)
        {
            throw new ArgumentException($"A HyperOptimizer takes HyperOptimizer.ParamGroup groups, not {param_group.GetType().Name}.", nameof(param_group));
        }

        var defaults = (Options)_defaults;
        group.Options ??= new Options();
        Options options = group.Options;
        options.Tower ??= defaults.Tower
            ?? throw new ArgumentException($"Parameter group {_towers.Count} names no tower, and the optimizer has no default tower.", nameof(param_group));
        options.Flatten ??= defaults.Flatten ?? true;

        Parameter[] parameters = Materialize(group.Parameters, nameof(param_group));
        group.Parameters = parameters;
        int index = _towers.Count;
        var names = new string[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            names[i] = _names.TryGetValue(parameters[i].Handle, out string? name)
                ? name
                : index == 0 ? $"parameter {i}" : $"parameter {i} of group {index}";
            if (_state.ContainsKey(parameters[i].Handle))
            {
                throw new ArgumentException($"{TensorRules.Describe(names[i], parameters[i])} is already in another group; pass each parameter once.", nameof(param_group));
            }
        }

        GroupTower tower = GroupTower.Create(parameters, names, options.Tower, options.Flatten.Value);
        tower.NonFinitePolicy = _towers.Count > 0 ? _towers[0].NonFinitePolicy : NonFinitePolicy.Throw;
        options.LearningRate ??= tower.InitialLearningRate;
        options.InitialLearningRate = options.LearningRate.Value;
        tower.AppliedLearningRate = options.LearningRate.Value;
        group.Tower = tower;
        _towers.Add(tower);
        _parameter_groups.Add(group);
        for (int i = 0; i < parameters.Length; i++)
        {
            _state[parameters[i].Handle] = new State(parameters[i], tower, index, i);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (GroupTower tower in _towers)
            {
                tower.Dispose();
            }

            _towers.Clear();
        }

        base.Dispose(disposing);
    }

    private static Parameter[] Materialize(IEnumerable<Parameter>? parameters, string argument)
    {
        ArgumentNullException.ThrowIfNull(parameters, argument);
        Parameter[] array = parameters.ToArray();
        if (Array.IndexOf(array, null) >= 0)
        {
            throw new ArgumentException("The parameters include null.", argument);
        }

        return array;
    }

    private static IEnumerable<ParamGroup> Name(IEnumerable<(string name, Parameter parameter)> parameters, out Dictionary<IntPtr, string> names)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        names = [];
        var list = new List<Parameter>();
        foreach (var (name, parameter) in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter);
            names[parameter.Handle] = name;
            list.Add(parameter);
        }

        return [new ParamGroup(list)];
    }
}
