using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using CsCheck;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace HyperGen.Tests.Generator;

/// <summary>
/// Feeds the generator random and malformed optimizer steps: odd classes and signatures, attributes with bad
/// arguments, bodies mixing supported arithmetic with loops, calls, lambdas, strings, casts, assignments to inputs
/// and syntax errors. Whatever comes in, the generator must not throw (nor report HG9999, its internal-error
/// guard), the code it emits must compile, and every step it declines must carry an HG error.
/// </summary>
/// <remarks>
/// The default run takes well under a minute. Set HYPERGEN_FUZZ_ITERATIONS to the number of steps to try for a longer
/// run. A failure prints CsCheck's seed; set CsCheck_Seed to it to replay that run.
/// </remarks>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int StepsPerCompilation = 25;
    private const int DefaultSteps = 500;

    /// <summary>One parameter of a random step: its text, its name, and whether the body may read it as a float.</summary>
    public sealed record Parameter(string Text, string Name, bool IsFloatValue);

    /// <summary>One random optimizer class: its declaration, the step's attribute, signature and body lines.</summary>
    public sealed record Step(string ClassHeader, string Attribute, string Signature, string[] Body, bool HasHyperOptimize)
    {
        public string Source(string ns, string className) => $$"""
            using System;
            using HyperGen;

            namespace {{ns}};

            {{ClassHeader.Replace("NAME", className, StringComparison.Ordinal)}}
            {
                private static float Helper(float x) => 2 * x;

                {{Attribute}}
                {{Signature}}
                {
            {{string.Join("\n", Body.Select(line => "        " + line))}}
                }
            }
            """ + (ClassHeader.Contains("Outer", StringComparison.Ordinal) ? "\n}" : ""); // closes the outer class
    }

    private static readonly Gen<string> ClassHeader = Gen.Frequency(
        (20, Gen.Const("public static partial class NAME")),
        (1, Gen.Const("public static class NAME")),
        (1, Gen.Const("public partial class NAME")),
        (1, Gen.Const("internal static partial class NAME<T>")),
        (1, Gen.Const("file static partial class NAME")),
        (1, Gen.Const("static unsafe partial class NAME")),
        (1, Gen.Const("[Obsolete] internal static partial class NAME")),
        (1, Gen.Const("public sealed partial record NAME")),
        (1, Gen.Const("public static partial class NAME : object")),
        (1, Gen.Const("public static partial class Outer_NAME { public static partial class NAME")));

    private static readonly Gen<string> Attribute = Gen.Frequency(
        (12, Gen.Const("[HyperOptimize]")),
        (3, Gen.Int[-2, 70].Select(d => $"[HyperOptimize(Depth = {d})]")),
        (1, Gen.Const("[HyperOptimize(Depth = 2, Above = typeof(string))]")),
        (1, Gen.Const("[HyperOptimize(Depth = 3, Above = typeof(Helper))]")),
        (1, Gen.Const("[HyperOptimize(Depth = int.MaxValue)]")),
        (1, Gen.Const("[HyperOptimize(Depth = 2), Obsolete]")),
        (1, Gen.Const("[Obsolete]")));

    private static readonly Gen<Parameter> HyperParameter = Gen.Frequency(
        (6, Gen.Const("[Hyper(0.1)]")),
        (2, Gen.Const("[Hyper(0.01f)]")),
        (2, Gen.Const("[Hyper(0.9, Domain = HyperDomain.UnitInterval)]")),
        (1, Gen.Const("[Hyper(0.04, Domain = HyperDomain.Squared)]")),
        (1, Gen.Const("[Hyper(2, Domain = HyperDomain.UnitInterval)]")),
        (1, Gen.Const("[Hyper(-1, Domain = HyperDomain.Squared)]")),
        (1, Gen.Const("[Hyper(0.5, Domain = (HyperDomain)7)]")),
        (1, Gen.Const("[Hyper(double.NaN)]")),
        (1, Gen.Const("[Hyper(double.PositiveInfinity)]")),
        (1, Gen.Const("[Hyper(1e300)]")),
        (1, Gen.Const("[Hyper(0.1, Min = 0, Max = 1)]")),
        (1, Gen.Const("[Hyper(0.1, Min = 1)]")),
        (1, Gen.Const("[Hyper(0.1, Min = 1, Max = 0)]")),
        (1, Gen.Const("[Hyper(0.1, Max = double.NaN)]")),
        (1, Gen.Const("[Hyper(0, InactiveAtZero = true)]")),
        (1, Gen.Const("[Hyper]")),
        (1, Gen.Const("[Hyper(\"fast\")]")))
        .SelectMany(attribute => Gen.Frequency(
            (8, Gen.Const("float")),
            (1, Gen.Const("double")),
            (1, Gen.Const("ref float")),
            (1, Gen.Const("int")))
            .SelectMany(type => Gen.Int[0, 9].Select(i => new Parameter($"{attribute} {type} h{i}", $"h{i}", type == "float"))));

    private static readonly Gen<Parameter> OtherParameter = Gen.Frequency(
        (4, Gen.Int[0, 3].Select(i => new Parameter($"ref float s{i}", $"s{i}", true))),
        (2, Gen.Int[0, 3].Select(i => new Parameter($"[State(Init = 1e-8f)] ref float m{i}", $"m{i}", true))),
        (1, Gen.Const(new Parameter("[State(Init = double.NaN)] ref float nan", "nan", true))),
        (2, Gen.Const(new Parameter("[StepIndex] int t", "t", false))),
        (1, Gen.Const(new Parameter("[StepIndex] float tf", "tf", true))),
        (1, Gen.Const(new Parameter("int n", "n", false))),
        (1, Gen.Const(new Parameter("float g2", "g2", true))),
        (1, Gen.Const(new Parameter("out float o", "o", false))),
        (1, Gen.Const(new Parameter("in float q", "q", true))),
        (1, Gen.Const(new Parameter("double d", "d", false))),
        (1, Gen.Const(new Parameter("string text", "text", false))),
        (1, Gen.Const(new Parameter("float[] values", "values", false))),
        (1, Gen.Const(new Parameter("params float[] rest", "rest", false))),
        (1, Gen.Const(new Parameter("ref double wd", "wd", false))),
        (1, HyperParameter),
        (6, HyperParameter));

    private static readonly Gen<Parameter[]> Parameters = Gen.Frequency(
            (10, Gen.Const(new[] { new Parameter("ref float w", "w", true), new Parameter("float g", "g", true) })),
            (1, Gen.Const(new[] { new Parameter("ref double w", "w", false), new Parameter("double g", "g", false) })),
            (1, Gen.Const(new[] { new Parameter("float g", "g", true) })),
            (1, Gen.Const(new[] { new Parameter("ref float w", "w", true) })),
            (1, Gen.Const(Array.Empty<Parameter>())))
        .SelectMany(head => OtherParameter.Array[0, 5].Select(tail =>
            head.Concat(tail).GroupBy(p => p.Name).Select(g => g.First()).ToArray()));

    private static readonly Gen<string> MethodHead = Gen.Frequency(
        (20, Gen.Const("public static void Step")),
        (1, Gen.Const("public void Step")),
        (1, Gen.Const("public static float Step")),
        (1, Gen.Const("public static void Step<T>")),
        (1, Gen.Const("private static unsafe void Step")));

    private static Gen<string> Expression(string[] names, int depth)
    {
        Gen<string> constant = Gen.Frequency(
            (6, Gen.Int[0, 400].Select(c => (c / 100f).ToString("R", CultureInfo.InvariantCulture) + "f")),
            (1, Gen.OneOfConst("1e-8f", "0f", "1e38f", "float.Epsilon", "float.NaN", "float.PositiveInfinity", "3", "2.5", "1e40f", "(1f / 0f)")));
        Gen<string> leaf = names.Length == 0 ? constant : Gen.Frequency((3, Gen.OneOfConst(names)), (1, constant));
        Gen<string> current = leaf;
        for (int d = 1; d <= depth; d++)
        {
            Gen<string> x = current;
            current = Gen.Frequency(
                (4, leaf),
                (3, Gen.Select(x, x, Gen.OneOfConst("+", "-", "*", "/"), (l, r, op) => $"({l} {op} {r})")),
                (1, x.Select(e => $"(-{e})")),
                (2, Gen.Select(x, Gen.OneOfConst("Sqrt", "Exp", "Log", "Tanh", "Abs", "Sin", "Cos", "Cbrt", "Atan", "Log2", "Sinh"), (e, f) => $"MathF.{f}({e})")),
                (1, Gen.Select(x, x, Gen.OneOfConst("Pow", "Max", "Min"), (l, r, f) => $"MathF.{f}({l}, {r})")),
                (1, Gen.Select(x, x, x, x, Gen.OneOfConst("<", ">", "<=", ">=", "==", "!="), (l, r, t, f, op) => $"({l} {op} {r} ? {t} : {f})")),
                (1, Gen.Select(x, Gen.OneOfConst(
                    "MathF.Round({0})", "MathF.Floor({0})", "MathF.Sign({0})", "MathF.Atan2({0}, 1f)", "MathF.Log({0}, 2f)",
                    "Math.Sqrt({0})", "(float)Math.Sqrt({0})", "Helper({0})", "Unknown({0})", "(int){0}", "({0} % 2f)",
                    "checked({0})", "(float)(object){0}", "({0} is > 0 ? 1f : 0f)", "({0} > 0 && {0} < 1 ? 1f : 0f)",
                    "MathF.FusedMultiplyAdd({0}, {0}, {0})", "MathF.Sqrt()", "MathF.Sqrt({0}, {0})", "((Func<float, float>)(v => v * 2))({0})",
                    "({0} switch {{ > 0 => 1f, _ => 0f }})", "default", "nameof({0}).Length", "\"x\".Length", "(10 / 3)", "(5 % 3)",
                    "{0}++", "(({0}))", "sizeof(float)", "new float[] {{ {0} }}[0]"), (e, form) => string.Format(CultureInfo.InvariantCulture, form, e))));
        }

        return current;
    }

    private static Gen<string> Statement(string[] names, string[] targets)
    {
        Gen<string> e = Expression(names, 3);
        Gen<string> target = targets.Length == 0 ? Gen.Const("w") : Gen.OneOfConst(targets);
        return Gen.Frequency(
            (12, Gen.Select(target, Gen.OneOfConst("=", "-=", "+=", "*=", "/="), e, (t, op, x) => $"{t} {op} {x};")),
            (4, Gen.Select(Gen.Int[0, 5], e, (k, x) => $"float l{k} = {x};")),
            (1, Gen.OneOfConst(
                "for (int i = 0; i < 3; i++) { w -= g; }",
                "while (w > 0) w -= g;",
                "if (g > 0) w -= g;",
                "if (g > 0) { w -= g; } else { w += g; }",
                "return;",
                "Console.WriteLine(w);",
                "var f = (float x) => x * 2; w -= f(g);",
                "float F(float x) => x; w -= F(g);",
                "string label = \"abc\"; w -= label.Length;",
                "g = 0f;",
                "t = 2;",
                "w -= ;",
                "w -= g",
                "w = w = g;",
                "w--;",
                "++w;",
                "(w, g) = (g, w);",
                "ref float r = ref w; r -= g;",
                "float unset; w -= unset;",
                "float early = late; float late = 1f;",
                "throw new InvalidOperationException();",
                "try { w -= g; } catch { }",
                "goto end; end: w -= g;",
                "{ w -= g; }",
                ";",
                "lock (typeof(int)) { w -= g; }",
                "unsafe { fixed (float* p = &w) { *p -= g; } }",
                "w -= values[0];",
                "o = g;",
                "w -= 1e40f;",
                "const float c = 2f; w -= c * g;",
                "var inferred = g; w -= inferred;",
                "w = (float)(double)g;",
                "w -= t * g;",
                "w -= MathF.Pow(g, t);",
                "#error broken",
                "/* comment */ w -= g; // trailing")));
    }

    /// <summary>Arithmetic the generator supports: what a valid step is made of.</summary>
    private static Gen<string> SupportedExpression(string[] names, int depth)
    {
        Gen<string> constant = Gen.Int[1, 300].Select(c => (c / 100f).ToString("R", CultureInfo.InvariantCulture) + "f");
        Gen<string> leaf = Gen.Frequency((3, Gen.OneOfConst(names)), (1, constant));
        Gen<string> current = leaf;
        for (int d = 1; d <= depth; d++)
        {
            Gen<string> x = current;
            current = Gen.Frequency(
                (3, leaf),
                (4, Gen.Select(x, x, Gen.OneOfConst("+", "-", "*", "/"), (l, r, op) => $"({l} {op} {r})")),
                (1, x.Select(e => $"(-{e})")),
                (2, Gen.Select(x, Gen.OneOfConst("Sqrt", "Exp", "Log", "Tanh", "Abs"), (e, f) => $"MathF.{f}({e})")),
                (1, Gen.Select(x, x, Gen.OneOfConst("Pow", "Max", "Min"), (l, r, f) => $"MathF.{f}({l}, {r})")),
                (1, Gen.Select(x, x, x, x, Gen.OneOfConst("<", ">", "<=", ">="), (l, r, t, f, op) => $"({l} {op} {r} ? {t} : {f})")));
        }

        return current;
    }

    /// <summary>A step the generator should accept: the usual roles, declared before use, arithmetic only.</summary>
    /// <summary>
    /// Names for the i-th hyperparameter and state. Some are chosen to collide with names the generator derives: a
    /// Real <c>h0Raw</c> beside a UnitInterval <c>h0</c>, <c>H0</c> beside <c>h0</c> (the same once capitalised in
    /// <c>dW_dH0</c>), a state called like a partial, and keywords written with @ (which must be rejected).
    /// </summary>
    private static Gen<string> HyperName(int i) => i == 0
        ? Gen.Const("h0")
        : Gen.Frequency((6, Gen.OneOfConst($"h{i}", $"h{i - 1}Raw", $"H{i - 1}")), (1, Gen.Const(i == 1 ? "@class" : "@float")));

    private static Gen<string> StateName(int i) => Gen.Frequency(
        (10, Gen.OneOfConst($"s{i}", $"s{i}", $"dW_dH{i}", $"dW_dH{i}Raw", $"wBuffer{i}")),
        (1, Gen.Const(i == 0 ? "@lock" : "@goto")));

    private static Gen<string[]> Names(int count, Func<int, Gen<string>> name) =>
        Enumerable.Range(0, count).Aggregate(
            Gen.Const(Array.Empty<string>()),
            (sofar, i) => sofar.SelectMany(done => name(i).Select(next => (string[])[.. done, next])));

    private static readonly Gen<Step> ValidStep =
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 3], Gen.Bool, Gen.Int[0, 3])
        .SelectMany((stateCount, hyperCount, stepIndex, localCount) =>
            Gen.Select(Names(stateCount, StateName), Names(hyperCount, HyperName), (states, hypers) => (states, hypers, stepIndex, localCount)))
        .SelectMany(shape =>
        {
            (string[] stateNames, string[] hyperNames, bool stepIndex, int localCount) = shape;
            // h0 is Real or UnitInterval (its raw name is then h0Raw, like the Real h0Raw some steps declare).
            string[] domains = ["", ", Min = 0, Max = 1", ", Domain = HyperDomain.Squared"];
            string Domain(int i) => i == 0 ? (localCount % 2 == 0 ? "" : ", Domain = HyperDomain.UnitInterval") : domains[i % domains.Length];
            var parameters = new List<string> { "ref float w", "float g" };
            parameters.AddRange(stateNames.Select(name => $"ref float {name}"));
            parameters.AddRange(hyperNames.Select((name, i) => $"[Hyper(0.{i + 2}{Domain(i)})] float {name}"));
            if (stepIndex)
            {
                parameters.Add("[StepIndex] int t");
            }

            string[] inputs = ["w", "g", .. stateNames, .. hyperNames];
            var lines = new List<Gen<string>>();
            for (int i = 0; i < localCount; i++)
            {
                string[] visible = [.. inputs, .. Enumerable.Range(0, i).Select(k => $"l{k}")];
                int local = i;
                lines.Add(SupportedExpression(visible, 2).Select(e => $"float l{local} = {e};"));
            }

            string[] all = [.. inputs, .. Enumerable.Range(0, localCount).Select(k => $"l{k}")];
            foreach (string state in stateNames)
            {
                lines.Add(SupportedExpression(all, 2).Select(e => $"{state} = {e};"));
            }

            lines.Add(SupportedExpression(all, 3).Select(e => $"w -= h0 * {e};"));
            Gen<string[]> body = lines.Aggregate(
                Gen.Const(Array.Empty<string>()),
                (sofar, line) => sofar.SelectMany(done => line.Select(next => (string[])[.. done, next])));
            return body.Select(body => new Step(
                "public static partial class NAME", "[HyperOptimize]", $"public static void Step({string.Join(", ", parameters)})", body, true));
        });

    /// <summary>A valid step with one foreign statement slipped in somewhere.</summary>
    private static readonly Gen<Step> MutatedStep =
        ValidStep.SelectMany(step => Gen.Select(
            Statement(["w", "g", "h0"], ["w"]),
            Gen.Int[0, step.Body.Length],
            (statement, at) => step with { Body = [.. step.Body[..at], statement, .. step.Body[at..]] }));

    private static readonly Gen<Step> MalformedStep =
        Gen.Select(ClassHeader, Attribute, Parameters, MethodHead).SelectMany((header, attribute, parameters, head) =>
        {
            string[] reads = parameters.Where(p => p.IsFloatValue).Select(p => p.Name)
                .Concat(["l0", "l1", "l2"]).ToArray();
            string[] targets = parameters.Where(p => p.Text.StartsWith("ref", StringComparison.Ordinal) || p.Text.Contains("] ref", StringComparison.Ordinal))
                .Select(p => p.Name).Concat(["l0", "l1"]).ToArray();
            return Statement(reads, targets).Array[0, 7].Select(body => new Step(
                header,
                attribute,
                $"{head}({string.Join(", ", parameters.Select(p => p.Text))})",
                body,
                attribute.Contains("HyperOptimize", StringComparison.Ordinal)));
        });

    private static readonly Gen<Step> StepGen = Gen.Frequency((3, ValidStep), (2, MutatedStep), (5, MalformedStep));

    [Fact]
    public void The_generator_never_throws_never_emits_broken_code_and_answers_every_rejected_step()
    {
        int steps = int.TryParse(Environment.GetEnvironmentVariable("HYPERGEN_FUZZ_ITERATIONS"), out int requested) && requested > 0
            ? requested
            : DefaultSteps;
        var tally = new Tally();
        int batch = 0;
        var clock = Stopwatch.StartNew();
        StepGen.Array[StepsPerCompilation].Sample(
            batchSteps => CheckBatch($"Fuzz.B{batch++}", batchSteps, tally),
            iter: (steps + StepsPerCompilation - 1) / StepsPerCompilation,
            threads: 1,
            print: batchSteps => $"a batch of {batchSteps.Length} steps (the failing one is printed below)");

        output.WriteLine(
            $"{tally.Steps} steps in {batch} compilations, {clock.Elapsed.TotalSeconds:F1} s: {tally.Generated} generated, " +
            $"{tally.Rejected} rejected with an HG error, {tally.NotAnOptimizer} without [HyperOptimize]");

        // The mix must exercise both sides; otherwise the generators above have drifted into testing nothing.
        Assert.True(tally.Generated > tally.Steps / 20, $"only {tally.Generated} of {tally.Steps} steps were generated");
        Assert.True(tally.Rejected > tally.Steps / 5, $"only {tally.Rejected} of {tally.Steps} steps were rejected");
    }

    [Fact]
    public void Hyperparameters_and_states_named_like_generated_identifiers_still_compile()
    {
        // Regression: a UnitInterval 'a' and a Real 'aRaw' both had the raw name aRaw, so the generated kernel
        // declared dW_dARawBuffer twice; 'b' and 'B' met in dW_dB, and so did a state called dW_dB.
        const string source = """
            using System;
            using HyperGen;

            namespace Fuzz.Names;

            public static partial class Clash
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, ref float dW_dB, [Hyper(0.5, Domain = HyperDomain.UnitInterval)] float a,
                    [Hyper(0.1)] float aRaw, [Hyper(0.2)] float b, [Hyper(0.3)] float B)
                {
                    dW_dB = B * dW_dB + g;
                    w -= a * aRaw * b * g + dW_dB;
                }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Empty(run.GeneratorDiagnostics);
        using LoadedAssembly assembly = run.CompileAndLoad();
        Assert.Equal(["a", "aRaw", "b", "B"], assembly.Definition("Fuzz.Names.Clash").HyperParameters.Select(h => h.Name));
    }

    private static void CheckBatch(string ns, Step[] steps, Tally tally)
    {
        string[] sources = steps.Select((s, k) => s.Source(ns, $"C{k}")).ToArray();

        // User warnings stay warnings: random bodies trip many (unused locals, comparisons with self).
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(sources)
            .WithOptions(GeneratorHarness.CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Default)));

        Diagnostic[] internalErrors = run.GeneratorDiagnostics.Where(d => d.Id == "HG9999").ToArray();
        Assert.True(internalErrors.Length == 0, string.Join("\n", internalErrors.Select(d => d.ToString())));

        // Errors inside generated files are the generator's fault, whatever the user's code looks like.
        Diagnostic[] generatedErrors = run.OutputDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true)
            .ToArray();
        Assert.True(generatedErrors.Length == 0, string.Join("\n", generatedErrors.Select(d => d.ToString())));

        for (int k = 0; k < steps.Length; k++)
        {
            tally.Steps++;
            string file = $"/src/File{k}.cs";
            // A rejected step's class may get stand-ins that throw (the compile check above covers them); only a file
            // with the definition is generated code for the step.
            string[] files = run.GeneratedSources
                .Where(p => p.Key.Contains($".C{k}.HyperGen.", StringComparison.Ordinal))
                .Select(p => p.Value)
                .ToArray();
            bool generated = files.Any(f => f.Contains("class HyperGenDefinition", StringComparison.Ordinal));
            bool standIns = files.Any(f => f.Contains("global::System.InvalidOperationException(", StringComparison.Ordinal));
            Diagnostic[] hgErrors = run.GeneratorDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("HG", StringComparison.Ordinal)
                    && d.Location.GetLineSpan().Path == file)
                .ToArray();
            if (!steps[k].HasHyperOptimize)
            {
                tally.NotAnOptimizer++;
                Assert.False(generated || standIns, $"C{k} has no [HyperOptimize] but code was generated:\n{sources[k]}");
                continue;
            }

            if (generated)
            {
                tally.Generated++;
                Assert.True(hgErrors.Length == 0, $"C{k} was generated despite {hgErrors.FirstOrDefault()}:\n{sources[k]}");
                Assert.False(standIns, $"C{k} was generated and also given stand-ins:\n{sources[k]}");
            }
            else
            {
                tally.Rejected++;
                Assert.True(hgErrors.Length > 0, $"C{k} was neither generated nor given an HG error:\n{sources[k]}");
            }
        }
    }

    private sealed class Tally
    {
        public int Steps;
        public int Generated;
        public int Rejected;
        public int NotAnOptimizer;
    }
}
