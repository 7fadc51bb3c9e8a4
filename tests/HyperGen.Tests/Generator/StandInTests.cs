using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HyperGen.Tests.Generator;

/// <summary>
/// A step with an HG error must not also break every line that uses its optimizer: the class still gets the members
/// users call, as stand-ins that throw, so that the HG error is the only error the build shows.
/// </summary>
public sealed class StandInTests
{
    /// <summary>A step with one error (a loop, HG0005) and a program that uses its optimizer as a user would.</summary>
    private const string BrokenStep = """
        using HyperGen;

        namespace GeneratorTests.StandIns;

        public static partial class Looping
        {
            [HyperOptimize(Depth = 2)]
            public static void Step(ref float w, float g, [Hyper(0.01)] float alpha)
            {
                for (int i = 0; i < 2; i++)
                {
                    w -= alpha * g;
                }
            }
        }

        public static class Program
        {
            public static Tower<float> Create() => Looping.CreateTower<float>(4);

            public static OptimizerDefinition Definition() => Looping.Definition;

            public static Tower<double> FromDefinition() => new(Looping.Definition.CreateDefaultSpec(), 4);
        }
        """;

    [Fact]
    public void A_step_with_an_HG_error_adds_no_compiler_error_where_its_optimizer_is_used()
    {
        GeneratorRun run = GeneratorHarness.Run(BrokenStep);

        Assert.Equal("HG0005", Assert.Single(run.GeneratorDiagnostics).Id);

        // Without the stand-ins: CS0117 "'Looping' does not contain a definition for 'CreateTower'" (and 'Definition').
        Assert.Contains(run.Input.GetDiagnostics(), d => d.Id == "CS0117");
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id is "CS0117" or "CS1061");
    }

    [Theory]
    [InlineData("Create")]
    [InlineData("Definition")]
    [InlineData("FromDefinition")]
    public void The_stand_ins_throw_naming_the_optimizer_its_step_and_its_errors(string use)
    {
        GeneratorRun run = GeneratorHarness.Run(BrokenStep);
        using LoadedAssembly assembly = run.CompileAndLoad();
        MethodInfo method = assembly.GetType("GeneratorTests.StandIns.Program").GetMethod(use)!;

        var thrown = Assert.Throws<TargetInvocationException>(() => method.Invoke(null, null));

        var error = Assert.IsType<InvalidOperationException>(thrown.InnerException);
        Assert.Equal(
            "The optimizer 'GeneratorTests.StandIns.Looping' cannot be used: its [HyperOptimize] step 'Step' has errors (HG0005), "
            + "so HyperGen generated no code for it. Fix the HG errors the build reports on 'Step'.",
            error.Message);
    }

    [Fact]
    public void A_partial_class_that_is_not_static_keeps_its_instance_members_beside_the_stand_ins()
    {
        // HG0001: the class is not static. The stand-ins must not make it static, or its instance member would break.
        const string source = """
            using HyperGen;

            namespace GeneratorTests.StandIns;

            public partial class NotStatic
            {
                public int Count;

                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.01)] float alpha) => w -= alpha * g;
            }

            public static class Uses
            {
                public static int Count() => new NotStatic { Count = 3 }.Count;

                public static Tower<float> Create() => NotStatic.CreateTower<float>(4);
            }
            """;

        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Equal("HG0001", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Single(run.GeneratedSources);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void An_erroneous_first_step_and_a_second_step_give_the_class_one_set_of_stand_ins()
    {
        const string source = """
            using HyperGen;

            namespace GeneratorTests.StandIns;

            public static partial class Twice
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * (g % 2f);

                [HyperOptimize]
                public static void Other(ref float w, float g, [Hyper(0.2)] float alpha) => w -= alpha * g;
            }

            public static class Uses
            {
                public static Tower<float> Create() => Twice.CreateTower<float>(4);
            }
            """;

        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Equal(["HG0006", "HG0015"], run.GeneratorDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        string standIn = Assert.Single(run.GeneratedSources).Value;
        Assert.Contains("step 'Step' has errors (HG0006)", standIn, StringComparison.Ordinal);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void A_class_that_is_not_partial_gets_no_stand_ins_and_keeps_the_compiler_error()
    {
        // A generated part cannot join a class that is not partial: it would add an error of its own (CS0260).
        const string source = """
            using HyperGen;

            namespace GeneratorTests.StandIns;

            public static class NotPartial
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.01)] float alpha) => w -= alpha * g;
            }
            """;

        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Equal("HG0001", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.GeneratedSources);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void A_valid_step_generates_its_real_members_not_the_stand_ins()
    {
        GeneratorRun run = GeneratorHarness.Run(TestSources.Sgd);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain("InvalidOperationException", Assert.Single(run.GeneratedSources).Value, StringComparison.Ordinal);
    }
}
