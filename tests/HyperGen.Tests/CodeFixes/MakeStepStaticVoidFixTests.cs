using System.Threading.Tasks;
using HyperGen.CodeFixes;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HyperGen.Tests.CodeFixes;

/// <summary>HG0002's fix: the step becomes a non-generic <c>static void</c> method that the generator accepts.</summary>
public sealed class MakeStepStaticVoidFixTests
{
    private static string Source(string step) => $$"""
        using HyperGen;

        namespace CodeFixTests;

        public static partial class Sgd
        {
            [HyperOptimize]
        {{step}}
        }

        """;

    public static TheoryData<string, string> Cases => new()
    {
        {
            // Not static (an instance method in a static class: CS0708 too, which the fix removes as well).
            """
                public void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            """,
            """
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            """
        },
        {
            // Generic, with a type parameter nothing uses.
            """
                public static void Step<T>(ref float w, float g, [Hyper(0.1)] float alpha) where T : struct => w -= alpha * g;
            """,
            """
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            """
        },
        {
            // Returns the weight it has already updated through ref: the return goes.
            """
                public static float Step(ref float w, float g, [Hyper(0.1)] float alpha)
                {
                    w -= alpha * g;
                    return w;
                }
            """,
            """
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
                {
                    w -= alpha * g;
                }
            """
        },
        {
            // Returns an assignment: the assignment stays, as a statement.
            """
                public static float Step(ref float w, float g, [Hyper(0.1)] float alpha)
                {
                    float d = alpha * g;
                    return w -= d;
                }
            """,
            """
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
                {
                    float d = alpha * g;
                    w -= d;
                }
            """
        },
        {
            // An expression body that is an assignment is a valid void body.
            """
                public static float Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            """,
            """
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
            """
        },
        {
            // Everything at once.
            """
                internal float Step<T>(ref float w, float g, [Hyper(0.1)] float alpha)
                {
                    w -= alpha * g;
                    return w;
                }
            """,
            """
                internal static void Step(ref float w, float g, [Hyper(0.1)] float alpha)
                {
                    w -= alpha * g;
                }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_step_becomes_static_void_and_the_generator_accepts_it(string before, string after)
    {
        Document document = CodeFixHarness.Open(Source(before));

        Document fixedDocument = await CodeFixHarness.ApplyAsync(new MakeStepStaticVoidFix(), document, "HG0002");

        Assert.Equal(Source(after), await CodeFixHarness.FixedAsync(fixedDocument));
    }

    [Fact]
    public async Task The_fix_names_the_step_and_says_when_it_drops_type_parameters()
    {
        Document generic = CodeFixHarness.Open(Source("    public static void Step<T>(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;"));
        Document instance = CodeFixHarness.Open(Source("    public void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;"));

        var fix = new MakeStepStaticVoidFix();
        var genericAction = Assert.Single(await CodeFixHarness.ActionsAsync(fix, generic, Assert.Single(await CodeFixHarness.DiagnosticsAsync(generic))));
        var instanceAction = Assert.Single(await CodeFixHarness.ActionsAsync(fix, instance, Assert.Single(await CodeFixHarness.DiagnosticsAsync(instance))));

        Assert.Equal("Make 'Step' a non-generic static void method", genericAction.Title);
        Assert.Equal("Make 'Step' a static void method", instanceAction.Title);
    }

    [Fact]
    public async Task No_fix_is_offered_for_a_static_void_step_whose_type_parameter_is_used()
    {
        // Dropping T would break the body; which type it should be takes a person to decide.
        Document document = CodeFixHarness.Open(Source("    public static void Step<T>(ref float w, float g, [Hyper(0.1)] float alpha) where T : struct => w -= alpha * g * (default(T).Equals(default(T)) ? 1f : 0f);"));
        Diagnostic diagnostic = Assert.Single(await CodeFixHarness.DiagnosticsAsync(document), d => d.Id == "HG0002");

        Assert.Empty(await CodeFixHarness.ActionsAsync(new MakeStepStaticVoidFix(), document, diagnostic));
    }

    [Fact]
    public async Task Fix_all_fixes_every_step_in_the_document()
    {
        static string Two(string first, string second) => $$"""
            using HyperGen;

            namespace CodeFixTests;

            public static partial class First
            {
                [HyperOptimize]
                {{first}}
            }

            public static partial class Second
            {
                [HyperOptimize]
                {{second}}
            }

            """;
        Document document = CodeFixHarness.Open(Two(
            "public void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;",
            "public static float Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;"));

        Document fixedDocument = await CodeFixHarness.FixAllAsync(new MakeStepStaticVoidFix(), document, "HG0002", nameof(MakeStepStaticVoidFix));

        Assert.Equal(
            Two(
                "public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;",
                "public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;"),
            await CodeFixHarness.FixedAsync(fixedDocument));
    }
}
