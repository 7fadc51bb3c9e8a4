using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HyperGen.Generator.Diagnostics;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HyperGen.Generator.Binding;

/// <summary>
/// The transform step of the generator: validates a [HyperOptimize] method, binds its body, differentiates it and
/// plans the kernels, returning a symbol-free <see cref="OptimizerPlan"/> plus diagnostics. Never throws: an
/// unexpected failure becomes the HG9999 diagnostic. This file holds the pipeline; one partial per concern holds
/// each stage: the class and step shape (Shape), the attributes (Attributes), the parameters' roles (Parameters),
/// the body, bound and differentiated (Body), the generated names (Names) and the plan the emitters read (Plan).
/// </summary>
internal static partial class ModelBuilder
{
    public static GenerationResult Build(GeneratorAttributeSyntaxContext context, CancellationToken cancellation) =>
        Build((MethodDeclarationSyntax)context.TargetNode, (IMethodSymbol)context.TargetSymbol, context.Attributes[0], context.SemanticModel, cancellation);

    /// <summary>The transform of one step method, wherever its syntax and symbol come from (see <see cref="LinkedStepSources"/>).</summary>
    public static GenerationResult Build(
        MethodDeclarationSyntax syntax, IMethodSymbol method, AttributeData attribute, SemanticModel semanticModel, CancellationToken cancellation)
    {
        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            OptimizerPlan? plan = TryBuild(syntax, method, attribute, semanticModel, diagnostics, cancellation);
            bool failed = diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
            return new GenerationResult(failed ? null : plan, diagnostics.ToEquatableArray(), failed ? StandInBuilder.For(method, diagnostics) : null);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InternalError,
                LocationInfo.From(method.Locations.FirstOrDefault()),
                method.Name,
                $"{exception.GetType().Name}: {exception.Message}"));
            return new GenerationResult(null, diagnostics.ToEquatableArray(), StandInBuilder.For(method, diagnostics));
        }
    }

    private static OptimizerPlan? TryBuild(
        MethodDeclarationSyntax syntax, IMethodSymbol method, AttributeData attribute, SemanticModel semanticModel,
        List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        INamedTypeSymbol type = method.ContainingType;
        LocationInfo? methodLocation = LocationInfo.From(syntax.Identifier.GetLocation());

        if (!IsTopLevelStaticPartial(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ContainingType, LocationInfo.From(type.Locations.FirstOrDefault()), type.Name));
        }

        ReportReservedNames(type, method, diagnostics);

        if (!method.IsStatic || !method.ReturnsVoid || method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MethodShape, methodLocation, method.Name));
        }

        if (IsSecondStepOfType(type, method))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateStep, methodLocation, type.Name));
        }

        int depth = ReadDepth(attribute, diagnostics);
        string? above = ReadAbove(attribute, type, diagnostics);

        ParameterRoles? roles = ClassifyParameters(method, methodLocation, diagnostics);
        if (roles is null || diagnostics.Any(IsError))
        {
            return null;
        }

        List<StateModel> states = roles.States.Select(p => ReadState(p, semanticModel)).ToList();
        List<HyperModel> hypers = roles.Hypers.Select(p => ReadHyper(p, semanticModel, diagnostics)).ToList();

        DifferentiatedStep? step = BindAndDifferentiate(semanticModel, syntax, method, roles, hypers, methodLocation, diagnostics, cancellation);
        if (step is null)
        {
            return null;
        }

        var shape = new StepShape(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            type.Name,
            method.Name,
            roles.Weight.Type.SpecialType == SpecialType.System_Double,
            roles.Weight.Name,
            roles.Gradient.Name,
            roles.StepIndex?.Name,
            depth,
            above);
        return Plan(shape, hypers, states, step, ChooseAliases(semanticModel, syntax.SpanStart));
    }

    private static bool IsError(DiagnosticInfo diagnostic) =>
        DiagnosticDescriptors.ById(diagnostic.Id).DefaultSeverity == DiagnosticSeverity.Error;
}
