using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using CsCheck;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace HyperGen.Tests.Generator;

/// <summary>
/// Random step bodies over w, g, one state s and two hyperparameters (a: Real, b: UnitInterval), with random nesting
/// on both sides of every operator, compiled with the generator: the plain float step equals the user's own method
/// bit for bit, and the double-precision partials dw/d(raw a), dw/d(raw b) match central finite differences of the
/// generated kernel at random points. Several bodies share one compilation to amortize Roslyn. A failure prints
/// CsCheck's seed; set the environment variable CsCheck_Seed to it to replay that run.
/// </summary>
public sealed class PropertyTests(ITestOutputHelper output)
{
    private const int BodiesPerCompilation = 12;
    private const int Compilations = 5;
    private const int Length = 11;
    private const int RawSamplesPerBody = 3;

    /// <summary>Elements of the bitwise check: 16 run in the Vector512 loop, 8 in the Vector&lt;T&gt; one, 5 in the scalar one.</summary>
    private const int ParityLength = 29;

    /// <summary>A NaN with a payload no arithmetic produces: marks partials the kernel did not write.</summary>
    private static readonly double NotWritten = BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF);

    /// <summary>The spacing of doubles at 1 (2^-52).</summary>
    private const double UnitRoundoff = 2.220446049250313e-16;

    /// <summary>One random step: <c>s = State; w -= Update;</c>.</summary>
    public sealed record Body(string State, string Update);

    /// <summary>
    /// Expressions of bounded depth. Arguments that must be positive are made so by construction (Sqrt(x * x + c),
    /// Log(x * x + 1), x / (y * y + c)); s is read only as s * s + 1 or Exp(s).
    /// </summary>
    private static Gen<string> Expression(int depth)
    {
        Gen<string> constant = Gen.Int[1, 300].Select(c => (c / 100f).ToString("R", CultureInfo.InvariantCulture) + "f");
        // Leaves include the constants that tell IEEE arithmetic from real arithmetic (x * 0, x - -0, 0 / x).
        Gen<string> leaf = Gen.Frequency(
            (3, Gen.OneOfConst("w", "g", "a", "b", "(s * s + 1f)", "MathF.Exp(s)")),
            (1, constant),
            (1, Gen.OneOfConst("0f", "-0f", "1f", "-1f", "2f", "0.5f")));
        var levels = new Gen<string>[depth + 1];
        levels[0] = leaf;
        for (int d = 1; d <= depth; d++)
        {
            Gen<string> x = levels[d - 1];
            levels[d] = Gen.Frequency(
                (2, leaf),
                (2, Gen.Select(x, x, (l, r) => $"({l} + {r})")),
                (2, Gen.Select(x, x, (l, r) => $"({l} - {r})")),
                (3, Gen.Select(x, x, (l, r) => $"({l} * {r})")),
                (1, Gen.Select(x, x, constant, (l, r, c) => $"({l} / ({r} * {r} + {c}))")),
                (1, x.Select(e => e.StartsWith('-') ? $"(-({e}))" : $"(-{e})")),
                (1, x.Select(e => $"MathF.Exp({e})")),
                (1, x.Select(e => $"MathF.Tanh({e})")),
                (1, Gen.Select(x, constant, (e, c) => $"MathF.Sqrt({e} * {e} + {c})")),
                (1, x.Select(e => $"MathF.Log({e} * {e} + 1f)")),
                (1, x.Select(e => $"MathF.Abs({e})")),
                (1, Gen.Select(x, Gen.OneOfConst("2f", "0.5f", "1f", "0f"), (e, p) => $"MathF.Pow({e} * {e} + 1f, {p})")),
                (1, Gen.Select(x, x, (l, r) => $"MathF.Max({l}, {r})")),
                (1, Gen.Select(x, x, x, x, Gen.OneOfConst("<", ">", "<=", ">="), (l, r, t, f, op) => $"({l} {op} {r} ? {t} : {f})")));
        }

        return levels[depth];
    }

    /// <summary>
    /// Bodies whose update reads both hyperparameters (directly, or through the new state), so that most partials are
    /// not identically zero.
    /// </summary>
    private static readonly Gen<Body> BodyGen = Gen.Select(Gen.Int[1, 3], Gen.Int[2, 4])
        .SelectMany((stateDepth, updateDepth) => Gen.Select(Expression(stateDepth), Expression(updateDepth), (s, u) => new Body(s, u)))
        .Where(b => Reaches(b, "a") && Reaches(b, "b"));

    private static bool Reaches(Body body, string hyper) =>
        Mentions(body.Update, hyper) || (Mentions(body.Update, "s") && Mentions(body.State, hyper));

    private static bool Mentions(string expression, string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(expression, $@"\b{name}\b");

    private static string Source(string ns, Body[] bodies)
    {
        var text = new StringBuilder($"using System;\nusing HyperGen;\n\nnamespace {ns};\n");
        for (int k = 0; k < bodies.Length; k++)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""

                public static partial class P{{k}}
                {
                    [HyperOptimize]
                    public static void Step(ref float w, float g, ref float s, [Hyper(0.5)] float a, [Hyper(0.3, Domain = HyperDomain.UnitInterval)] float b)
                    {
                        s = {{bodies[k].State}};
                        w -= {{bodies[k].Update}};
                    }
                }

                """);
        }

        return text.ToString();
    }

    private static string Print(Body[] bodies) =>
        string.Join("\n", bodies.Select((b, k) => $"P{k}: s = {b.State}; w -= {b.Update};"));

    private sealed class Tally
    {
        public int Checked;
        public int SkippedNonFinite;
        public int SkippedNotSmooth;
        public int ZeroPartials;
        public double WorstError;
    }

    [Fact]
    public void Generated_partials_of_random_steps_match_finite_differences()
    {
        var tally = new Tally();
        int compilation = 0;
        var clock = Stopwatch.StartNew();
        Gen.Select(BodyGen.Array[BodiesPerCompilation], Gen.Int).Sample(
            (bodies, seed) => CheckBatch($"PropertyTests.C{compilation++}", bodies, new Random(seed), tally),
            iter: Compilations,
            threads: 1,
            print: t => $"seed {t.Item2}\n{Print(t.Item1)}");

        int total = tally.Checked + tally.SkippedNonFinite + tally.SkippedNotSmooth;
        output.WriteLine(
            $"{compilation} compilations of {BodiesPerCompilation} bodies in {clock.Elapsed.TotalSeconds:F1} s: {tally.Checked} partials checked " +
            $"({tally.ZeroPartials} identically zero), {tally.SkippedNonFinite} skipped as non-finite or huge, {tally.SkippedNotSmooth} as not smooth; " +
            $"worst error / tolerance {tally.WorstError:F3}");
        Assert.Equal(Compilations * BodiesPerCompilation * RawSamplesPerBody * Length * 2, total);
        Assert.True(tally.Checked >= 0.8 * total, $"only {tally.Checked} of {total} points were smooth and finite enough to check");
    }

    private static void CheckBatch(string ns, Body[] bodies, Random random, Tally tally)
    {
        // Random bodies can compare a value with itself (CS1718), so user warnings stay warnings here.
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source(ns, bodies))
            .WithOptions(GeneratorHarness.CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Default)));

        // HG0012 (a hyperparameter that does not reach the weight) is expected for some bodies; nothing else is.
        Diagnostic[] unexpected = run.GeneratorDiagnostics.Where(d => d.Id != "HG0012").ToArray();
        Assert.True(unexpected.Length == 0, string.Join("\n", unexpected.Select(d => d.ToString())) + "\n" + Print(bodies));
        Assert.Equal(bodies.Length, run.GeneratedSources.Count);
        using LoadedAssembly assembly = run.CompileAndLoad();

        for (int k = 0; k < bodies.Length; k++)
        {
            IStepKernel<double> kernel = assembly.Definition($"{ns}.P{k}").GetKernel<double>();
            IStepKernel<float> singleKernel = assembly.Definition($"{ns}.P{k}").GetKernel<float>();
            string what = $"P{k}: s = {bodies[k].State}; w -= {bodies[k].Update};";
            CheckParity(assembly, $"{ns}.P{k}", what, random);
            for (int sample = 0; sample < RawSamplesPerBody; sample++)
            {
                var inputs = new KernelBuffers<double>(Length, states: 1, hypers: 2);
                for (int i = 0; i < Length; i++)
                {
                    inputs.Weights[i] = Uniform(random, 2);
                    inputs.Gradients[i] = Uniform(random, 2);
                    inputs.State[i] = Uniform(random, 2);
                }

                double[] raw = [Uniform(random, 2), Uniform(random, 2)];
                CheckPoint(kernel, singleKernel, inputs, raw, what, tally);
            }
        }
    }

    /// <summary>The generated float plain step against the user's method, at random points.</summary>
    private static void CheckParity(LoadedAssembly assembly, string optimizerClass, string what, Random random)
    {
        OptimizerDefinition definition = assembly.Definition(optimizerClass);
        var inputs = new KernelBuffers<float>(ParityLength, states: 1, hypers: 2);
        for (int i = 0; i < ParityLength; i++)
        {
            inputs.Weights[i] = (float)Uniform(random, 2);
            inputs.Gradients[i] = (float)Uniform(random, 2);
            inputs.State[i] = (float)Uniform(random, 2);
        }

        float[] raw = [(float)Uniform(random, 2), (float)Uniform(random, 2)];
        UserStepParity.AssertPlainStepEqualsUserStep(what, definition, assembly.UserStep(optimizerClass), inputs, raw, stepIndex: 1);

        // The values where IEEE and real arithmetic part (signed zeros, infinities, NaN, the ends of the range),
        // in every combination of weight, gradient and state over the elements.
        var special = new KernelBuffers<float>(SpecialValues.Length * SpecialValues.Length, states: 1, hypers: 2);
        for (int i = 0; i < special.Length; i++)
        {
            special.Weights[i] = SpecialValues[i % SpecialValues.Length];
            special.Gradients[i] = SpecialValues[i / SpecialValues.Length];
            special.State[i] = SpecialValues[(i * 7) % SpecialValues.Length];
        }

        foreach (float[] specialRaw in new[] { new[] { 0f, -0f }, new[] { -0f, 0f }, raw })
        {
            UserStepParity.AssertPlainStepEqualsUserStep(what, definition, assembly.UserStep(optimizerClass), special, specialRaw, stepIndex: 1);
        }
    }

    private static readonly float[] SpecialValues =
    [
        0f, -0f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 3e38f, -3e38f, 1e-45f, -1e-45f, 1e-38f, 0.5f,
    ];

    private static double Uniform(Random random, double bound) => bound * ((2 * random.NextDouble()) - 1);

    private static void CheckPoint(
        IStepKernel<double> kernel, IStepKernel<float> singleKernel, KernelBuffers<double> inputs, double[] raw, string what, Tally tally)
    {
        KernelBuffers<double> analytic = inputs.Clone();
        Array.Fill(analytic.Partials, NotWritten);
        analytic.Step(kernel, raw, 1, withPartials: true);
        KernelBuffers<float> single = inputs.Convert<float>();
        single.Step(singleKernel, Array.ConvertAll(raw, r => (float)r), 1, withPartials: true);

        for (int j = 0; j < raw.Length; j++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(raw[j]));
            double[] Run(double offset)
            {
                double[] shifted = (double[])raw.Clone();
                shifted[j] += offset;
                KernelBuffers<double> copy = inputs.Clone();
                copy.Step(kernel, shifted, 1, withPartials: false);
                return copy.Weights;
            }

            double[] up = Run(h);
            double[] down = Run(-h);
            double[] up2 = Run(2 * h);
            double[] down2 = Run(-2 * h);

            // A second estimate with a thousand times the step: its rounding noise is a thousand times smaller, and
            // the fourth-order formula keeps its truncation error small. Where an intermediate value dwarfs the weight
            // (sqrt(e^(2s) + c) - e^s with s = 12 loses ten digits), the small step's difference is mostly rounding
            // noise, and the two estimates disagree.
            double wide = 1e3 * h;
            double[] upWide = Run(wide);
            double[] downWide = Run(-wide);
            double[] upWide2 = Run(2 * wide);
            double[] downWide2 = Run(-2 * wide);
            for (int i = 0; i < Length; i++)
            {
                double w = analytic.Weights[i];
                double exact = analytic.PartialOf(j, i);
                double fd = (up[i] - down[i]) / (2 * h);
                double fd2 = (up2[i] - down2[i]) / (4 * h);
                string where = $"{what}\n  dw/d{(j == 0 ? "a" : "b")}Raw at w={inputs.Weights[i]:R}, g={inputs.Gradients[i]:R}, s={inputs.State[i]:R}, raw=({raw[0]:R}, {raw[1]:R})";

                // Not written: the generator found the partial identically zero, which the finite difference must confirm
                // (up to rounding: (b + a) - a is simplified symbolically but still rounds in the plain kernel).
                bool notWritten = BitConverter.DoubleToInt64Bits(exact) == BitConverter.DoubleToInt64Bits(NotWritten);
                if (notWritten)
                {
                    exact = 0;
                }

                double fdWide = ((8 * (upWide[i] - downWide[i])) - (upWide2[i] - downWide2[i])) / (12 * wide);
                double[] values = [w, exact, up[i], down[i], up2[i], down2[i], upWide[i], downWide[i], upWide2[i], downWide2[i]];
                if (values.Any(v => !double.IsFinite(v) || Math.Abs(v) > 1e6))
                {
                    tally.SkippedNonFinite++;
                    continue;
                }

                // A kink or a switched ?: branch within 2h shows up as one-sided slopes that disagree, or as a
                // finite difference that changes with the step; floating-point noise shows up the same way.
                double forward = (up[i] - w) / h;
                double backward = (w - down[i]) / h;
                double size = Math.Max(1, Math.Abs(fd));
                if (Math.Abs(forward - backward) > 1e-3 * size || Math.Abs(fd - fd2) > 1e-6 * size)
                {
                    tally.SkippedNotSmooth++;
                    continue;
                }

                // Tolerance: 1e-6 relative, plus the finite difference's own error: rounding, about eps * |w'| / h
                // per evaluation (with room for intermediates larger than w'), and truncation, which the
                // difference between the steps h and 2h bounds.
                double magnitude = values.Max(Math.Abs);
                double tolerance = (1e-6 * Math.Max(Math.Abs(exact), Math.Abs(fd))) + (2 * Math.Abs(fd - fd2))
                    + (16 * UnitRoundoff * Math.Max(1, magnitude) / h);
                if (Math.Abs(fd - fdWide) > tolerance)
                {
                    // The two steps disagree: noise in the small one, or a kink within the wide one.
                    tally.SkippedNotSmooth++;
                    continue;
                }

                double singlePartial = single.PartialOf(j, i);
                if (!notWritten && Math.Abs(singlePartial - exact) > (0.5 * Math.Abs(exact)) + tolerance)
                {
                    // The generated partial is exact algebra evaluated in double. Where the body cancels most digits
                    // (sqrt(e^(2s) + c) - e^s at s = 18 keeps none in float and a few in double), its rounding error
                    // exceeds any tolerance, and the float kernel, 29 bits shorter, disagrees with it outright:
                    // such a point says nothing about the generator.
                    tally.SkippedNotSmooth++;
                    continue;
                }

                double error = Math.Abs(exact - fd);
                tally.WorstError = Math.Max(tally.WorstError, error / tolerance);
                Assert.True(error <= tolerance, $"{where}: generated {(notWritten ? "nothing (identically zero)" : exact.ToString("R", CultureInfo.InvariantCulture))}, finite difference {fd:R} (error {error:E2}, tolerance {tolerance:E2})");
                tally.Checked++;
                if (notWritten)
                {
                    tally.ZeroPartials++;
                }
            }
        }
    }
}
