using System.Linq;
using System.Threading.Tasks;
using HyperGen.CodeFixes;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HyperGen.Tests.CodeFixes;

/// <summary>HG0011's fix: a parameter of the other precision gets the step's, which the diagnostic carries.</summary>
public sealed class ChangeParameterPrecisionFixTests
{
    private static string Source(string parameters, string body = "w -= alpha * g;") => $$"""
        using HyperGen;

        namespace CodeFixTests;

        public static partial class Mixed
        {
            [HyperOptimize]
            public static void Step({{parameters}})
            {
                {{body}}
            }
        }

        """;

    [Theory]
    [InlineData("ref float w, double g, [Hyper(0.1)] float alpha", "ref float w, float g, [Hyper(0.1)] float alpha")]
    [InlineData("ref float w, float g, [Hyper(0.1)] double alpha", "ref float w, float g, [Hyper(0.1)] float alpha")]
    [InlineData("ref float w, float g, [Hyper(0.1)] System.Double alpha", "ref float w, float g, [Hyper(0.1)] float alpha")]
    [InlineData("ref double w, float g, [Hyper(0.1)] double alpha", "ref double w, double g, [Hyper(0.1)] double alpha")]
    [InlineData("ref float w, float g, ref double s, [Hyper(0.1)] float alpha", "ref float w, float g, ref float s, [Hyper(0.1)] float alpha")]
    public async Task The_parameter_gets_the_step_precision_and_the_generator_accepts_it(string before, string after)
    {
        Document document = CodeFixHarness.Open(Source(before));

        Document fixedDocument = await CodeFixHarness.ApplyAsync(new ChangeParameterPrecisionFix(), document, "HG0011");

        Assert.Equal(Source(after), await CodeFixHarness.FixedAsync(fixedDocument));
    }

    [Theory]
    [InlineData("ref float w, double g, [Hyper(0.1)] float alpha", "float", "Change 'g' to float")]
    [InlineData("ref double w, double g, [Hyper(0.1)] float alpha", "double", "Change 'alpha' to double")]
    public async Task The_diagnostic_carries_the_step_precision_and_the_fix_names_it(string parameters, string precision, string title)
    {
        Document document = CodeFixHarness.Open(Source(parameters));
        Diagnostic diagnostic = Assert.Single(await CodeFixHarness.DiagnosticsAsync(document));

        Assert.Equal(precision, diagnostic.Properties["HyperGen.StepPrecision"]);
        Assert.Equal(title, Assert.Single(await CodeFixHarness.ActionsAsync(new ChangeParameterPrecisionFix(), document, diagnostic)).Title);
    }

    [Fact]
    public async Task Fix_all_gives_every_mixed_parameter_of_the_step_its_precision()
    {
        Document document = CodeFixHarness.Open(Source("ref float w, double g, ref double s, [Hyper(0.1)] double alpha", "s = s + g; w -= alpha * s;"));
        Assert.Equal(3, (await CodeFixHarness.DiagnosticsAsync(document)).Count(d => d.Id == "HG0011"));

        Document fixedDocument = await CodeFixHarness.FixAllAsync(
            new ChangeParameterPrecisionFix(), document, "HG0011", nameof(ChangeParameterPrecisionFix) + ".float");

        Assert.Equal(
            Source("ref float w, float g, ref float s, [Hyper(0.1)] float alpha", "s = s + g; w -= alpha * s;"),
            await CodeFixHarness.FixedAsync(fixedDocument));
    }

    [Fact]
    public async Task Fix_all_to_float_leaves_a_double_step_alone()
    {
        // Each step's parameters follow their own weight: one key per precision keeps Fix All from mixing them.
        const string source = """
            using HyperGen;

            namespace CodeFixTests;

            public static partial class Single
            {
                [HyperOptimize]
                public static void Step(ref float w, double g, [Hyper(0.1)] float alpha) => w -= alpha * (float)g;
            }

            public static partial class Double
            {
                [HyperOptimize]
                public static void Step(ref double w, float g, [Hyper(0.1)] double alpha) => w -= alpha * g;
            }

            """;
        Document document = CodeFixHarness.Open(source);

        Document fixedDocument = await CodeFixHarness.FixAllAsync(
            new ChangeParameterPrecisionFix(), document, "HG0011", nameof(ChangeParameterPrecisionFix) + ".float");

        string text = (await fixedDocument.GetTextAsync()).ToString();
        Assert.Equal(source.Replace("ref float w, double g", "ref float w, float g", System.StringComparison.Ordinal), text);
        Diagnostic remaining = Assert.Single(await CodeFixHarness.DiagnosticsAsync(fixedDocument));
        Assert.Equal("HG0011", remaining.Id);
        Assert.Equal("double", remaining.Properties["HyperGen.StepPrecision"]);
    }
}
