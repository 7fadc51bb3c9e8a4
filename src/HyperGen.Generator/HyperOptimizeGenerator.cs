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
            static (output, pair) => EmitGpu(output, pair.Left, pair.Right));

        // One upper-level dispatcher per compilation that references HyperGen.Kernels, over all its optimizers.
        context.RegisterSourceOutput(
            models.Collect().Combine(gpuTarget),
            static (output, pair) =>
            {
                if (pair.Right.HasKernelRegistry && pair.Left.Length > 0)
                {
                    EmitGpuDispatcher(output, pair.Left);
                }
            });
    }

    private static void EmitGpuDispatcher(SourceProductionContext output, System.Collections.Immutable.ImmutableArray<OptimizerPlan> models)
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

    private static void EmitGpu(SourceProductionContext output, OptimizerPlan model, GpuTarget target)
    {
        string source;
        try
        {
            source = GpuOptimizerEmitter.Emit(model, target);
        }
        catch (System.Exception exception)
        {
            output.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InternalError, Location.None, model.ClassName, $"{exception.GetType().Name}: {exception.Message}"));
            return;
        }

        output.AddSource(GpuOptimizerEmitter.HintName(model), source);
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

    /// <summary>Whether the compilation references ILGPU (and HyperGen.Kernels), which decides the GPU kernels.</summary>
    public const string GpuTarget = "HyperGen.GpuTarget";
}
