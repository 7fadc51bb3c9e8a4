namespace HyperGen.Tests;

/// <summary>Optimizer definitions from the documentation, shared by the CLI, parity and generator tests.</summary>
internal static class DesignExamples
{
    /// <summary>
    /// The NesterovRms example of README.md, verbatim: the class only, so each test adds the usings
    /// and namespace it needs (it uses System and HyperGen).
    /// </summary>
    public const string NesterovRms = """
        public static partial class NesterovRms
        {
            [HyperOptimize(Depth = 3)]
            public static void Step(ref float w, float g,
                ref float buf, [State(Init = 1e-8f)] ref float s,
                [Hyper(0.01f)] float alpha,
                [Hyper(0.9f, Domain = HyperDomain.UnitInterval)] float mu,
                [Hyper(0.99f, Domain = HyperDomain.UnitInterval)] float gamma,
                [StepIndex] int t)
            {
                s = gamma * s + (1 - gamma) * g * g;
                float d = g / MathF.Sqrt(s / (1 - MathF.Pow(gamma, t)) + 1e-8f);
                buf = mu * buf + d;
                w -= alpha * (d + mu * buf);
            }
        }
        """;
}
