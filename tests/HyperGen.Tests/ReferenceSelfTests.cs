using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace HyperGen.Tests;

/// <summary>Self-tests of the independent reference tower (tests/HyperGen.Tests/Reference).</summary>
public sealed class ReferenceSelfTests(ITestOutputHelper output)
{
    private static readonly IReadOnlyDictionary<string, ReferenceOptimizer> Extras =
        new Dictionary<string, ReferenceOptimizer>
        {
            ["NesterovRms"] = new ReferenceNesterovRms(),
            ["ClippedSgd"] = new ReferenceClippedSgd(),
            ["AdaMax"] = new ReferenceAdaMax(),
        };

    /// <summary>Four weights, distinct curvatures, and noise so that gradients change sign and direction.</summary>
    private static QuadraticProblem Problem(int steps) => new(
        A: [1.0, 0.5, 2.0, 0.25],
        B: [0.3, -0.7, 0.1, 1.5],
        W0: [1.2, 0.4, -0.8, -0.5],
        Noise: [[0.05, -0.02, 0.03, 0.1], [-0.04, 0.06, -0.01, -0.05], [0.02, 0.01, -0.06, 0.03]],
        Steps: steps);

    // ---------------------------------------------------------------------------------------------
    // 1. Hypergradients against central finite differences.

    public static TheoryData<string, int, int> FiniteDifferenceCases => new()
    {
        { "sgd(alpha=0.05)/sgd(alpha=1e-3)", 4, 0 },
        { "sgd(alpha=0.05)/sgd(alpha=1e-3)", 4, 1 },
        { "sgd(alpha=0.05, mu=0.5)/sgd(alpha=1e-3)", 5, 0 },
        { "sgd(alpha=0.05, mu=0.5)/adam(alpha=1e-3)/sgd(alpha=1e-4)", 5, 1 },
        { "adam(alpha=0.05)/sgd(alpha=1e-4)", 3, 0 },
        { "adam(alpha=0.05)/sgd(alpha=1e-4)", 6, 0 },
        { "adam(alpha=0.05)/sgd(alpha=1e-4)", 6, 1 },
        { "adam(alpha=0.05, beta1=0.8, beta2=0.95)/adam(alpha=1e-3)/sgd(alpha=1e-4)", 5, 0 },
        { "adam(alpha=0.05, beta1=0.8, beta2=0.95)/adam(alpha=1e-3)/sgd(alpha=1e-4)", 5, 1 },
        { "adam(alpha=0.05, beta1=0.8, beta2=0.95)/adam(alpha=1e-3)/sgd(alpha=1e-4)", 5, 2 },
        { "adamalpha(alpha=0.05)/sgd(alpha=1e-4)", 4, 0 },
        { "adagrad(alpha=0.1)/adagrad(alpha=1e-3)", 4, 0 },
        { "adagrad(alpha=0.1)/adagrad(alpha=1e-3)", 4, 1 },
        { "rmsprop(alpha=0.01, gamma=0.9)/sgd(alpha=1e-4)", 4, 0 },
        { "rmsprop(alpha=0.01, gamma=0.9)/rmsprop(alpha=1e-4)/sgd(alpha=1e-4)", 5, 1 },
        { "rmspropalpha(alpha=0.01)/sgd(alpha=1e-4)", 4, 0 },
        { "nesterovrms(alpha=0.02, mu=0.8, gamma=0.9)/sgd(alpha=1e-4)", 5, 0 },
        { "nesterovrms(alpha=0.02, mu=0.8, gamma=0.9)/nesterov_rms(alpha=1e-4)/sgd(alpha=1e-5)", 5, 1 },
        { "clippedsgd(alpha=0.3, clip=0.2)/sgd(alpha=1e-3)", 3, 0 },
        { "clippedsgd(alpha=0.3, clip=0.2)/sgd(alpha=1e-3)/sgd(alpha=1e-4)", 4, 1 },
        { "adamax(alpha=0.05, beta1=0.8, beta2=0.7)/sgd(alpha=1e-4)", 4, 0 },
        { "adamax(alpha=0.05, beta1=0.8, beta2=0.7)/sgd(alpha=1e-4)", 7, 0 },
    };

    [Theory]
    [MemberData(nameof(FiniteDifferenceCases))]
    public void Hypergradient_matches_central_finite_difference_of_next_loss(string spec, int t, int level)
    {
        Assert.True(t > 1);
        var problem = Problem(t);
        var run = new ReferenceTowerRun(spec, problem, Extras);
        Assert.True(level < run.Depth);

        for (int s = 1; s <= t - 2; s++)
        {
            run.Step();
        }

        // Detached inputs of step t-1.
        var snapshot = Snapshot.Take(run, problem, t - 1);
        ReferenceStep previous = run.Step();
        double[] weightsAfterPrevious = run.Weights;
        ReferenceStep current = run.Step();

        // Redoing step t-1 unperturbed reproduces the tower exactly.
        double[] redone = snapshot.RedoWeights(previous, level, 0, 0.0);
        Assert.Equal(weightsAfterPrevious, redone);

        var hypers = run.Optimizer(level).Hypers;
        int checkedNonZero = 0;
        for (int j = 0; j < hypers.Count; j++)
        {
            double tape = current.Hypergradients[level][hypers[j].Name];
            double raw = previous.RawLevels[level][hypers[j].Name];
            double h = 1e-4 * Math.Max(1.0, Math.Abs(raw));
            double F(double delta) => problem.Loss(t, snapshot.RedoWeights(previous, level, j, delta));

            // Five-point central difference: error O(h^4) + roundoff ~1e-12 * |f|.
            double fd = (8.0 * (F(h) - F(-h)) - (F(2 * h) - F(-2 * h))) / (12.0 * h);
            double scale = Math.Max(Math.Abs(fd), Math.Abs(tape));
            output.WriteLine($"{hypers[j].Name}: tape {tape:R}, finite difference {fd:R}, relative error {(scale == 0 ? 0 : Math.Abs(fd - tape) / scale):E2}");
            Assert.True(
                Math.Abs(fd - tape) <= 1e-6 * scale + 1e-13,
                $"{spec}, level {level}, {hypers[j].Name}: tape {tape:R} vs finite difference {fd:R}");
            if (Math.Abs(tape) > 1e-9)
            {
                checkedNonZero++;
            }
        }

        Assert.True(checkedNonZero > 0, "every hypergradient was ~0: the case checks nothing");
    }

    /// <summary>The inputs of one training step, detached, so that the step can be redone with a perturbation.</summary>
    private sealed class Snapshot
    {
        private ReferenceTowerRun _run = null!;
        private QuadraticProblem _problem = null!;
        private int _t;
        private double[] _w = [];
        private double[][] _raw = [];
        private List<Dictionary<string, double>>[] _state = [];

        public static Snapshot Take(ReferenceTowerRun run, QuadraticProblem problem, int t)
        {
            var s = new Snapshot { _run = run, _problem = problem, _t = t, _w = run.Weights };
            s._raw = Enumerable.Range(0, run.Depth).Select(run.RawHypers).ToArray();
            s._state = new List<Dictionary<string, double>>[run.Depth];
            for (int k = 0; k < run.Depth; k++)
            {
                int quantities = k == 0 ? s._w.Length : s._raw[k - 1].Length;
                s._state[k] = Enumerable.Range(0, quantities).Select(i => run.StateOf(k, i)).ToList();
            }

            return s;
        }

        /// <summary>
        /// Redo step t from the snapshot with level <paramref name="level"/>'s j-th raw hyperparameter (as used in
        /// step t, taken from <paramref name="step"/>) moved by delta: levels below it and then the weights are
        /// recomputed; levels above it keep the values they used.
        /// </summary>
        public double[] RedoWeights(ReferenceStep step, int level, int j, double delta)
        {
            var hypers = Hypers(level);
            double[] raw = hypers.Select(p => step.RawLevels[level][p.Name]).ToArray();
            raw[j] += delta;
            for (int k = level - 1; k >= 0; k--)
            {
                var upper = _run.Optimizer(k + 1);
                var userUpper = User(k + 1, raw);
                var lowerHypers = Hypers(k);
                var next = new double[lowerHypers.Count];
                for (int l = 0; l < next.Length; l++)
                {
                    double grad = step.Hypergradients[k][lowerHypers[l].Name];
                    next[l] = upper.StepValue(_raw[k][l], grad, _t, userUpper, new Dictionary<string, double>(_state[k + 1][l]), _run.InitialHypers(k + 1));
                }

                raw = next;
            }

            double[] g = _problem.Gradient(_t, _w);
            var user = User(0, raw);
            var bottom = _run.Optimizer(0);
            return _w.Select((w, i) => bottom.StepValue(w, g[i], _t, user, new Dictionary<string, double>(_state[0][i]), _run.InitialHypers(0))).ToArray();
        }

        private IReadOnlyList<ReferenceHyper> Hypers(int level) => _run.Optimizer(level).Hypers;

        private Dictionary<string, double> User(int level, double[] raw) =>
            Hypers(level).Select((p, j) => (p.Name, Value: ReferenceDomains.ToUser(raw[j], p.Domain)))
                .ToDictionary(x => x.Name, x => x.Value);
    }

    [Fact]
    public void Clipped_sgd_case_exercises_both_branches()
    {
        // In the finite-difference case, the step alpha*g is clipped for some weights and not for others at
        // step 2, so both alpha and clip get nonzero hypergradients at step 3. With clip = 0.1 every step is
        // clipped and alpha's hypergradient is exactly 0.
        var trace = ReferenceTower.Run("clippedsgd(alpha=0.3, clip=0.2)/sgd(alpha=1e-3)", Problem(3), Extras);
        var g3 = trace.Steps[2].Hypergradients[0];
        Assert.NotEqual(0.0, g3["alpha"]);
        Assert.NotEqual(0.0, g3["clip"]);

        var allClipped = ReferenceTower.Run("clippedsgd(alpha=0.3, clip=0.1)/sgd(alpha=1e-3)", Problem(3), Extras);
        Assert.Equal(0.0, allClipped.Steps[2].Hypergradients[0]["alpha"]);
        Assert.NotEqual(0.0, allClipped.Steps[2].Hypergradients[0]["clip"]);
    }

    [Fact]
    public void Sgd_over_sgd_matches_the_closed_form_hypergradient_descent_rule()
    {
        // For SGD/SGD(kappa): G1_t = -g_t . g_(t-1), alpha_t = alpha_(t-1) - kappa * G1_t, and the level-2
        // hypergradient is G2_t = G1_t * d(alpha_(t-1))/d(kappa) = G1_t * (-G1_(t-1)).
        const double kappa = 2e-3;
        var problem = Problem(8);
        var trace = ReferenceTower.Run($"sgd(alpha=0.05)/sgd(alpha={kappa})/sgd(alpha=1e-4)", problem);

        double[] w = (double[])problem.W0.Clone();
        double alpha = 0.05;
        double[] gPrev = new double[w.Length];
        double g1Prev = 0.0;
        for (int t = 1; t <= problem.Steps; t++)
        {
            var step = trace.Steps[t - 1];
            double[] g = problem.Gradient(t, w);
            double g1 = t == 1 ? 0.0 : -g.Zip(gPrev).Sum(p => p.First * p.Second);
            double g2 = t <= 2 ? 0.0 : g1 * -g1Prev;

            AssertClose(problem.Loss(t, w), step.Loss, 1e-14);
            AssertClose(g1, step.Hypergradients[0]["alpha"], 1e-12);
            AssertClose(g2, step.Hypergradients[1]["alpha"], 1e-12);

            // kappa itself is tuned by level 3; use the value level 2 used in this step (its initial value at t <= 2).
            double kappaUsed = step.Levels[1]["alpha"];
            if (t <= 2)
            {
                Assert.Equal(kappa, kappaUsed);
            }

            alpha -= kappaUsed * g1;
            AssertClose(alpha, step.Levels[0]["alpha"], 1e-12);
            for (int i = 0; i < w.Length; i++)
            {
                w[i] -= alpha * g[i];
            }

            gPrev = g;
            g1Prev = g1;
            Assert.Equal(1e-4, step.Levels[2]["alpha"]);
        }

        for (int i = 0; i < w.Length; i++)
        {
            AssertClose(w[i], trace.FinalWeights[i], 1e-12);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Depth-1 towers equal plain hand-written loops.

    [Fact]
    public void Depth1_adam_equals_plain_adam_loop()
    {
        var problem = Problem(20);
        var trace = ReferenceTower.Run("Adam(alpha=0.05, beta1=0.85, beta2=0.99)", problem);

        double alpha = 0.05, b1 = 0.85, b2 = 0.99, eps = 1e-8;
        double[] w = (double[])problem.W0.Clone();
        double[] m = new double[w.Length];
        double[] v = Enumerable.Repeat(eps, w.Length).ToArray();
        for (int t = 1; t <= 20; t++)
        {
            AssertClose(problem.Loss(t, w), trace.Steps[t - 1].Loss, 1e-12);
            double[] g = problem.Gradient(t, w);
            for (int i = 0; i < w.Length; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(b1, t));
                double vHat = v[i] / (1 - Math.Pow(b2, t));
                w[i] -= alpha * mHat / (Math.Sqrt(vHat) + eps);
            }

            var levels = trace.Steps[t - 1].Levels[0];
            AssertClose(alpha, levels["alpha"], 1e-15);
            AssertClose(b1, levels["beta1"], 1e-15);
            AssertClose(b2, levels["beta2"], 1e-15);
        }

        AssertAllClose(w, trace.FinalWeights, 1e-12);
    }

    [Fact]
    public void Depth1_sgd_momentum_adagrad_rmsprop_adamalpha_equal_plain_loops()
    {
        var problem = Problem(20);
        int n = problem.W0.Length;

        // SGD with momentum.
        {
            double[] w = (double[])problem.W0.Clone(), buf = new double[n];
            for (int t = 1; t <= 20; t++)
            {
                double[] g = problem.Gradient(t, w);
                for (int i = 0; i < n; i++)
                {
                    buf[i] = 0.9 * buf[i] + g[i];
                    w[i] -= 0.02 * buf[i];
                }
            }

            AssertAllClose(w, ReferenceTower.Run("sgd(alpha=0.02, mu=0.9)", problem).FinalWeights, 1e-12);
        }

        // AdaGrad (default alpha 0.01).
        {
            double[] w = (double[])problem.W0.Clone(), acc = Enumerable.Repeat(0.1, n).ToArray();
            for (int t = 1; t <= 20; t++)
            {
                double[] g = problem.Gradient(t, w);
                for (int i = 0; i < n; i++)
                {
                    acc[i] += g[i] * g[i];
                    w[i] -= 0.01 * g[i] / Math.Sqrt(acc[i] + 1e-10);
                }
            }

            AssertAllClose(w, ReferenceTower.Run("adagrad", problem).FinalWeights, 1e-12);
        }

        // RMSProp (alpha 0.003, default gamma 0.99) and RMSProp^alpha (gamma fixed at 0.99).
        {
            double[] w = (double[])problem.W0.Clone(), s = new double[n];
            for (int t = 1; t <= 20; t++)
            {
                double[] g = problem.Gradient(t, w);
                for (int i = 0; i < n; i++)
                {
                    s[i] = 0.99 * s[i] + (1 - 0.99) * g[i] * g[i];
                    w[i] -= 0.003 * g[i] / Math.Sqrt(s[i] + 1e-8);
                }
            }

            var rms = ReferenceTower.Run("rmsprop(alpha=0.003)", problem);
            AssertAllClose(w, rms.FinalWeights, 1e-12);
            AssertAllClose(w, ReferenceTower.Run("rms_prop_alpha(alpha=0.003)", problem).FinalWeights, 1e-12);
            AssertClose(0.003, rms.Steps[^1].Levels[0]["alpha"], 1e-15);
            AssertClose(0.99, rms.Steps[^1].Levels[0]["gamma"], 1e-15);
        }

        // Adam^alpha: beta1 = 0.9, beta2 = 0.999 fixed.
        {
            double[] w = (double[])problem.W0.Clone(), m = new double[n], v = Enumerable.Repeat(1e-8, n).ToArray();
            for (int t = 1; t <= 20; t++)
            {
                double[] g = problem.Gradient(t, w);
                for (int i = 0; i < n; i++)
                {
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.999 * v[i] + (1 - 0.999) * g[i] * g[i];
                    w[i] -= 0.01 * (m[i] / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(0.999, t))) + 1e-8);
                }
            }

            AssertAllClose(w, ReferenceTower.Run("AdamAlpha(alpha=0.01)", problem).FinalWeights, 1e-12);
        }
    }

    [Fact]
    public void Depth1_nesterov_rms_equals_plain_loop()
    {
        var problem = Problem(15);
        int n = problem.W0.Length;
        double alpha = 0.02, mu = 0.8, gamma = 0.9;
        double[] w = (double[])problem.W0.Clone(), buf = new double[n], s = Enumerable.Repeat(1e-8, n).ToArray();
        for (int t = 1; t <= 15; t++)
        {
            double[] g = problem.Gradient(t, w);
            for (int i = 0; i < n; i++)
            {
                s[i] = gamma * s[i] + (1 - gamma) * g[i] * g[i];
                double d = g[i] / Math.Sqrt(s[i] / (1 - Math.Pow(gamma, t)) + 1e-8);
                buf[i] = mu * buf[i] + d;
                w[i] -= alpha * (d + mu * buf[i]);
            }
        }

        var trace = ReferenceTower.Run("NesterovRms(alpha=0.02, mu=0.8, gamma=0.9)", problem, Extras);
        AssertAllClose(w, trace.FinalWeights, 1e-12);
    }

    [Fact]
    public void Top_level_is_fixed_and_first_step_hypergradients_are_zero()
    {
        var trace = ReferenceTower.Run("adam(alpha=0.05)/adam(alpha=1e-3)/sgd(alpha=1e-5)", Problem(10));
        Assert.Equal(10, trace.Steps.Count);
        foreach (var step in trace.Steps)
        {
            Assert.Equal(3, step.Levels.Count);
            Assert.Equal(1e-5, step.Levels[2]["alpha"]);
            Assert.Equal(0.0, step.Levels[2]["mu"]);
        }

        var first = trace.Steps[0];
        Assert.Equal(1, first.T);
        Assert.All(first.Hypergradients, level => Assert.All(level.Values, v => Assert.Equal(0.0, v)));

        // At step 1 every gradient is 0, so every hyperparameter keeps its initial value.
        AssertClose(0.05, first.Levels[0]["alpha"], 1e-15);
        AssertClose(0.9, first.Levels[0]["beta1"], 1e-15);
        AssertClose(0.999, first.Levels[0]["beta2"], 1e-15);
        AssertClose(1e-3, first.Levels[1]["alpha"], 1e-15);

        // Later, the learned hyperparameters move.
        Assert.NotEqual(first.Levels[0]["alpha"], trace.Steps[^1].Levels[0]["alpha"]);
        Assert.NotEqual(first.Levels[0]["beta1"], trace.Steps[^1].Levels[0]["beta1"]);
        Assert.NotEqual(first.Levels[1]["alpha"], trace.Steps[^1].Levels[1]["alpha"]);
    }

    [Fact]
    public void All_levels_step_at_every_training_step()
    {
        var run = new ReferenceTowerRun("sgd/adam(alpha=1e-4)/adagrad(alpha=1e-6)", Problem(5));
        for (int t = 1; t <= 5; t++)
        {
            Assert.Equal(t, run.Step().T);
            Assert.All(Enumerable.Range(0, run.Depth), k => Assert.Equal(t, run.LevelStepCount(k)));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 3. The mu = 0 rule of SGD.

    [Theory]
    [InlineData("sgd/sgd")]
    [InlineData("sgd(alpha=0.05, mu=0)/sgd(alpha=1e-3)")]
    [InlineData("sgd(alpha=0.05, mu=0)/adam(alpha=1e-2)")]
    [InlineData("sgd(alpha=0.05, mu=0)/rmsprop(alpha=1e-2)/sgd(alpha=1e-3)")]
    public void Sgd_with_zero_mu_never_changes_mu(string spec)
    {
        var trace = ReferenceTower.Run(spec, Problem(12));
        foreach (var step in trace.Steps)
        {
            Assert.Equal(0.0, step.Levels[0]["mu"]);
            Assert.Equal(0.0, step.Hypergradients[0]["mu"]);
        }

        Assert.NotEqual(trace.Steps[0].Levels[0]["alpha"], trace.Steps[^1].Levels[0]["alpha"]);
    }

    [Fact]
    public void Sgd_with_nonzero_mu_learns_mu()
    {
        var trace = ReferenceTower.Run("sgd(alpha=0.05, mu=0.9)/sgd(alpha=1e-3)", Problem(12));
        Assert.Equal(0.9, trace.Steps[0].Levels[0]["mu"]);
        Assert.NotEqual(0.0, trace.Steps[2].Hypergradients[0]["mu"]);
        Assert.NotEqual(0.9, trace.Steps[^1].Levels[0]["mu"]);
    }

    // ---------------------------------------------------------------------------------------------
    // 4. Spec parsing.

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("sgd(")]
    [InlineData("sgd(alpha)")]
    [InlineData("sgd(alpha=)")]
    [InlineData("sgd(alpha=1e-3")]
    [InlineData("sgd(alpha=1e-3,)")]
    [InlineData("sgd(alpha=1e-3;mu=0)")]
    [InlineData("sgd(alpha=1e-3))")]
    [InlineData("sgd(alpha=1e-3)x")]
    [InlineData("sgd(alpha=abc)")]
    [InlineData("sgd(alpha=1e-3e)")]
    [InlineData("sgd(alpha=NaN)")]
    [InlineData("sgd//adam")]
    [InlineData("sgd/")]
    [InlineData("/sgd")]
    [InlineData("sgd adam")]
    [InlineData("1sgd")]
    [InlineData("nosuchoptimizer")]
    [InlineData("sgd(beta1=0.9)")]
    [InlineData("sgd(alpha=1,alpha=2)")]
    [InlineData("adam(beta1=1.5)")]
    [InlineData("adam(beta2=1)")]
    [InlineData("rmsprop(alpha=-0.01)")]
    [InlineData("adamalpha(beta1=0.9)")]
    public void Malformed_spec_throws(string spec)
    {
        Assert.Throws<FormatException>(() => ReferenceTower.Run(spec, Problem(1), Extras));
    }

    [Fact]
    public void Spec_names_are_case_insensitive_and_ignore_underscores_and_missing_keys_take_defaults()
    {
        var levels = ReferenceTower.Run(" Ad_Am ( Alpha = 2E-3 ) / S_G_D / RMS_Prop(gamma=0.5) / Nesterov_RMS ", Problem(1), Extras)
            .Steps[0].Levels;
        Assert.Equal(4, levels.Count);
        AssertClose(2e-3, levels[0]["alpha"], 1e-15);
        AssertClose(0.9, levels[0]["beta1"], 1e-15);
        AssertClose(0.999, levels[0]["beta2"], 1e-15);
        Assert.Equal(0.01, levels[1]["alpha"]);
        Assert.Equal(0.0, levels[1]["mu"]);
        AssertClose(0.01, levels[2]["alpha"], 1e-15);
        AssertClose(0.5, levels[2]["gamma"], 1e-15);
        Assert.Equal(["alpha", "mu", "gamma"], levels[3].Keys);
    }

    [Fact]
    public void Parser_returns_levels_bottom_first()
    {
        var levels = ReferenceTowerSpec.Parse("adam(alpha=1e-3)/sgd(alpha=1e-5, mu=0.5)/sgd()");
        Assert.Equal(["adam", "sgd", "sgd"], levels.Select(l => l.Name));
        Assert.Equal([new KeyValuePair<string, double>("alpha", 1e-5), new("mu", 0.5)], levels[1].Settings);
        Assert.Empty(levels[2].Settings);
    }

    // ---------------------------------------------------------------------------------------------
    // The tape itself.

    [Fact]
    public void Tape_derivatives_match_closed_forms()
    {
        var x = new Var(0.7);
        var y = new Var(-1.3);
        Var f = Var.Tanh(x * y) + Var.Exp(x) / Var.Sqrt(x + 2.0) - Var.Pow(x, 3.0) + Var.Log(Var.Abs(y)) + Var.Max(x, y) * Var.Min(x, y)
            + Var.Pow(x, -y);
        var adj = Var.Backward([(f, 1.0)]);
        double xv = 0.7, yv = -1.3;
        double sech2 = 1 - Math.Tanh(xv * yv) * Math.Tanh(xv * yv);
        double dfdx = sech2 * yv
            + Math.Exp(xv) / Math.Sqrt(xv + 2) - Math.Exp(xv) * 0.5 * Math.Pow(xv + 2, -1.5)
            - 3 * xv * xv
            + yv
            + -yv * Math.Pow(xv, -yv - 1);
        double dfdy = sech2 * xv + 1 / yv + xv - Math.Pow(xv, -yv) * Math.Log(xv);
        AssertClose(dfdx, adj[x], 1e-14);
        AssertClose(dfdy, adj[y], 1e-14);
    }

    [Fact]
    public void Conditional_routes_the_derivative_through_the_taken_branch()
    {
        var a = new Var(2.0);
        var b = new Var(3.0);
        Var r = a > b ? a * a : b * a;
        var adj = Var.Backward([(r, 1.0)]);
        Assert.Equal(3.0, adj[a]);
        Assert.Equal(2.0, adj[b]);
    }

    private static void AssertClose(double expected, double actual, double relative)
    {
        double scale = Math.Max(Math.Abs(expected), Math.Abs(actual));
        Assert.True(
            Math.Abs(expected - actual) <= relative * scale,
            $"expected {expected:R}, actual {actual:R}, relative tolerance {relative}");
    }

    private static void AssertAllClose(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], relative);
        }
    }
}
