using System;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>
/// <c>check</c> and <c>--definitions</c> compile a file as a <c>dotnet new console</c> project would: with the SDK's
/// implicit usings, and each file on its own unless it uses what another declares.
/// </summary>
public sealed class CheckCompilationTests : IDisposable
{
    /// <summary>MathF with no <c>using System;</c>, which a project's implicit usings make legal.</summary>
    private const string WithoutUsingSystem = """
        using HyperGen;

        namespace Mine;

        public static partial class RootSgd
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.01)] float alpha)
            {
                w -= alpha * g / MathF.Sqrt(1 + g * g);
            }
        }
        """;

    /// <summary>An optimizer in namespace Mine, with a helper class named as in <see cref="SecondOpt"/>.</summary>
    private const string FirstOpt = """
        using HyperGen;

        namespace Mine;

        public static partial class Opt
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.01)] float alpha)
            {
                w -= alpha * g;
            }
        }

        internal static class Helpers
        {
            public const float Eps = 1e-8f;
        }
        """;

    /// <summary>An unrelated optimizer of the same class name and namespace, and a helper of the same name.</summary>
    private const string SecondOpt = """
        using HyperGen;

        namespace Mine;

        public static partial class Opt
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, ref float s, [Hyper(0.02)] float alpha, [Hyper(0.9, Domain = HyperDomain.UnitInterval)] float rho)
            {
                s = rho * s + (1 - rho) * g * g;
                w -= alpha * g / MathF.Sqrt(s + 1e-8f);
            }
        }

        internal static class Helpers
        {
            public const float Eps = 1e-7f;
        }
        """;

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void MathF_needs_no_using_System_as_in_a_project_with_implicit_usings()
    {
        string path = _files.Write("root.cs", WithoutUsingSystem);

        CliResult result = CliResult.Run("check", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Matches(@"^RootSgd\s+alpha\s+max rel err .*ok$", result.OutputLines[0]);
        Assert.Equal("1 derivatives checked, all within 1e-6", result.OutputLines[^1]);
    }

    [Fact]
    public void A_name_that_does_not_bind_is_the_compilers_error_alone_without_a_follow_on_HG0006()
    {
        string path = _files.Write("typo.cs", WithoutUsingSystem.Replace("MathF.Sqrt", "MathG.Sqrt", StringComparison.Ordinal));

        CliResult result = CliResult.Run("check", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"{path}(10,26): error CS0103: The name 'MathG' does not exist in the current context",
            Assert.Single(result.OutputLines));
    }

    [Fact]
    public void Generator_errors_away_from_compiler_errors_are_still_reported()
    {
        // The loop is an HG0005 of its own; the unbound name two lines below it is the compiler's.
        string path = _files.Write("both.cs", DefinitionFiles.WithLoop.Replace("w -= alpha * g;", "w -= alpha * g * Nowhere;", StringComparison.Ordinal));

        CliResult result = CliResult.Run("check", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.OutputLines, l => l.StartsWith($"{path}({DefinitionFiles.LoopLine},", StringComparison.Ordinal) && l.Contains(": error HG", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.Contains("error CS0103: The name 'Nowhere'", StringComparison.Ordinal));
    }

    [Fact]
    public void Unrelated_files_compile_apart_so_a_shared_class_name_is_no_conflict()
    {
        string first = _files.Write("first.cs", FirstOpt);
        string second = _files.Write("second.cs", SecondOpt);

        CliResult result = CliResult.Run("check", first, second);

        // Compiled as one, the two partial classes Opt merge (HG0015, CS0111) and Helpers is declared twice (CS0101).
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(result.OutputLines, l => l.Contains("error", StringComparison.Ordinal));
        Assert.Equal(3, result.OutputLines.Count(l => l.StartsWith("Opt ", StringComparison.Ordinal)));
        Assert.Equal("3 derivatives checked, all within 1e-6", result.OutputLines[^1]);
    }

    [Fact]
    public void A_file_that_uses_what_another_declares_compiles_with_it()
    {
        string constants = _files.Write("consts.cs", """
            namespace Mine;

            internal static class Consts
            {
                public const float Decay = 0.9f;
            }
            """);
        string step = _files.Write("step.cs", """
            using HyperGen;

            namespace Mine;

            public static partial class UsesConst
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, ref float s, [Hyper(0.01)] float alpha)
                {
                    s = Consts.Decay * s + (1 - Consts.Decay) * g * g;
                    w -= alpha * g / MathF.Sqrt(s + 1e-8f);
                }
            }
            """);

        CliResult together = CliResult.Run("check", step, constants);
        CliResult alone = CliResult.Run("check", step);

        Assert.Equal(0, together.ExitCode);
        Assert.Equal("1 derivatives checked, all within 1e-6", together.OutputLines[^1]);
        Assert.Equal(1, alone.ExitCode);
        Assert.All(alone.OutputLines, l => Assert.Contains("error CS0103: The name 'Consts'", l, StringComparison.Ordinal));
    }

    [Fact]
    public void A_using_of_a_namespace_only_source_declares_joins_one_file_of_it_not_all()
    {
        // The two unrelated Opt files both declare Mine; the third needs one of them for its using, not both.
        string first = _files.Write("first.cs", FirstOpt);
        string second = _files.Write("second.cs", SecondOpt);
        string third = _files.Write("third.cs", """
            using HyperGen;
            using Mine;

            namespace Elsewhere;

            public static partial class Plain
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.01)] float alpha)
                {
                    w -= alpha * g;
                }
            }
            """);

        CliResult result = CliResult.Run("check", first, second, third);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(result.OutputLines, l => l.Contains("error", StringComparison.Ordinal));
        Assert.Equal("4 derivatives checked, all within 1e-6", result.OutputLines[^1]);
    }

    [Fact]
    public void A_global_using_in_one_file_applies_to_every_file_as_in_a_project()
    {
        string usings = _files.Write("usings.cs", "global using static System.MathF;\n");
        string step = _files.Write("step.cs", """
            using HyperGen;

            public static partial class BareSqrt
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, [Hyper(0.01)] float alpha)
                {
                    w -= alpha * g / Sqrt(1 + g * g);
                }
            }
            """);

        CliResult result = CliResult.Run("check", usings, step);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("1 derivatives checked, all within 1e-6", result.OutputLines[^1]);
    }

    [Fact]
    public void Definitions_compile_by_the_same_rules_for_trace()
    {
        string root = _files.Write("root.cs", WithoutUsingSystem);
        string first = _files.Write("first.cs", FirstOpt);
        string problem = _files.Write("p.json", """{"a":[1,2],"b":[0.5,-1],"w0":[0,0],"steps":2}""");

        CliResult result = CliResult.Run("trace", "--tower", "rootsgd/opt", "--problem", problem, "--definitions", root, first);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(2, json.RootElement.GetProperty("trace").GetArrayLength());
    }

    [Fact]
    public void Two_optimizers_of_one_name_in_definitions_are_bad_input_naming_both_files()
    {
        string first = _files.Write("first.cs", FirstOpt);
        string second = _files.Write("second.cs", SecondOpt);
        string problem = _files.Write("p.json", """{"a":[1],"b":[0.5],"w0":[0],"steps":2}""");

        CliResult result = CliResult.Run("trace", "--tower", "opt", "--problem", problem, "--definitions", first, second);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(
            $"hypergen: error: --definitions: two optimizers have one name, 'Opt' in {first} and in {second}; rename one",
            Assert.Single(result.ErrorLines));
    }
}
