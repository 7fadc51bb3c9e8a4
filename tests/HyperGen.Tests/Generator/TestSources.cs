using System;
using Microsoft.CodeAnalysis.Text;

namespace HyperGen.Tests.Generator;

/// <summary>Step definitions the generator tests compile: copies of the built-ins and a few that use more of the language.</summary>
internal static class TestSources
{
    public const string Namespace = "GeneratorTests.Defs";

    private const string Header = """
        using System;
        using HyperGen;

        namespace GeneratorTests.Defs;


        """;

    /// <summary>A copy of the built-in Adam (src/HyperGen.Runtime/Optimizers/Adam.cs).</summary>
    public const string Adam = Header + """
        public static partial class AdamCopy
        {
            [HyperOptimize]
            public static void Step(
                ref float w, float g, ref float m, [State(Init = 1e-8)] ref float v,
                [Hyper(1e-3)] float alpha,
                [Hyper(0.9, Domain = HyperDomain.UnitInterval)] float beta1,
                [Hyper(0.999, Domain = HyperDomain.UnitInterval)] float beta2,
                [StepIndex] int t)
            {
                m = beta1 * m + (1 - beta1) * g;
                v = beta2 * v + (1 - beta2) * g * g;
                float mHat = m / (1 - MathF.Pow(beta1, t));
                float vHat = v / (1 - MathF.Pow(beta2, t));
                w -= alpha * mHat / (MathF.Sqrt(vHat) + 1e-8f);
            }
        }
        """;

    /// <summary>A copy of the built-in SGD with momentum.</summary>
    public const string Sgd = Header + """
        public static partial class SgdCopy
        {
            [HyperOptimize(Depth = 2)]
            public static void Step(
                ref float w, float g, ref float buf,
                [Hyper(0.01)] float alpha,
                [Hyper(0.0, InactiveAtZero = true)] float mu)
            {
                buf = mu * buf + g;
                w -= alpha * buf;
            }
        }
        """;

    /// <summary>A copy of the built-in RMSProp (alpha learned as its square root, gamma in (0, 1)).</summary>
    public const string RmsProp = Header + """
        public static partial class RmsPropCopy
        {
            [HyperOptimize]
            public static void Step(
                ref float w, float g, ref float s,
                [Hyper(0.01, Domain = HyperDomain.Squared)] float alpha,
                [Hyper(0.99, Domain = HyperDomain.UnitInterval)] float gamma)
            {
                s = gamma * s + (1 - gamma) * g * g;
                w -= alpha * g / MathF.Sqrt(s + 1e-8f);
            }
        }
        """;

    /// <summary>The NesterovRms example of README.md and docs/defining-optimizers.md, verbatim.</summary>
    public const string NesterovRms = Header + DesignExamples.NesterovRms;

    /// <summary>Gradient clipping: ?: on a comparison, MathF.Abs and MathF.Max (the third baseline).</summary>
    public const string Clip = Header + """
        public static partial class ClipSgd
        {
            [HyperOptimize(Depth = 2, Above = typeof(SgdLike))]
            public static void Step(
                ref float w, float g,
                [Hyper(0.01)] float alpha,
                [Hyper(1.0, Domain = HyperDomain.Squared)] float clip)
            {
                float size = MathF.Abs(g);
                float d = size > clip ? clip * g / size : g;
                w -= alpha * MathF.Max(d, -0.5f * clip);
            }
        }

        public static partial class SgdLike
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(1e-4)] float alpha)
            {
                w -= alpha * g;
            }
        }
        """;

    /// <summary>
    /// Everything with a Vector&lt;T&gt; form: ?: on comparisons (one of them between hyperparameters), Max, Abs,
    /// Sqrt, and Exp, Tanh and Pow of loop-invariant values; all three domains.
    /// </summary>
    public const string Fancy = Header + """
        public static partial class Fancy
        {
            [HyperOptimize]
            public static void Step(
                ref float w, float g, [State(Init = 0.5)] ref float s,
                [Hyper(0.05)] float alpha,
                [Hyper(0.6, Domain = HyperDomain.UnitInterval)] float rho,
                [Hyper(0.2, Domain = HyperDomain.Squared)] float floor,
                [StepIndex] int t)
            {
                s = rho * s + (1 - rho) * MathF.Abs(g);
                float scale = MathF.Max(s, floor) + MathF.Exp(-alpha) * MathF.Sqrt(1 + s * s);
                float warm = MathF.Tanh(alpha * t) * MathF.Pow(rho, 0.5f);
                float d = g > 0 ? g / scale : 0.5f * g / (scale + floor);
                float gain = rho > floor ? 1 + warm : 1 - warm;
                w -= alpha * d * gain;
            }
        }
        """;

    /// <summary>
    /// Per-element Tanh, Pow, Sin, Exp, Log and Min, which have no Vector&lt;T&gt; form that rounds as MathF does: a
    /// scalar-only kernel.
    /// </summary>
    public const string FancyScalar = Header + """
        public static partial class FancyScalar
        {
            [HyperOptimize]
            public static void Step(
                ref float w, float g, [State(Init = 1)] ref float s,
                [Hyper(0.1)] float alpha,
                [Hyper(0.7, Domain = HyperDomain.UnitInterval)] float rho)
            {
                float th = MathF.Tanh(alpha * g);
                s = 0.5f * MathF.Pow(s, rho) + th * th + 0.1f;
                w -= alpha * MathF.Tanh(g / MathF.Sqrt(s)) + MathF.Min(rho, 0.5f) * MathF.Sin(g) * MathF.Log(1 + s) * MathF.Exp(-s);
            }
        }
        """;

    /// <summary>
    /// Right-nested sums and products, whose grouping floating-point arithmetic does not let the generator change:
    /// <c>a * (b * c)</c> and <c>a + (b + c)</c> round differently from <c>a * b * c</c> and <c>a + b + c</c>.
    /// </summary>
    public const string RightNested = Header + """
        public static partial class RightNested
        {
            [HyperOptimize]
            public static void Step(
                ref float w, float g, ref float s,
                [Hyper(0.01)] float alpha,
                [Hyper(0.9, Domain = HyperDomain.UnitInterval)] float beta)
            {
                s = beta * (s * (g * g)) + (g + (s + beta));
                float d = alpha * (g * (w * w)) + (w + (g + alpha));
                w -= d * (s * (beta * 0.1f)) + (alpha * (s - (g - w)));
            }
        }
        """;

    /// <summary>A step written in double: the generator still writes both kernels.</summary>
    public const string DoubleWritten = Header + """
        public static partial class DoubleWritten
        {
            [HyperOptimize]
            public static void Step(
                ref double w, double g, ref double m,
                [Hyper(0.1)] double alpha,
                [Hyper(0.5, Domain = HyperDomain.UnitInterval)] double beta)
            {
                m = beta * m + (1 - beta) * g;
                w -= alpha * m / Math.Sqrt(m * m + 0.01);
            }
        }
        """;

    /// <summary>Full name of a class defined above.</summary>
    public static string Full(string className) => Namespace + "." + className;
}

/// <summary>
/// Source with one span marked as <c>[|...|]</c> (the Roslyn test convention): the expected location of a diagnostic.
/// </summary>
internal readonly record struct MarkedSource(string Text, TextSpan Span)
{
    public LinePositionSpan LineSpan => SourceText.From(Text).Lines.GetLinePositionSpan(Span);

    public static MarkedSource Parse(string markup)
    {
        int start = markup.IndexOf("[|", StringComparison.Ordinal);
        int end = markup.IndexOf("|]", StringComparison.Ordinal);
        if (start < 0 || end < start || markup.IndexOf("[|", start + 2, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("Mark exactly one span with [| and |].", nameof(markup));
        }

        string text = markup.Remove(end, 2).Remove(start, 2);
        return new MarkedSource(text, TextSpan.FromBounds(start, end - 2));
    }
}
