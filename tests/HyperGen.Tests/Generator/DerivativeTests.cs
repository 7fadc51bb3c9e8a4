using System;
using System.Linq;
using System.Numerics;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;

namespace HyperGen.Tests.Generator;

/// <summary>Compiles the test definitions once, with the generator, and loads them for the kernel tests.</summary>
public sealed class CompiledDefinitions : IDisposable
{
    public CompiledDefinitions()
    {
        GeneratorRun run = GeneratorHarness.Run(
            TestSources.Adam, TestSources.Sgd, TestSources.RmsProp, TestSources.NesterovRms, TestSources.Clip,
            TestSources.Fancy, TestSources.FancyScalar, TestSources.RightNested, TestSources.DoubleWritten);
        Assert.Empty(run.GeneratorDiagnostics);
        Assembly = run.CompileAndLoad();
    }

    internal LoadedAssembly Assembly { get; }

    public void Dispose() => Assembly.Dispose();
}

/// <summary>
/// Runs the generated kernels: the double-precision partials against central finite differences of the kernel
/// itself, the float kernel against the double one, and the plain step against the user's own method. n = 29
/// elements, so that every loop runs in both precisions where the machine has it: in float 16 elements in the
/// Vector512 loop, 8 in the Vector&lt;T&gt; loop (256 bits) and 5 in the scalar one; in double 24, 4 and 1.
/// </summary>
public sealed class DerivativeTests(CompiledDefinitions compiled, ITestOutputHelper output) : IClassFixture<CompiledDefinitions>
{
    private const int Length = 29;
    private const int StepIndex = 3;

    public static TheoryData<string> Optimizers => new()
    {
        "AdamCopy", "SgdCopy", "RmsPropCopy", "NesterovRms", "ClipSgd", "Fancy", "FancyScalar", "RightNested", "DoubleWritten",
    };

    private OptimizerDefinition Definition(string name) => compiled.Assembly.Definition(TestSources.Full(name));

    /// <summary>Weights and gradients in [-1, 1] (gradients kept away from 0), state in [0.05, 1].</summary>
    private static KernelBuffers<double> RandomInputs(OptimizerDefinition definition, Random random)
    {
        var buffers = new KernelBuffers<double>(Length, definition.StateVariables.Count, definition.HyperParameters.Count);
        for (int i = 0; i < Length; i++)
        {
            buffers.Weights[i] = (2 * random.NextDouble()) - 1;
            buffers.Gradients[i] = (random.Next(2) == 0 ? -1 : 1) * (0.05 + (0.95 * random.NextDouble()));
        }

        for (int i = 0; i < buffers.State.Length; i++)
        {
            buffers.State[i] = 0.05 + (0.95 * random.NextDouble());
        }

        return buffers;
    }

    /// <summary>Raw hyperparameters near the declared initial values.</summary>
    private static double[] RandomRaw(OptimizerDefinition definition, Random random) =>
        definition.HyperParameters
            .Select(h => HyperDomains.ToRaw(h.Domain, h.Initial) * (0.9 + (0.2 * random.NextDouble())) + (0.01 * random.NextDouble()))
            .ToArray();

    private static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Double_partials_match_central_finite_differences(string name)
    {
        OptimizerDefinition definition = Definition(name);
        IStepKernel<double> kernel = definition.GetKernel<double>();
        var random = new Random(name.Length * 7919);
        double worst = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            KernelBuffers<double> inputs = RandomInputs(definition, random);
            double[] raw = RandomRaw(definition, random);

            KernelBuffers<double> analytic = inputs.Clone();
            Array.Fill(analytic.Partials, double.NaN);
            analytic.Step(kernel, raw, StepIndex, withPartials: true);

            for (int j = 0; j < raw.Length; j++)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(raw[j]));
                double[] plus = (double[])raw.Clone();
                double[] minus = (double[])raw.Clone();
                plus[j] += h;
                minus[j] -= h;
                KernelBuffers<double> up = inputs.Clone();
                KernelBuffers<double> down = inputs.Clone();
                up.Step(kernel, plus, StepIndex, withPartials: false);
                down.Step(kernel, minus, StepIndex, withPartials: false);

                for (int i = 0; i < Length; i++)
                {
                    double fd = (up.Weights[i] - down.Weights[i]) / (plus[j] - minus[j]);
                    double exact = analytic.PartialOf(j, i);
                    double scale = Math.Max(Math.Abs(fd), Math.Abs(exact)) + (1e-3 * Math.Max(1, Math.Abs(analytic.Weights[i])));
                    double error = Math.Abs(exact - fd) / scale;
                    worst = Math.Max(worst, error);
                    Assert.True(
                        error <= 1e-6,
                        $"{name}: dw/d{definition.HyperParameters[j].Name}Raw at element {i}: generated {exact:R}, finite difference {fd:R} (relative error {error:E2})");
                }
            }
        }

        output.WriteLine($"{name}: worst relative error {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Recording_partials_does_not_change_the_update(string name)
    {
        OptimizerDefinition definition = Definition(name);
        var random = new Random(name.Length * 31);
        KernelBuffers<double> inputs = RandomInputs(definition, random);
        double[] raw = RandomRaw(definition, random);

        KernelBuffers<double> plain = inputs.Clone();
        KernelBuffers<double> recorded = inputs.Clone();
        plain.Step(definition.GetKernel<double>(), raw, StepIndex, withPartials: false);
        recorded.Step(definition.GetKernel<double>(), raw, StepIndex, withPartials: true);

        // Both kernels compute the same expressions for w and the state; only the partials are added.
        Assert.Equal(plain.Weights, recorded.Weights);
        Assert.Equal(plain.State, recorded.State);
        Assert.NotEqual(inputs.Weights, plain.Weights);

        KernelBuffers<float> plainSingle = inputs.Convert<float>();
        KernelBuffers<float> recordedSingle = inputs.Convert<float>();
        plainSingle.Step(definition.GetKernel<float>(), ToFloat(raw), StepIndex, withPartials: false);
        recordedSingle.Step(definition.GetKernel<float>(), ToFloat(raw), StepIndex, withPartials: true);
        Assert.Equal(plainSingle.Weights, recordedSingle.Weights);
        Assert.Equal(plainSingle.State, recordedSingle.State);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Float_kernel_matches_double_kernel(string name)
    {
        OptimizerDefinition definition = Definition(name);
        var random = new Random(name.Length * 131);
        KernelBuffers<double> inputs = RandomInputs(definition, random);
        double[] raw = RandomRaw(definition, random);

        // Round the inputs to float first, so both kernels see the same numbers.
        KernelBuffers<double> wide = inputs.Convert<float>().Convert<double>();
        KernelBuffers<float> narrow = inputs.Convert<float>();
        double[] rawRounded = Array.ConvertAll(ToFloat(raw), v => (double)v);
        wide.Step(definition.GetKernel<double>(), rawRounded, StepIndex, withPartials: true);
        narrow.Step(definition.GetKernel<float>(), ToFloat(raw), StepIndex, withPartials: true);

        // A few dozen float operations, some of them conditioned (1 - beta^t): 1e-4 relative to the value's size
        // (the update for weights, where w - step cancels) is float precision with room for that.
        double worst = 0;
        void Compare(string what, double expected, float actual, double magnitude)
        {
            double error = Math.Abs(expected - actual) / Math.Max(Math.Abs(expected), magnitude);
            worst = Math.Max(worst, error);
            Assert.True(error <= 1e-4, $"{name}: {what}: double {expected:R}, float {actual:R} (relative error {error:E2})");
        }

        for (int i = 0; i < Length; i++)
        {
            Compare($"w[{i}]", wide.Weights[i], narrow.Weights[i], 1);
            for (int k = 0; k < definition.StateVariables.Count; k++)
            {
                Compare($"{definition.StateVariables[k].Name}[{i}]", wide.StateOf(k, i), narrow.StateOf(k, i), 1e-3);
            }

            for (int j = 0; j < definition.HyperParameters.Count; j++)
            {
                double magnitude = Enumerable.Range(0, Length).Max(e => Math.Abs(wide.PartialOf(j, e)));
                Compare($"dw/d{definition.HyperParameters[j].Name}[{i}]", wide.PartialOf(j, i), narrow.PartialOf(j, i), magnitude);
            }
        }

        output.WriteLine($"{name}: worst float/double relative difference {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Plain_step_equals_the_users_method_bit_for_bit(string name)
    {
        MethodInfo step = compiled.Assembly.UserStep(TestSources.Full(name));
        bool writtenInDouble = step.GetParameters()[0].ParameterType == typeof(double).MakeByRefType();
        if (writtenInDouble)
        {
            AssertEqualsUserStep<double>(name, step);
        }
        else
        {
            AssertEqualsUserStep<float>(name, step);
        }
    }

    /// <summary>
    /// Runs the plain kernel in the precision the user wrote the step in, and the user's method element by element:
    /// every weight and state value must have the same bits.
    /// </summary>
    private void AssertEqualsUserStep<T>(string name, MethodInfo step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptimizerDefinition definition = Definition(name);
        var random = new Random(name.Length * 17);
        KernelBuffers<T> inputs = RandomInputs(definition, random).Convert<T>();
        T[] raw = Array.ConvertAll(RandomRaw(definition, random), T.CreateChecked);
        UserStepParity.AssertPlainStepEqualsUserStep(name, definition, step, inputs, raw, StepIndex);
        output.WriteLine($"{name} ({typeof(T).Name}): {Length} weights and their state equal the user's method bit for bit");
    }
}
