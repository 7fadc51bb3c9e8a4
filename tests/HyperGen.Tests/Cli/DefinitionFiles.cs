namespace HyperGen.Tests.Cli;

/// <summary>Optimizer definition files, as a user would write them, for the check command and --definitions.</summary>
internal static class DefinitionFiles
{
    /// <summary>Two valid optimizers: a Nesterov-style RMSProp with three hyperparameters and an Adam variant.</summary>
    public const string Valid = """
        using System;
        using HyperGen;

        namespace UserOptimizers;

        """ + DesignExamples.NesterovRms + """


        public static partial class SquaredRate
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, ref float s,
                [Hyper(0.01, Domain = HyperDomain.Squared)] float rate,
                [Hyper(0.99, Domain = HyperDomain.UnitInterval)] float decay)
            {
                s = decay * s + (1 - decay) * g * g;
                w -= rate * g / MathF.Sqrt(s + 1e-8f);
            }
        }
        """;

    /// <summary>The line of the <c>for</c> loop in <see cref="WithLoop"/> (1-based).</summary>
    public const int LoopLine = 9;

    /// <summary>A step with a loop, which the generator must reject at the loop.</summary>
    public const string WithLoop = """
        using System;
        using HyperGen;

        public static partial class Loopy
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.01)] float alpha)
            {
                for (int i = 0; i < 2; i++)
                {
                    w -= alpha * g;
                }
            }
        }
        """;

    /// <summary>C# that does not parse (a missing semicolon on line 3).</summary>
    public const string SyntaxError = """
        public static class Broken
        {
            public static int Value() { return 1 }
        }
        """;
}
