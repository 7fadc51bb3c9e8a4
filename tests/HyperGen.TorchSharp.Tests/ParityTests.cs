using System;
using System.Linq;
using HyperGen.Tests.Reference;
using Xunit;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Tests;

/// <summary>
/// The optimizer against the runtime's <see cref="Tower{T}"/> stepping copies of the same weights with copies of the
/// same gradients (bit for bit), and against the repository's independent reference implementation (double, 1e-9),
/// for towers of depth 1 to 3 over a model of several tensors, in both layouts.
/// </summary>
public sealed class ParityTests
{
    /// <summary>Shapes of the model's tensors: a matrix, a vector, a 3-d tensor, a scalar and one of more than a block (16,384).</summary>
    private static readonly long[][] Shapes = [[7, 5], [9], [2, 3, 4], [], [130, 130]];

    /// <summary>The reference's tape costs much per weight: its model leaves out the large tensor.</summary>
    private static readonly long[][] SmallShapes = Shapes[..^1];

    private static readonly int Total = Count(Shapes);

    public static TheoryData<string, bool> Towers() => new()
    {
        { "adam(alpha=0.01)", true },
        { "adam(alpha=0.01)", false },
        { "adam(alpha=0.01)/sgd(alpha=1e-7)", true },
        { "adam(alpha=0.01)/sgd(alpha=1e-7)", false },
        { "adam(alpha=0.01)/adam(alpha=1e-4)/sgd(alpha=1e-9)", true },
        { "sgd(alpha=0.01, mu=0.5)/sgd(alpha=1e-10)/sgd(alpha=1e-16)", false },
        { "rmsprop(alpha=0.01)/sgd(alpha=1e-8)", true },
    };

    [Theory]
    [MemberData(nameof(Towers))]
    public void Float32_steps_match_a_tower_stepping_copies_bit_for_bit(string spec, bool flatten)
    {
        QuadraticProblem problem = QuadraticModel.RandomProblem(Total, seed: 3, steps: 25);
        using var model = new QuadraticModel(problem, Shapes, ScalarType.Float32);
        float[][] weights = model.Parameters.Select(TensorValues.Read<float>).ToArray();
        using var optimizer = new HyperOptimizer(model.Parameters, spec, flatten: flatten);
        Tower<float> expected = flatten ? new Tower<float>(TowerSpec.Parse(spec), Total) : new Tower<float>(TowerSpec.Parse(spec), model.Sizes);
        float[] flatWeights = weights.SelectMany(w => w).ToArray();

        for (int t = 1; t <= problem.Steps; t++)
        {
            model.Backward(optimizer, t);
            float[][] gradients = model.Parameters.Select(p => TensorValues.Read<float>(p.grad!)).ToArray();
            optimizer.step();
            if (flatten)
            {
                expected.Step(flatWeights, gradients.SelectMany(g => g).ToArray());
            }
            else
            {
                expected.Step(weights.Select(w => (Memory<float>)w).ToArray(), gradients.Select(g => (ReadOnlyMemory<float>)g).ToArray());
            }
        }

        float[] actual = model.Parameters.SelectMany(TensorValues.Read<float>).ToArray();
        float[] wanted = flatten ? flatWeights : weights.SelectMany(w => w).ToArray();
        Assert.Equal(TensorValues.Bits(wanted), TensorValues.Bits(actual));
        for (int level = 0; level < expected.Depth; level++)
        {
            for (int j = 0; j < expected.Levels[level].Definition.HyperParameters.Count; j++)
            {
                Assert.Equal(expected.Levels[level].GetRawValue(j), optimizer.Levels[level].GetRawValue(j));
            }
        }

        Assert.Equal(problem.Steps, optimizer.StepCount);
        Assert.NotEqual(TensorValues.Bits(problem.W0.Select(w => (float)w).ToArray()), TensorValues.Bits(actual));
    }

    [Theory]
    [InlineData("adam(alpha=0.01)", true)]
    [InlineData("adam(alpha=0.01)/sgd(alpha=1e-4)", true)]
    [InlineData("adam(alpha=0.01)/sgd(alpha=1e-4)", false)]
    [InlineData("adam(alpha=0.01)/adam(alpha=1e-3)/sgd(alpha=1e-6)", true)]
    [InlineData("adam(alpha=0.01)/adam(alpha=1e-3)/sgd(alpha=1e-6)", false)]
    [InlineData("sgd(alpha=0.05)/sgd(alpha=1e-4)/sgd(alpha=1e-7)", false)]
    public void Float64_steps_match_the_reference_implementation(string spec, bool flatten)
    {
        int total = Count(SmallShapes);
        QuadraticProblem problem = QuadraticModel.RandomProblem(total, seed: 5, steps: 30);
        using var model = new QuadraticModel(problem, SmallShapes, ScalarType.Float64);
        using var optimizer = new HyperOptimizer(model.Parameters, spec, flatten: flatten);
        var reference = new ReferenceTowerRun(spec, problem);
        for (int t = 1; t <= problem.Steps; t++)
        {
            model.Backward(optimizer, t);
            optimizer.step();
            reference.Step();
        }

        double[] actual = model.Parameters.SelectMany(TensorValues.Read<double>).ToArray();
        double[] expected = reference.Weights;
        for (int i = 0; i < total; i++)
        {
            AssertClose(expected[i], actual[i], $"weight {i}");
        }

        for (int level = 0; level < reference.Depth; level++)
        {
            ReferenceOptimizer definition = reference.Optimizer(level);
            double[] raw = reference.RawHypers(level);
            TowerLevel running = optimizer.Levels[level];
            for (int j = 0; j < raw.Length; j++)
            {
                int index = running.Definition.IndexOfHyperParameter(definition.Hypers[j].Name);
                AssertClose(raw[j], running.GetRawValue(index), $"level {level + 1} {definition.Hypers[j].Name}");
            }
        }

        // The run must have moved the learned hyperparameters, or the comparison above proves little about them.
        if (reference.Depth > 1)
        {
            Assert.NotEqual(0.01, optimizer.Levels[0]["alpha"], 1e-9);
        }
    }

    [Fact]
    public void Groups_of_each_precision_each_step_with_their_own_tower()
    {
        QuadraticProblem problem = QuadraticModel.RandomProblem(Total, seed: 9, steps: 12);
        using var single = new QuadraticModel(problem, Shapes, ScalarType.Float32);
        using var twice = new QuadraticModel(problem, Shapes, ScalarType.Float64);
        const string first = "adam(alpha=0.01)/sgd(alpha=1e-7)";
        const string second = "sgd(alpha=0.01)/sgd(alpha=1e-8)";
        using var both = new HyperOptimizer(
            [new HyperOptimizer.ParamGroup(single.Parameters, first), new HyperOptimizer.ParamGroup(twice.Parameters, second)]);

        using var singleAlone = new QuadraticModel(problem, Shapes, ScalarType.Float32);
        using var twiceAlone = new QuadraticModel(problem, Shapes, ScalarType.Float64);
        using var firstAlone = new HyperOptimizer(singleAlone.Parameters, first);
        using var secondAlone = new HyperOptimizer(twiceAlone.Parameters, second);
        for (int t = 1; t <= problem.Steps; t++)
        {
            both.zero_grad();
            using (Tensor loss = single.Loss(t) + twice.Loss(t).to_type(ScalarType.Float32))
            {
                loss.backward();
            }

            both.step();
            singleAlone.Backward(firstAlone, t);
            firstAlone.step();
            twiceAlone.Backward(secondAlone, t);
            secondAlone.step();
        }

        Assert.Equal(TensorValues.Bits(singleAlone.Parameters.SelectMany(TensorValues.Read<float>).ToArray()), TensorValues.Bits(single.Parameters.SelectMany(TensorValues.Read<float>).ToArray()));
        Assert.Equal(TensorValues.Bits(twiceAlone.Parameters.SelectMany(TensorValues.Read<double>).ToArray()), TensorValues.Bits(twice.Parameters.SelectMany(TensorValues.Read<double>).ToArray()));
        Assert.Equal(2, both.Groups.Count);
        Assert.Equal(TowerSpec.Parse(second).ToString(), both.GetTower<double>(1).Spec.ToString());
        Assert.Throws<InvalidOperationException>(() => both.GetTower<double>(0));
    }

    private static int Count(long[][] shapes) => shapes.Sum(s => (int)s.Aggregate(1L, (x, y) => x * y));

    private static void AssertClose(double expected, double actual, string where)
    {
        double tolerance = (1e-9 * Math.Max(Math.Abs(expected), Math.Abs(actual))) + 1e-15;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{where}: expected {expected:R}, got {actual:R}");
    }
}
