using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using HyperGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Xunit;

namespace HyperGen.Tests.Generator;

/// <summary>
/// Runs <see cref="HyperOptimizeGenerator"/> in-process over the .NET 10 reference assemblies (offline, from
/// Basic.Reference.Assemblies) plus the HyperGen runtime, the way the compiler does in a user's build.
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>
    /// The compilation options of a user's project with TreatWarningsAsErrors: every warning is reported as an error.
    /// </summary>
    public static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            allowUnsafe: true,
            optimizationLevel: OptimizationLevel.Release)
        .WithGeneralDiagnosticOption(ReportDiagnostic.Error);

    /// <summary>The .NET 10 reference assemblies and the HyperGen runtime, as a user's project references them.</summary>
    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Tower<>).Assembly.Location),
    ];

    private static int s_compilationCount;

    /// <summary>Parses each source as its own file, /src/File{i}.cs unless a path is given.</summary>
    public static CSharpCompilation CreateCompilation(params (string Path, string Text)[] sources) =>
        CSharpCompilation.Create(
            $"HyperGenTest{System.Threading.Interlocked.Increment(ref s_compilationCount)}",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)),
            References,
            CompilationOptions);

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(sources.Select((text, i) => ($"/src/File{i}.cs", text)).ToArray());

    /// <summary>A driver that records every tracked step, so incrementality can be checked.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new HyperOptimizeGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    public static GeneratorRun Run(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        return new GeneratorRun(
            compilation,
            output,
            driver,
            result.GeneratedTrees.ToDictionary(t => Path.GetFileName(t.FilePath), t => t.GetText().ToString(), StringComparer.Ordinal),
            generatorDiagnostics,
            output.GetDiagnostics());
    }
}

/// <summary>The outcome of one generator run.</summary>
/// <param name="Input">The user's compilation.</param>
/// <param name="Output">The user's compilation plus the generated sources.</param>
/// <param name="Driver">The driver after the run (for incremental re-runs).</param>
/// <param name="GeneratedSources">Generated source text by hint name (file name).</param>
/// <param name="GeneratorDiagnostics">What the generator reported.</param>
/// <param name="OutputDiagnostics">The compiler's diagnostics for <paramref name="Output"/> (warnings as errors).</param>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    IReadOnlyDictionary<string, string> GeneratedSources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> OutputDiagnostics)
{
    /// <summary>Errors (including warnings promoted by TreatWarningsAsErrors) of the output compilation, printed.</summary>
    public string[] OutputErrors =>
        OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();

    /// <summary>Emits the output compilation and loads it in a collectible context; fails the test if it does not compile.</summary>
    public LoadedAssembly CompileAndLoad()
    {
        Assert.Empty(OutputErrors);
        using var stream = new MemoryStream();
        EmitResult emit = Output.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        stream.Position = 0;
        return new LoadedAssembly(Output.AssemblyName!, stream);
    }
}

/// <summary>
/// A compiled test assembly in its own collectible <see cref="AssemblyLoadContext"/>. The HyperGen runtime (and the
/// framework) resolve in the default context, so the generated <c>Definition</c> is a real
/// <see cref="OptimizerDefinition"/> of this test process.
/// </summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly TestLoadContext _context;

    public LoadedAssembly(string name, Stream image)
    {
        _context = new TestLoadContext(name);
        Assembly = _context.LoadFromStream(image);
    }

    public Assembly Assembly { get; }

    public Type GetType(string fullName) =>
        Assembly.GetType(fullName, throwOnError: false) ?? throw new InvalidOperationException($"No type {fullName} in the test assembly.");

    /// <summary>The generated static <c>Definition</c> property of the optimizer class.</summary>
    public OptimizerDefinition Definition(string optimizerClass)
    {
        PropertyInfo property = GetType(optimizerClass).GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{optimizerClass} has no generated Definition property.");
        return Assert.IsAssignableFrom<OptimizerDefinition>(property.GetValue(null));
    }

    /// <summary>The user's own step method, which stays callable as written.</summary>
    public MethodInfo UserStep(string optimizerClass, string method = "Step") =>
        GetType(optimizerClass).GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{optimizerClass} has no public static {method}.");

    public void Dispose() => _context.Unload();

    private sealed class TestLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
    {
        // Returning null defers to the default context, for HyperGen above all: it must be the very assembly the
        // tests reference, or the generated Definition would not be an OptimizerDefinition of this process.
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}
