using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Tests.Reference;

/// <summary>
/// f_t(w) = sum_i 0.5*a_i*(w_i - b_i)^2 + n_t,i * w_i with n_t = Noise[(t-1) % Noise.Length] (zero when Noise is
/// null); its gradient is a_i*(w_i - b_i) + n_t,i. <see cref="Steps"/> training steps are taken from W0.
/// </summary>
public sealed record QuadraticProblem(double[] A, double[] B, double[] W0, double[][]? Noise, int Steps)
{
    public double[] NoiseAt(int t)
    {
        if (Noise is null || Noise.Length == 0)
        {
            return new double[W0.Length];
        }

        return Noise[(t - 1) % Noise.Length];
    }

    public double Loss(int t, IReadOnlyList<double> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        double[] n = NoiseAt(t);
        double loss = 0.0;
        for (int i = 0; i < w.Count; i++)
        {
            double d = w[i] - B[i];
            loss += 0.5 * A[i] * d * d + n[i] * w[i];
        }

        return loss;
    }

    public double[] Gradient(int t, IReadOnlyList<double> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        double[] n = NoiseAt(t);
        var g = new double[w.Count];
        for (int i = 0; i < w.Count; i++)
        {
            g[i] = A[i] * (w[i] - B[i]) + n[i];
        }

        return g;
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(A);
        ArgumentNullException.ThrowIfNull(B);
        ArgumentNullException.ThrowIfNull(W0);
        if (A.Length != W0.Length || B.Length != W0.Length)
        {
            throw new ArgumentException("A, B and W0 must have the same length.");
        }

        if (Noise is not null && Noise.Any(n => n is null || n.Length != W0.Length))
        {
            throw new ArgumentException("Every noise row must have the length of W0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Steps);
    }
}

/// <summary>
/// One training step t. <see cref="Loss"/> = f_t at the weights before step t's update. <see cref="Levels"/>:
/// every level's hyperparameters (bottom level first), by name, in the user domain, as used in step t's update.
/// </summary>
public sealed record ReferenceStep(int T, double Loss, IReadOnlyList<IReadOnlyDictionary<string, double>> Levels)
{
    /// <summary>The same hyperparameters as <see cref="Levels"/>, as raw (learned) values.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> RawLevels { get; init; } = [];

    /// <summary>
    /// Hypergradients computed at step t (bottom level first, top level included), w.r.t. the raw values each
    /// level used in step t-1's update: level 1's is sum_i g_t[i] * dw_i/dh1, level k+1's is
    /// sum_j G_k[j] * dh_k,j/dh_(k+1). All zero at t = 1. Level k's are the gradients level k+1 used in step t.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Hypergradients { get; init; } = [];
}

public sealed record ReferenceTrace(IReadOnlyList<ReferenceStep> Steps, double[] FinalWeights);

/// <summary>
/// The independent reference implementation of the algorithm docs/towers.md states (what one step does) and
/// docs/defining-optimizers.md, "How the derivatives are taken (and what is held constant)".
/// </summary>
public static class ReferenceTower
{
    /// <summary>Built-in optimizers by normalized name (lower case, no underscores).</summary>
    public static IReadOnlyDictionary<string, ReferenceOptimizer> BuiltIns { get; } =
        new Dictionary<string, ReferenceOptimizer>
        {
            ["sgd"] = new ReferenceSgd(),
            ["adam"] = new ReferenceAdam(),
            ["adamalpha"] = new ReferenceAdamAlpha(),
            ["adagrad"] = new ReferenceAdaGrad(),
            ["rmsprop"] = new ReferenceRmsProp(),
            ["rmspropalpha"] = new ReferenceRmsPropAlpha(),
        };

    public static ReferenceTrace Run(
        string towerSpec,
        QuadraticProblem problem,
        IReadOnlyDictionary<string, ReferenceOptimizer>? extraOptimizers = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var run = new ReferenceTowerRun(towerSpec, problem, extraOptimizers);
        var steps = new List<ReferenceStep>(problem.Steps);
        for (int t = 1; t <= problem.Steps; t++)
        {
            steps.Add(run.Step());
        }

        return new ReferenceTrace(steps, run.Weights);
    }
}

/// <summary>
/// A tower being trained on a <see cref="QuadraticProblem"/>, one step at a time. Level indices are 0-based
/// (0 = the bottom level, which updates the weights).
/// </summary>
public sealed class ReferenceTowerRun
{
    private readonly QuadraticProblem _problem;
    private readonly Level[] _levels;
    private readonly double[] _w;

    // The previous step's graph: new weights and the raw hyperparameter nodes each level used. They are the only
    // thing kept across steps; everything they depend on (old weights, old state, gradients) entered as constants.
    private Var[]? _previousWeights;
    private Var[][]? _previousRaw;

    public ReferenceTowerRun(
        string towerSpec,
        QuadraticProblem problem,
        IReadOnlyDictionary<string, ReferenceOptimizer>? extraOptimizers = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        problem.Validate();
        _problem = problem;
        _w = (double[])problem.W0.Clone();

        var specs = ReferenceTowerSpec.Parse(towerSpec);
        _levels = new Level[specs.Count];
        for (int k = 0; k < specs.Count; k++)
        {
            int quantities = k == 0 ? _w.Length : _levels[k - 1].Optimizer.Hypers.Count;
            _levels[k] = new Level(specs[k], Lookup(specs[k].Name, extraOptimizers), quantities);
        }
    }

    public int Depth => _levels.Length;

    public int StepsDone { get; private set; }

    /// <summary>A copy of the current weights.</summary>
    public double[] Weights => (double[])_w.Clone();

    public ReferenceOptimizer Optimizer(int level) => _levels[level].Optimizer;

    /// <summary>A copy of the level's current raw hyperparameters (those used in the last update), in declaration order.</summary>
    public double[] RawHypers(int level) => (double[])_levels[level].Raw.Clone();

    /// <summary>The user values the level was created with.</summary>
    public IReadOnlyDictionary<string, double> InitialHypers(int level) => _levels[level].Initial;

    /// <summary>A copy of the level's state for the index-th quantity it optimizes (a weight, or a lower hyperparameter).</summary>
    public Dictionary<string, double> StateOf(int level, int index) => new(_levels[level].State[index]);

    /// <summary>The level's step counter (number of steps it has taken).</summary>
    public int LevelStepCount(int level) => _levels[level].T;

    public ReferenceStep Step()
    {
        int t = ++StepsDone;
        int depth = _levels.Length;
        foreach (var level in _levels)
        {
            level.T++;
        }

        double loss = _problem.Loss(t, _w);
        double[] g = _problem.Gradient(t, _w);

        // 1. Hypergradients: one reverse sweep through the previous step's graph, seeded with g_t at the new weights.
        var hyperGrads = new double[depth][];
        for (int k = 0; k < depth; k++)
        {
            hyperGrads[k] = new double[_levels[k].Raw.Length];
        }

        if (_previousWeights is not null && _previousRaw is not null)
        {
            var adjoint = Var.Backward(_previousWeights.Select((node, i) => (node, g[i])));
            for (int k = 0; k < depth; k++)
            {
                for (int j = 0; j < hyperGrads[k].Length; j++)
                {
                    hyperGrads[k][j] = adjoint.GetValueOrDefault(_previousRaw[k][j]);
                }
            }
        }

        // 2. Top-down update. The top level's raw values are fixed leaves.
        var raw = new Var[depth][];
        raw[depth - 1] = _levels[depth - 1].Raw.Select(r => new Var(r)).ToArray();
        for (int k = depth - 2; k >= 0; k--)
        {
            Level upper = _levels[k + 1];
            Level lower = _levels[k];
            var h = upper.UserHypers(raw[k + 1]);
            raw[k] = new Var[lower.Raw.Length];
            for (int j = 0; j < lower.Raw.Length; j++)
            {
                raw[k][j] = upper.StepOne(lower.Raw[j], hyperGrads[k][j], h, j);
                lower.Raw[j] = raw[k][j].Value;
            }
        }

        // 3. The weights, by level 1 with the freshly updated level-1 hyperparameters.
        Level bottom = _levels[0];
        var h0 = bottom.UserHypers(raw[0]);
        var newWeights = new Var[_w.Length];
        for (int i = 0; i < _w.Length; i++)
        {
            newWeights[i] = bottom.StepOne(_w[i], g[i], h0, i);
            _w[i] = newWeights[i].Value;
        }

        _previousWeights = newWeights;
        _previousRaw = raw;

        var levels = new IReadOnlyDictionary<string, double>[depth];
        var rawLevels = new IReadOnlyDictionary<string, double>[depth];
        var grads = new IReadOnlyDictionary<string, double>[depth];
        for (int k = 0; k < depth; k++)
        {
            var hypers = _levels[k].Optimizer.Hypers;
            levels[k] = Named(hypers, j => ReferenceDomains.ToUser(raw[k][j], hypers[j].Domain).Value);
            rawLevels[k] = Named(hypers, j => raw[k][j].Value);
            grads[k] = Named(hypers, j => hyperGrads[k][j]);
        }

        return new ReferenceStep(t, loss, levels) { RawLevels = rawLevels, Hypergradients = grads };
    }

    private static Dictionary<string, double> Named(IReadOnlyList<ReferenceHyper> hypers, Func<int, double> value)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int j = 0; j < hypers.Count; j++)
        {
            result.Add(hypers[j].Name, value(j));
        }

        return result;
    }

    private static ReferenceOptimizer Lookup(string name, IReadOnlyDictionary<string, ReferenceOptimizer>? extra)
    {
        string key = ReferenceTowerSpec.NormalizeName(name);
        if (extra is not null)
        {
            foreach (var (extraName, optimizer) in extra)
            {
                if (ReferenceTowerSpec.NormalizeName(extraName) == key)
                {
                    return optimizer;
                }
            }
        }

        return ReferenceTower.BuiltIns.TryGetValue(key, out var builtIn)
            ? builtIn
            : throw new FormatException($"Unknown optimizer '{name}'.");
    }

    private sealed class Level
    {
        public Level(ReferenceLevelSpec spec, ReferenceOptimizer optimizer, int quantities)
        {
            Optimizer = optimizer;
            var hypers = optimizer.Hypers;
            var initial = hypers.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, value) in spec.Settings)
            {
                var hyper = hypers.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase))
                    ?? throw new FormatException($"Optimizer '{spec.Name}' has no hyperparameter '{key}'.");
                if (!seen.Add(hyper.Name))
                {
                    throw new FormatException($"Hyperparameter '{key}' of '{spec.Name}' is set twice.");
                }

                if (!ReferenceDomains.IsValid(value, hyper.Domain))
                {
                    throw new FormatException($"{value} is outside the {hyper.Domain} domain of '{key}'.");
                }

                initial[hyper.Name] = value;
            }

            Initial = initial;
            Raw = hypers.Select(p => ReferenceDomains.ToRaw(initial[p.Name], p.Domain)).ToArray();
            State = new Dictionary<string, double>[quantities];
            for (int i = 0; i < quantities; i++)
            {
                State[i] = optimizer.States.ToDictionary(s => s.Name, s => s.Init, StringComparer.Ordinal);
            }
        }

        public ReferenceOptimizer Optimizer { get; }

        public IReadOnlyDictionary<string, double> Initial { get; }

        public double[] Raw { get; }

        public Dictionary<string, double>[] State { get; }

        public int T { get; set; }

        public Dictionary<string, Var> UserHypers(Var[] raw)
        {
            var hypers = Optimizer.Hypers;
            var h = new Dictionary<string, Var>(StringComparer.Ordinal);
            for (int j = 0; j < hypers.Count; j++)
            {
                h.Add(hypers[j].Name, ReferenceDomains.ToUser(raw[j], hypers[j].Domain));
            }

            return h;
        }

        /// <summary>One elementwise step on the index-th quantity; previous value and state enter detached.</summary>
        public Var StepOne(double previous, double gradient, Dictionary<string, Var> h, int index)
        {
            var state = State[index].ToDictionary(s => s.Key, s => new Var(s.Value), StringComparer.Ordinal);
            Var next = Optimizer.Step(new ReferenceStepArgs(new Var(previous), gradient, T, h, Initial, state));
            foreach (var slot in Optimizer.States)
            {
                State[index][slot.Name] = state[slot.Name].Value;
            }

            return next;
        }
    }
}
