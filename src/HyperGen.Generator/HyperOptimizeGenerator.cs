using System.Linq;
using HyperGen.Generator.Binding;
using HyperGen.Generator.Diagnostics;
using HyperGen.Generator.Emit;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HyperGen.Generator;

/// <summary>
/// Compiles every <c>[HyperOptimize]</c> step method into exact hypergradient kernels: the transform binds and
/// differentiates the method into a value-equatable plan; the outputs report its diagnostics and print its code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class HyperOptimizeGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<GenerationResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ModelBuilder.HyperOptimizeAttributeName,
                predicate: static (node, _) => node is MethodDeclarationSyntax,
                transform: static (syntax, cancellation) => ModelBuilder.Build(syntax, cancellation))
            .WithTrackingName(TrackingNames.Results);

        IncrementalValuesProvider<DiagnosticInfo> diagnostics = results
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));

        IncrementalValuesProvider<OptimizerPlan> models = results
            .Where(static result => result.Plan is not null)
            .Select(static (result, _) => result.Plan!)
            .WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, static (output, model) => Emit(output, model));

        // A step with errors still gives its class the members users call, as stand-ins that throw, so the build
        // shows the step's HG errors and not a follow-on "no definition for 'CreateTower'" at every use.
        IncrementalValuesProvider<StandInModel> standIns = results
            .Where(static result => result.StandIn is not null)
            .Select(static (result, _) => result.StandIn!)
            .WithTrackingName(TrackingNames.StandIns);
        context.RegisterSourceOutput(
            standIns, static (output, standIn) => output.AddSource(StandInEmitter.HintName(standIn), StandInEmitter.Emit(standIn)));

        // ILGPU kernels only where ILGPU is referenced; the target is a value, so models stay cached.
        IncrementalValueProvider<GpuTarget> gpuTarget = context.CompilationProvider
            .Select(static (compilation, _) => GpuTarget.From(compilation))
            .WithTrackingName(TrackingNames.GpuTarget);
        context.RegisterSourceOutput(
            models.Combine(gpuTarget).Where(static pair => pair.Right.HasIlgpu),
            static (output, pair) => EmitGpu(output, pair.Left, GpuKernelHome.Beside(pair.Left), pair.Right));

        // Steps compiled by a referenced assembly, named as additional files (HyperGen.Kernels names the runtime's
        // built-ins): only their GPU half is written here, the CPU half being that assembly's (LinkedStepSources).
        IncrementalValuesProvider<OptimizerPlan> linkedModels = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => pair.Right.GetOptions(pair.Left).TryGetValue(LinkedStepSources.OptionKey, out string? value)
                && string.Equals(value, "true", System.StringComparison.OrdinalIgnoreCase))
            .Select(static (pair, cancellation) => (pair.Left.Path, Text: pair.Left.GetText(cancellation)?.ToString() ?? ""))
            .Combine(context.CompilationProvider)
            .SelectMany(static (pair, cancellation) => LinkedStepSources.Models(pair.Left.Path, pair.Left.Text, pair.Right, cancellation))
            .WithTrackingName(TrackingNames.LinkedModels);
        context.RegisterSourceOutput(
            linkedModels.Combine(gpuTarget).Where(static pair => pair.Right.HasIlgpu),
            static (output, pair) => EmitGpu(output, pair.Left, GpuKernelHome.Apart(pair.Left), pair.Right));

        // One upper-level dispatcher per compilation that references HyperGen.Kernels, over all its optimizers.
        context.RegisterSourceOutput(
            models.Collect().Combine(linkedModels.Collect()).Combine(gpuTarget),
            static (output, pair) =>
            {
                var homes = pair.Left.Left.Select(static model => (model, GpuKernelHome.Beside(model)))
                    .Concat(pair.Left.Right.Select(static model => (model, GpuKernelHome.Apart(model))))
                    .ToArray();
                if (pair.Right.HasKernelRegistry && homes.Length > 0)
                {
                    EmitGpuDispatcher(output, homes);
                }
            });
    }

    private static void EmitGpuDispatcher(SourceProductionContext output, (OptimizerPlan Model, GpuKernelHome Home)[] models)
    {
        string source;
        try
        {
            source = GpuDispatcherEmitter.Emit(models);
        }
        catch (System.Exception exception)
        {
            output.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InternalError, Location.None, "GPU dispatcher", $"{exception.GetType().Name}: {exception.Message}"));
            return;
        }

        output.AddSource(GpuDispatcherEmitter.HintName, source);
    }

    private static void EmitGpu(SourceProductionContext output, OptimizerPlan model, GpuKernelHome home, GpuTarget target)
    {
        string source;
        try
        {
            source = GpuOptimizerEmitter.Emit(model, home, target);
        }
        catch (System.Exception exception)
        {
            output.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InternalError, Location.None, model.ClassName, $"{exception.GetType().Name}: {exception.Message}"));
            return;
        }

        output.AddSource(GpuOptimizerEmitter.HintName(home), source);
    }

    private static void Emit(SourceProductionContext output, OptimizerPlan model)
    {
        string source;
        try
        {
            source = OptimizerEmitter.Emit(model);
        }
        catch (System.Exception exception)
        {
            // An emitter bug must surface as a diagnostic, never as silently missing code.
            output.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InternalError, Location.None, model.ClassName, $"{exception.GetType().Name}: {exception.Message}"));
            return;
        }

        output.AddSource(OptimizerEmitter.HintName(model), source);
    }
}

/// <summary>Names of the pipeline steps, for incrementality tests.</summary>
public static class TrackingNames
{
    /// <summary>The transform: binding, differentiation and planning of each step method.</summary>
    public const string Results = "HyperGen.Results";

    /// <summary>The diagnostics of every step method.</summary>
    public const string Diagnostics = "HyperGen.Diagnostics";

    /// <summary>The plans that are emitted.</summary>
    public const string Models = "HyperGen.Models";

    /// <summary>The stand-in members of the classes whose step has errors.</summary>
    public const string StandIns = "HyperGen.StandIns";

    /// <summary>The models of steps another assembly compiles, named as additional files, whose GPU kernels only are written.</summary>
    public const string LinkedModels = "HyperGen.LinkedModels";

    /// <summary>Whether the compilation references ILGPU (and HyperGen.Kernels), which decides the GPU kernels.</summary>
    public const string GpuTarget = "HyperGen.GpuTarget";
}
