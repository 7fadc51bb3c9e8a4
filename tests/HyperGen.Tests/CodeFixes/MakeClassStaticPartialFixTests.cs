using System.Threading.Tasks;
using HyperGen.CodeFixes;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HyperGen.Tests.CodeFixes;

/// <summary>HG0001's fix: the class becomes <c>static partial</c>, its accessibility and the rest of it as they were.</summary>
public sealed class MakeClassStaticPartialFixTests
{
    private const string Step = """
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
        }
        """;

    private static string Source(string declaration) => "using HyperGen;\n\nnamespace CodeFixTests;\n\n" + declaration + "\n" + Step + "\n";

    [Theory]
    [InlineData("public static class Sgd", "public static partial class Sgd")]
    [InlineData("public partial class Sgd", "public static partial class Sgd")]
    [InlineData("public class Sgd", "public static partial class Sgd")]
    [InlineData("internal sealed class Sgd", "internal static partial class Sgd")]
    [InlineData("public abstract class Sgd", "public static partial class Sgd")]
    [InlineData("class Sgd", "static partial class Sgd")]
    [InlineData("/// <summary>Plain SGD.</summary>\n[System.Obsolete(\"old\")]\npublic class Sgd", "/// <summary>Plain SGD.</summary>\n[System.Obsolete(\"old\")]\npublic static partial class Sgd")]
    public async Task The_class_becomes_static_partial_and_the_generator_accepts_it(string before, string after)
    {
        Document document = CodeFixHarness.Open(Source(before));

        Document fixedDocument = await CodeFixHarness.ApplyAsync(new MakeClassStaticPartialFix(), document, "HG0001");

        Assert.Equal(Source(after), await CodeFixHarness.FixedAsync(fixedDocument));
    }

    [Fact]
    public async Task The_fix_names_the_class()
    {
        Document document = CodeFixHarness.Open(Source("public class Sgd"));
        Diagnostic diagnostic = Assert.Single(await CodeFixHarness.DiagnosticsAsync(document));

        var action = Assert.Single(await CodeFixHarness.ActionsAsync(new MakeClassStaticPartialFix(), document, diagnostic));

        Assert.Equal("Make 'Sgd' a static partial class", action.Title);
    }

    [Theory]
    [InlineData("public static partial class Outer\n{\n    public static partial class Nested\n" + Step + "\n}")]
    [InlineData("public static partial class Generic<T>\n" + Step)]
    public async Task No_fix_is_offered_where_modifiers_would_not_be_enough(string declarations)
    {
        Document document = CodeFixHarness.Open("using HyperGen;\n\nnamespace CodeFixTests;\n\n" + declarations + "\n");
        Diagnostic diagnostic = Assert.Single(await CodeFixHarness.DiagnosticsAsync(document), d => d.Id == "HG0001");

        Assert.Empty(await CodeFixHarness.ActionsAsync(new MakeClassStaticPartialFix(), document, diagnostic));
    }

    [Fact]
    public async Task Fix_all_fixes_every_class_in_the_document()
    {
        string Two(string first, string second) =>
            "using HyperGen;\n\nnamespace CodeFixTests;\n\n" + first + "\n" + Step + "\n\n" + second + "\n" + Step + "\n";
        Document document = CodeFixHarness.Open(Two("public class First", "public static class Second"));

        Document fixedDocument = await CodeFixHarness.FixAllAsync(new MakeClassStaticPartialFix(), document, "HG0001", nameof(MakeClassStaticPartialFix));

        Assert.Equal(Two("public static partial class First", "public static partial class Second"), await CodeFixHarness.FixedAsync(fixedDocument));
    }
}
