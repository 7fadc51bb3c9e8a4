using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HyperGen.Tests.Generator;

/// <summary>
/// One test per diagnostic the generator can report from source (HG0001..HG0018): the id, the severity, the exact
/// location of the offending construct (marked <c>[|...|]</c> in the source), and no generated step for an erroneous
/// one: its class gets only the stand-in members that throw (or nothing, where the class cannot take members).
/// HG9999 (internal error) is the generator's guard against its own bugs and cannot be produced from source.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Usings = """
        using System;
        using HyperGen;

        namespace GeneratorTests.Diagnostics;


        """;

    /// <summary>
    /// Runs the generator on <paramref name="markup"/>, asserts it reports exactly one diagnostic, <paramref name="id"/>,
    /// at the marked span, and returns the run.
    /// </summary>
    private static GeneratorRun AssertSingleDiagnostic(string markup, string id, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        MarkedSource source = MarkedSource.Parse(Usings + markup);
        GeneratorRun run = GeneratorHarness.Run(source.Text);

        // The test source itself must be valid C#: the diagnostic has to come from the generator's rules.
        Assert.Empty(run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.DefaultSeverity);
        FileLinePositionSpan location = diagnostic.Location.GetLineSpan();
        Assert.Equal("/src/File0.cs", location.Path);
        Assert.Equal(source.LineSpan, location.Span);
        Assert.Equal(source.Span, diagnostic.Location.SourceSpan);
        return run;
    }

    private static void AssertNoSource(GeneratorRun run) => Assert.Empty(run.GeneratedSources);

    /// <summary>
    /// Asserts that the erroneous step generated no code of its own, only the stand-ins for its class's members, and
    /// that they compile (with warnings as errors) beside the user's code.
    /// </summary>
    private static void AssertOnlyStandIns(GeneratorRun run)
    {
        string generated = Assert.Single(run.GeneratedSources).Value;
        Assert.Contains("public static global::HyperGen.OptimizerDefinition Definition => throw new global::System.InvalidOperationException(", generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain("HyperGenDefinition", generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain("IStepKernel", generated, System.StringComparison.Ordinal);
        Assert.Empty(run.OutputErrors);
    }

    /// <summary>The cases, and whether the class can still take the stand-ins (a partial top-level class can).</summary>
    public static TheoryData<string, bool> ContainingTypeCases => new()
    {
        {
            """
            public static class [|NotPartial|]
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            }
            """,
            false
        },
        {
            """
            public partial class [|NotStatic|]
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            }
            """,
            true
        },
        {
            """
            public static partial class Outer
            {
                public static partial class [|Nested|]
                {
                    [HyperOptimize]
                    public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
                }
            }
            """,
            false
        },
    };

    [Theory]
    [MemberData(nameof(ContainingTypeCases))]
    public void HG0001_class_must_be_top_level_static_partial(string markup, bool takesStandIns)
    {
        GeneratorRun run = AssertSingleDiagnostic(markup, "HG0001");
        if (takesStandIns)
        {
            AssertOnlyStandIns(run);
        }
        else
        {
            AssertNoSource(run);
        }
    }

    public static TheoryData<string> MethodShapeCases => new()
    {
        """
        public static partial class Generic
        {
            [HyperOptimize]
            public static void [|Step|]<T>(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
        }
        """,
        """
        public static partial class ReturnsValue
        {
            [HyperOptimize]
            public static float [|Step|](ref float w, float g, [Hyper(0.1)] float alpha)
            {
                w -= alpha * g;
                return w;
            }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(MethodShapeCases))]
    public void HG0002_step_must_be_non_generic_static_void(string markup) =>
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0002"));

    [Fact]
    public void HG0003_step_without_a_ref_weight()
    {
        const string markup = """
            public static partial class NoWeight
            {
                [HyperOptimize]
                public static void [|Step|](float g, [Hyper(0.1)] float alpha)
                {
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0003"));
    }

    [Fact]
    public void HG0004_step_without_a_gradient()
    {
        const string markup = """
            public static partial class NoGradient
            {
                [HyperOptimize]
                public static void [|Step|](ref float w, ref float s, [Hyper(0.1)] float alpha)
                {
                    s = 0.5f * s + alpha;
                    w -= s;
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0004"));
    }

    public static TheoryData<string> StatementCases => new()
    {
        """
        public static partial class Loop
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                float d = alpha * g;
                [|for (int i = 0; i < 3; i++)
                {
                    w -= d;
                }|]
            }
        }
        """,
        """
        public static partial class If
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                [|if (g > 0)
                    w -= alpha * g;|]
            }
        }
        """,
        """
        public static partial class Uninitialized
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                float [|d|];
                d = alpha * g;
                w -= d;
            }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(StatementCases))]
    public void HG0005_unsupported_statement(string markup) =>
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0005"));

    public static TheoryData<string> ExpressionCases => new()
    {
        """
        public static partial class Remainder
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                w -= alpha * ([|g % 2f|]);
            }
        }
        """,
        """
        public static partial class Field
        {
            public static float Scale = 2f;

            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                w -= alpha * [|Scale|] * g;
            }
        }
        """,
        """
        public static partial class Condition
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                w -= [|g > 0 && alpha > 0|] ? alpha * g : 0f;
            }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(ExpressionCases))]
    public void HG0006_unsupported_expression(string markup) =>
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0006"));

    public static TheoryData<string> CallCases => new()
    {
        """
        public static partial class Round
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                w -= alpha * [|MathF.Round(g)|];
            }
        }
        """,
        """
        public static partial class UserHelper
        {
            private static float Twice(float x) => 2 * x;

            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                w -= alpha * [|Twice(g)|];
            }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(CallCases))]
    public void HG0007_unsupported_call(string markup) =>
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0007"));

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("-3")]
    public void HG0008_depth_out_of_range(string depth)
    {
        string markup = $$"""
            public static partial class Deep
            {
                [HyperOptimize([|Depth = {{depth}}|])]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            }
            """;
        GeneratorRun run = AssertSingleDiagnostic(markup, "HG0008");
        Assert.Contains($"Depth = {depth} ", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        AssertOnlyStandIns(run);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void Depth_at_the_limits_is_accepted(int depth)
    {
        GeneratorRun run = GeneratorHarness.Run(Usings + $$"""
            public static partial class Deep
            {
                [HyperOptimize(Depth = {{depth}})]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains($"defaultDepth: {depth})", Assert.Single(run.GeneratedSources).Value, StringComparison.Ordinal);
        Assert.Empty(run.OutputErrors);
    }

    public static TheoryData<string> InitialCases => new()
    {
        "[[|Hyper(1.5, Domain = HyperDomain.UnitInterval)|]] float beta",
        "[[|Hyper(0.0, Domain = HyperDomain.UnitInterval)|]] float beta",
        "[[|Hyper(-0.1, Domain = HyperDomain.Squared)|]] float beta",
        "[[|Hyper(double.PositiveInfinity)|]] float beta",
    };

    [Theory]
    [MemberData(nameof(InitialCases))]
    public void HG0009_initial_value_outside_domain(string hyper)
    {
        string markup = $$"""
            public static partial class Initial
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha, {{hyper}})
                {
                    w -= alpha * beta * g;
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0009"));
    }

    [Fact]
    public void HG0010_above_names_a_type_without_a_step()
    {
        const string markup = """
            public static class NotAnOptimizer
            {
                public static void Step(ref float w, float g) => w -= g;
            }

            public static partial class Below
            {
                [HyperOptimize(Depth = 2, [|Above = typeof(NotAnOptimizer)|])]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0010"));
    }

    public static TheoryData<string> MixedCases => new()
    {
        "ref float w, double [|g|], [Hyper(0.1)] float alpha",
        "ref float w, float g, [Hyper(0.1)] double [|alpha|]",
        "ref double w, float [|g|], [Hyper(0.1)] double alpha",
    };

    [Theory]
    [MemberData(nameof(MixedCases))]
    public void HG0011_float_and_double_mixed(string parameters)
    {
        string markup = $$"""
            public static partial class Mixed
            {
                [HyperOptimize]
                public static void Step({{parameters}})
                {
                    w -= (float)(alpha * g);
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0011"));
    }

    [Fact]
    public void HG0012_hyperparameter_that_never_influences_the_weight_is_a_warning_and_code_is_generated()
    {
        // beta only feeds the state, which the weight does not read in the same step.
        const string markup = """
            public static partial class Unused
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, ref float s, [Hyper(0.1)] float alpha, [Hyper(0.5)] float [|beta|])
                {
                    w -= alpha * g;
                    s = beta * s + g;
                }
            }
            """;
        GeneratorRun run = AssertSingleDiagnostic(markup, "HG0012", DiagnosticSeverity.Warning);
        Assert.Contains("'beta'", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("GeneratorTests.Diagnostics.Unused.HyperGen.g.cs", Assert.Single(run.GeneratedSources).Key);
        Assert.Empty(run.OutputErrors);
    }

    public static TheoryData<string> ParameterCases => new()
    {
        "ref float w, float g, [Hyper(0.1)] float alpha, long [|count|]",
        "ref float w, float g, [Hyper(0.1)] float alpha, int [|count|]",
        "ref float w, float g, [Hyper(0.1)] float alpha, in float [|s|]",
        "ref float w, float g, [Hyper(0.1)] float alpha, float [|second|]",
        "ref float w, float g, [Hyper(0.1)] ref float [|alpha|]",
        "ref float w, float g, [Hyper(0.1)] float alpha, [StepIndex] float [|t|]",
        "ref float w, float g, [Hyper(0.1)] float alpha, [StepIndex] int t, [StepIndex] int [|u|]",
    };

    [Theory]
    [MemberData(nameof(ParameterCases))]
    public void HG0013_unsupported_parameter(string parameters)
    {
        string markup = $$"""
            public static partial class Parameters
            {
                [HyperOptimize]
                public static void Step({{parameters}})
                {
                    w -= alpha * g;
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0013"));
    }

    public static TheoryData<string> ReadOnlyCases => new()
    {
        "[|g|] = 2 * g;",
        "[|alpha|] *= 0.5f;",
        "[|t|]++;",
    };

    [Theory]
    [MemberData(nameof(ReadOnlyCases))]
    public void HG0014_assignment_to_an_input(string statement)
    {
        string markup = $$"""
            public static partial class Assigns
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha, [StepIndex] int t)
                {
                    {{statement}}
                    w -= alpha * g;
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0014"));
    }

    [Fact]
    public void HG0015_second_step_in_a_class()
    {
        const string markup = """
            public static partial class Twice
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;

                [HyperOptimize]
                public static void [|Other|](ref float w, float g, [Hyper(0.2)] float alpha) => w -= alpha * g;
            }
            """;
        GeneratorRun run = AssertSingleDiagnostic(markup, "HG0015");

        // The first step is generated; the second, erroneous one is not.
        string generated = Assert.Single(run.GeneratedSources).Value;
        Assert.Contains("new(\"alpha\", 0.1,", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("0.2", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_initializer_is_reported_once_not_again_where_the_local_is_read()
    {
        // The call is the one problem in this step. Reporting the later read of d as well ("the local 'd' before it
        // has a value") is a cascade: d does have a value as written, and the second message misleads.
        const string markup = """
            public static partial class Cascade
            {
                private static float Twice(float x) => 2 * x;

                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
                {
                    float d = [|Twice(g)|];
                    w -= alpha * d;
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0007"));
    }

    [Theory]
    [InlineData("[Hyper(0.1, [|Min = 0.5|], Max = 0.2)] float alpha")]
    [InlineData("[Hyper(0.1, Max = 0.2, [|Min = 0.5|])] float alpha")]
    public void HG0016_lower_bound_above_upper_bound(string hyper)
    {
        string markup = $$"""
            public static partial class Inverted
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, {{hyper}})
                {
                    w -= alpha * g;
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0016"));
    }

    [Theory]
    [InlineData("[Hyper(0.1, [|Min = 0.2|])] float alpha")]
    [InlineData("[Hyper(0.1, Min = 0, [|Max = 0.05f|])] float alpha")]
    [InlineData("[Hyper(0.9, Domain = HyperDomain.UnitInterval, [|Max = 0.8|])] float alpha")]
    public void HG0017_initial_value_outside_bounds(string hyper)
    {
        string markup = $$"""
            public static partial class OutsideBounds
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, {{hyper}})
                {
                    w -= alpha * g;
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0017"));
    }

    [Theory]
    [InlineData("public static int [|Definition|] => 1;")]
    [InlineData("public static void [|CreateTower|](string name) { }")]
    [InlineData("public sealed class [|SingleStep|] { }")]
    [InlineData("public static float [|DoubleStep|];")]
    public void HG0018_member_named_like_generated_code(string member)
    {
        string markup = $$"""
            public static partial class Reserved
            {
                {{member}}

                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            }
            """;
        AssertNoSource(AssertSingleDiagnostic(markup, "HG0018"));
    }

    [Fact]
    public void HG0018_local_named_with_a_keyword()
    {
        const string markup = """
            public static partial class KeywordLocal
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
                {
                    float [|@float = alpha * g|];
                    w -= @float;
                }
            }
            """;
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0018"));
    }

    [Fact]
    public void HG0013_parameter_named_with_a_keyword()
    {
        const string markup = """
            public static partial class KeywordParameter
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float [|@class|]) => w -= @class * g;
            }
            """;
        GeneratorRun run = AssertSingleDiagnostic(markup, "HG0013");
        AssertOnlyStandIns(run);
        Assert.Contains("C# keyword 'class'", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void HG0018_class_named_like_generated_code()
    {
        const string markup = """
            public static partial class [|HyperGenDefinition|]
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            }
            """;
        AssertNoSource(AssertSingleDiagnostic(markup, "HG0018"));
    }

    [Fact]
    public void Valid_bounds_are_carried_into_the_generated_definition()
    {
        const string source = """
            using HyperGen;

            namespace GeneratorTests.Bounds;

            public static partial class Bounded
            {
                [HyperOptimize(Depth = 2)]
                public static void Step(ref float w, float g, [Hyper(0.1, Min = 0, Max = 0.5f)] float alpha, [Hyper(0.9, Domain = HyperDomain.UnitInterval, Min = 0.5)] float mu)
                {
                    w -= alpha * mu * g;
                }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        using LoadedAssembly assembly = run.CompileAndLoad();
        OptimizerDefinition definition = assembly.Definition("GeneratorTests.Bounds.Bounded");

        Assert.Equal(new HyperBound(0, 0.5), definition.HyperParameters[0].Bound);
        Assert.Equal(0.5, definition.HyperParameters[1].Min);
        Assert.True(double.IsNaN(definition.HyperParameters[1].Max));
        Assert.Equal(new HyperBound(0, 0.5), definition.CreateDefaultSpec().Levels[0].Bounds[0]);
    }

    public static TheoryData<string> NeverUpdatedCases => new()
    {
        // Reads the weight only, through a local and the state.
        """
        public static partial class Forgetful
        {
            [HyperOptimize]
            public static void [|Step|](ref float w, float g, ref float m, [Hyper(0.1)] float alpha, [Hyper(0.9)] float mu)
            {
                float d = alpha * g + w;
                m = mu * m + d;
            }
        }
        """,
        // Multiplies it by one, which leaves every value as it is.
        """
        public static partial class Forgetful
        {
            [HyperOptimize]
            public static void [|Step|](ref float w, float g, [Hyper(0.1)] float alpha)
            {
                w *= 1f;
            }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(NeverUpdatedCases))]
    public void HG0019_step_that_never_updates_the_weight_is_one_error_without_follow_on_HG0012(string markup)
    {
        GeneratorRun run = AssertSingleDiagnostic(markup, "HG0019");
        AssertOnlyStandIns(run);
        Assert.Contains("never updates the weight 'w'", run.GeneratorDiagnostics[0].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void HG0020_squared_hyperparameter_starting_at_zero_is_reported_at_its_attribute()
    {
        const string markup = """
            public static partial class Stuck
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha, [[|Hyper(0.0, Domain = HyperDomain.Squared)|]] float decay)
                {
                    w -= alpha * (g + decay * w);
                }
            }
            """;
        GeneratorRun run = AssertSingleDiagnostic(markup, "HG0020");
        AssertOnlyStandIns(run);
        Assert.Contains("'decay' starts at 0 in the Squared domain", run.GeneratorDiagnostics[0].GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Hyper(0.0, Domain = HyperDomain.Squared, InactiveAtZero = true)] float decay")]
    [InlineData("[Hyper(0.01, Domain = HyperDomain.Squared)] float decay")]
    [InlineData("[Hyper(0.0)] float decay")]
    public void HG0020_is_not_reported_for_a_squared_hyperparameter_held_at_zero_on_purpose_or_starting_elsewhere(string hyper)
    {
        string source = $$"""
            using HyperGen;
            namespace GeneratorTests.NotStuck;
            public static partial class Free
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha, {{hyper}})
                {
                    w -= alpha * (g + decay * w);
                }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
    }

    public static TheoryData<string> MixedConversionCases => new()
    {
        // A double computation in a float step.
        """
        public static partial class MixedConversion
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                w -= [|(float)(alpha * g * 0.5)|];
            }
        }
        """,
        // A double function in a float step: the conversion of its result is reported, once.
        """
        public static partial class MixedConversion
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
            {
                float e = [|(float)Math.Exp(g)|];
                w -= alpha * e;
            }
        }
        """,
        // A float literal in a double step: (double)1e-4f is not 1e-4.
        """
        public static partial class MixedConversion
        {
            [HyperOptimize]
            public static void Step(ref double w, double g, [Hyper(0.1)] double alpha)
            {
                w -= alpha * (g + [|1e-4f|] * w);
            }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(MixedConversionCases))]
    public void HG0021_a_conversion_between_float_and_double_in_the_body(string markup)
    {
        AssertOnlyStandIns(AssertSingleDiagnostic(markup, "HG0021"));
    }
}
