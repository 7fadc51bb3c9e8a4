using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using HyperGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace HyperGen.Tests.Generator;

/// <summary>
/// The pipeline caches: an edit that does not change a step (a comment) leaves every tracked step Cached or
/// Unchanged; an edit to the step's body re-runs it and produces new code. The models hold no Roslyn objects
/// (symbols, syntax, compilations), which would both defeat caching and keep old compilations alive.
/// (After ComputeSharp's Test_ComputeShaderDescriptorGenerator_Incrementality.)
/// </summary>
public sealed class IncrementalityTests
{
    private static readonly string[] TrackedSteps = [TrackingNames.Results, TrackingNames.Diagnostics, TrackingNames.Models, TrackingNames.StandIns];

    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(string before, string after)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(before, TestSources.Sgd);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorDriverRunResult first = driver.GetRunResult();

        SyntaxTree old = compilation.SyntaxTrees.First();
        SyntaxTree edited = CSharpSyntaxTree.ParseText(after, GeneratorHarness.ParseOptions, old.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(old, edited));
        return (first, driver.GetRunResult());
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results.Single().TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> runs)
            ? runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToArray()
            : [];

    [Fact]
    public void A_comment_only_edit_leaves_every_step_cached()
    {
        // The comment goes above the class, so every position in the file moves.
        string edited = TestSources.Adam.Replace(
            "public static partial class AdamCopy",
            "// A comment that moves everything below it.\n/* and another */\npublic static partial class AdamCopy",
            StringComparison.Ordinal);
        Assert.NotEqual(TestSources.Adam, edited);

        (GeneratorDriverRunResult first, GeneratorDriverRunResult second) = RunTwice(TestSources.Adam, edited);

        Assert.Equal(2, first.GeneratedTrees.Length);
        Assert.Equal(
            [IncrementalStepRunReason.New, IncrementalStepRunReason.New],
            Reasons(first, TrackingNames.Results));

        // The edited file's step re-runs and finds the same model (Unchanged); the other file's is Cached.
        IncrementalStepRunReason[] results = Reasons(second, TrackingNames.Results);
        Assert.Equal(2, results.Length);
        Assert.All(results, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Results: {r}"));
        Assert.Contains(IncrementalStepRunReason.Unchanged, results);

        IncrementalStepRunReason[] models = Reasons(second, TrackingNames.Models);
        Assert.Equal(2, models.Length);
        Assert.All(models, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Models: {r}"));
        Assert.All(Reasons(second, TrackingNames.Diagnostics), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Diagnostics: {r}"));

        // Nothing was emitted again.
        ImmutableArray<(object Value, IncrementalStepRunReason Reason)> outputs =
            second.Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs).ToImmutableArray();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void A_comment_only_edit_of_a_step_with_an_error_leaves_its_stand_ins_cached()
    {
        const string broken = """
            using HyperGen;
            namespace GeneratorTests.Defs;
            public static partial class Broken
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * (g % 2f);
            }
            """;
        string edited = "// A comment that moves everything below it.\n" + broken;

        (GeneratorDriverRunResult first, GeneratorDriverRunResult second) = RunTwice(broken, edited);

        Assert.Equal([IncrementalStepRunReason.New], Reasons(first, TrackingNames.StandIns));

        // The error moved with the comment, so the result is new; the stand-in it carries is not.
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.Results));
        Assert.Equal([IncrementalStepRunReason.Unchanged], Reasons(second, TrackingNames.StandIns));
    }

    [Fact]
    public void A_body_edit_reruns_the_step_and_produces_new_code()
    {
        string edited = TestSources.Adam.Replace("(MathF.Sqrt(vHat) + 1e-8f)", "(MathF.Sqrt(vHat) + 1e-6f)", StringComparison.Ordinal);
        Assert.NotEqual(TestSources.Adam, edited);

        (GeneratorDriverRunResult first, GeneratorDriverRunResult second) = RunTwice(TestSources.Adam, edited);

        IncrementalStepRunReason[] results = Reasons(second, TrackingNames.Results);
        // The edited step is Modified; the other file's step is re-run against the new compilation and found Unchanged.
        Assert.Equal(
            new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Unchanged }.Order(),
            results.Order());
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.Models));

        string Adam(GeneratorDriverRunResult r) =>
            r.GeneratedTrees.Single(t => t.FilePath.EndsWith("AdamCopy.HyperGen.g.cs", StringComparison.Ordinal)).GetText().ToString();
        Assert.Contains("1E-08f + ", Adam(first), StringComparison.Ordinal);
        Assert.DoesNotContain("1E-06f", Adam(first), StringComparison.Ordinal);
        Assert.Contains("1E-06f + ", Adam(second), StringComparison.Ordinal);
        Assert.DoesNotContain("1E-08f + ", Adam(second), StringComparison.Ordinal);
    }

    [Fact]
    public void Step_outputs_hold_no_symbols_syntax_or_compilations()
    {
        // Include a step with a diagnostic, so a model carrying a location is inspected too.
        const string warning = """
            using HyperGen;
            namespace GeneratorTests.Defs;
            public static partial class WithWarning
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha, [Hyper(0.2)] float unused) => w -= alpha * g;
            }
            """;
        // And a step with an error, so a stand-in is inspected.
        const string error = """
            using HyperGen;
            namespace GeneratorTests.Defs;
            public static partial class WithError
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * (g % 2f);
            }
            """;
        GeneratorDriver driver = GeneratorHarness.CreateDriver()
            .RunGenerators(GeneratorHarness.CreateCompilation(TestSources.Adam, TestSources.Fancy, warning, error));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        int inspected = 0;
        foreach (string step in TrackedSteps)
        {
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                foreach ((object value, _) in run.Outputs)
                {
                    AssertHoldsNoRoslynObjects(value, $"{step} output");
                    inspected++;
                }
            }
        }

        // Results: 4 steps; Diagnostics: 1 warning and 1 error; Models: 3; StandIns: 1.
        Assert.Equal(10, inspected);
    }

    private static readonly Type[] Forbidden =
    [
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel),
        typeof(IOperation), typeof(AttributeData), typeof(Location),
    ];

    /// <summary>Walks every field reachable from <paramref name="root"/> and fails on any Roslyn object.</summary>
    private static void AssertHoldsNoRoslynObjects(object root, string what)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object Value, string Path)>();
        pending.Push((root, what));
        int objects = 0;
        while (pending.Count > 0)
        {
            (object value, string path) = pending.Pop();
            Type type = value.GetType();
            Assert.False(Forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} holds a {type.FullName}");
            if (type.IsPrimitive || type.IsEnum || value is string || (!type.IsValueType && !seen.Add(value)))
            {
                continue;
            }

            objects++;
            if (value is Array array)
            {
                int i = 0;
                foreach (object? item in array)
                {
                    if (item is not null)
                    {
                        pending.Push((item, $"{path}[{i}]"));
                    }

                    i++;
                }

                continue;
            }

            for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Assert.False(
                        Forbidden.Any(f => f.IsAssignableFrom(field.FieldType) || field.FieldType.IsAssignableFrom(f) && field.FieldType != typeof(object)),
                        $"{path}.{field.Name} is declared as {field.FieldType.FullName}");
                    if (field.GetValue(value) is { } child)
                    {
                        pending.Push((child, $"{path}.{field.Name}"));
                    }
                }
            }
        }

        Assert.True(objects > 1, $"{what}: nothing was inspected");
    }
}
