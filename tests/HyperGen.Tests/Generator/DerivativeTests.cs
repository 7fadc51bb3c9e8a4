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
            TestSources.Fancy, TestSources.FancyScalar, TestSources.DoubleWritten);
        Assert.Empty(run.GeneratorDiagnostics);
        Assembly = run.CompileAndLoad();
    }

    internal LoadedAssembly Assembly { get; }

    public void Dispose() => Assembly.Dispose();
}

/// <summary>
/// Runs the generated kernels: the double-precision partials against central finite differences of the kernel
/// itself, the float kernel against the double one, and the plain step against the user's own method. n = 11
/// elements, so both the Vector&lt;T&gt; loop and the scalar remainder run.
/// </summary>
public sealed class DerivativeTests(CompiledDefinitions compiled, ITestOutputHelper output) : IClassFixture<CompiledDefinitions>
{
    private const int Length = 11;
    private const int StepIndex = 3;

    public static TheoryData<string> Optimizers => new()
    {
        "AdamCopy", "SgdCopy", "RmsPropCopy", "NesterovRms", "ClipSgd", "Fancy", "FancyScalar", "DoubleWritten",
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
    public void Plain_step_matches_the_users_method(string name)
    {
        MethodInfo step = compiled.Assembly.UserStep(TestSources.Full(name));
        bool writtenInDouble = step.GetParameters()[0].ParameterType == typeof(double).MakeByRefType();
        int worst = writtenInDouble ? CompareWithUserStep<double>(name, step) : CompareWithUserStep<float>(name, step);
        output.WriteLine($"{name} ({(writtenInDouble ? "double" : "float")}): worst difference {worst} ulp(s)");
    }

    /// <summary>
    /// Runs the plain kernel in the precision the user wrote the step in, and the user's method element by element.
    /// The generated code may reorder commutative and associative operations ((1 - b) * g * g becomes
    /// g * g * (1 - b)) and hoists loop invariants, so results can differ in the last bits; the vector and scalar
    /// loops use the same IEEE operations (no fused multiply-add). Measured on x64 (AVX2): 0 ulps for every
    /// definition but FancyScalar (1 ulp). Allow 4 ulps, of the larger of the new and the old value, since
    /// w - step cancels and an ulp of the step is then many ulps of a small result.
    /// </summary>
    private int CompareWithUserStep<T>(string name, MethodInfo step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptimizerDefinition definition = Definition(name);
        var random = new Random(name.Length * 17);
        KernelBuffers<T> inputs = RandomInputs(definition, random).Convert<T>();
        T[] raw = Array.ConvertAll(RandomRaw(definition, random), T.CreateChecked);
        KernelBuffers<T> kernelBuffers = inputs.Clone();
        KernelBuffers<T> userBuffers = inputs.Clone();

        kernelBuffers.Step(definition.GetKernel<T>(), raw, StepIndex, withPartials: false);

        // Hyperparameters in the user's domain, computed in T as the generated code does.
        T[] values = definition.HyperParameters
            .Select((h, j) => h.Domain switch
            {
                HyperDomain.UnitInterval => T.CreateChecked(0.5) * (T.One + T.Tanh(raw[j])),
                HyperDomain.Squared => raw[j] * raw[j],
                _ => raw[j],
            })
            .ToArray();
        for (int i = 0; i < Length; i++)
        {
            CallUserStep(step, definition, userBuffers, i, values);
        }

        int worst = 0;
        for (int i = 0; i < Length; i++)
        {
            worst = Math.Max(worst, AssertClose($"w[{i}]", userBuffers.Weights[i], kernelBuffers.Weights[i], inputs.Weights[i]));
            for (int k = 0; k < definition.StateVariables.Count; k++)
            {
                worst = Math.Max(worst, AssertClose(
                    $"{definition.StateVariables[k].Name}[{i}]", userBuffers.StateOf(k, i), kernelBuffers.StateOf(k, i), inputs.StateOf(k, i)));
            }
        }

        return worst;

        int AssertClose(string what, T expected, T actual, T before)
        {
            T magnitude = T.Max(T.Max(T.Abs(expected), T.Abs(actual)), T.Abs(before));
            T ulp = T.BitIncrement(magnitude) - magnitude;
            int ulps = int.CreateSaturating(T.Round(T.Abs(expected - actual) / ulp));
            Assert.True(ulps <= 4, $"{name}: {what}: user's method {expected}, generated {actual} ({ulps} ulps of {magnitude})");
            return ulps;
        }
    }

    /// <summary>Calls the user's step for element <paramref name="i"/>, mapping parameters by the conventions of section 2.</summary>
    private static void CallUserStep<T>(MethodInfo step, OptimizerDefinition definition, KernelBuffers<T> buffers, int i, T[] hypers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ParameterInfo[] parameters = step.GetParameters();
        object[] arguments = new object[parameters.Length];
        int weight = -1;
        int gradient = -1;
        var states = new int[definition.StateVariables.Count];
        for (int p = 0; p < parameters.Length; p++)
        {
            ParameterInfo parameter = parameters[p];
            int hyper = definition.IndexOfHyperParameter(parameter.Name!);
            if (parameter.ParameterType == typeof(int))
            {
                arguments[p] = StepIndex;
            }
            else if (parameter.ParameterType.IsByRef && weight < 0)
            {
                weight = p;
                arguments[p] = buffers.Weights[i];
            }
            else if (parameter.ParameterType.IsByRef)
            {
                int k = definition.StateVariables.Select(s => s.Name).ToList().IndexOf(parameter.Name!);
                Assert.True(k >= 0, $"no state variable {parameter.Name}");
                states[k] = p;
                arguments[p] = buffers.StateOf(k, i);
            }
            else if (hyper >= 0)
            {
                arguments[p] = hypers[hyper];
            }
            else
            {
                Assert.Equal(-1, gradient);
                gradient = p;
                arguments[p] = buffers.Gradients[i];
            }
        }

        step.Invoke(null, arguments);
        buffers.Weights[i] = (T)arguments[weight];
        for (int k = 0; k < states.Length; k++)
        {
            buffers.State[(k * buffers.Length) + i] = (T)arguments[states[k]];
        }
    }
}
