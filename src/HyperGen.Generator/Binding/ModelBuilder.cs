using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HyperGen.Generator.Diagnostics;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HyperGen.Generator.Binding;

/// <summary>
/// The transform step of the generator: validates a [HyperOptimize] method, binds its body, differentiates it and
/// plans the kernels, returning a symbol-free model plus diagnostics. Never throws: an unexpected failure becomes
/// the HG9999 diagnostic. This file holds the pipeline; one partial per concern holds each stage: the class and
/// step shape (Shape), the parameters' roles (Parameters), the attributes (Attributes) and generated names (Names).
/// </summary>
internal static partial class ModelBuilder
{
    public static GenerationResult Build(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var method = (IMethodSymbol)context.TargetSymbol;
        try
        {
            OptimizerModel? model = TryBuild(context, method, diagnostics, cancellation);
            bool failed = diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
            return new GenerationResult(failed ? null : model, diagnostics.ToEquatableArray(), failed ? StandInBuilder.For(method, diagnostics) : null);
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

    private static OptimizerModel? TryBuild(
        GeneratorAttributeSyntaxContext context, IMethodSymbol method, List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        var syntax = (MethodDeclarationSyntax)context.TargetNode;
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

        AttributeData attribute = context.Attributes[0];
        int depth = ReadDepth(attribute, diagnostics);
        string? above = ReadAbove(attribute, type, diagnostics);

        ParameterRoles? roles = ClassifyParameters(method, methodLocation, diagnostics);
        if (roles is null || diagnostics.Any(IsError))
        {
            return null;
        }

        List<StateModel> states = roles.States.Select(p => ReadState(p, context.SemanticModel)).ToList();
        List<HyperModel> hypers = WithUniqueRawNames(
            roles.Hypers.Select(p => ReadHyper(p, context.SemanticModel, diagnostics)).ToList(),
            [roles.Weight.Name, roles.Gradient.Name, .. states.Select(s => s.Name)],
            roles.Weight.Name);

        if (context.SemanticModel.GetOperation(syntax, cancellation) is not IMethodBodyOperation bodyOperation
            || (bodyOperation.BlockBody ?? bodyOperation.ExpressionBody) is not IBlockOperation body)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedStatement, methodLocation, "a step without a body"));
            return null;
        }

        var factory = TermFactory.ForUserArithmetic(single: roles.Weight.Type.SpecialType == SpecialType.System_Single);
        var binder = new StepBinder(factory, roles, hypers.Select(h => h.Domain).ToList(), diagnostics, cancellation);
        binder.Bind(body);
        if (binder.HasErrors || diagnostics.Any(IsError))
        {
            return null;
        }

        Dictionary<int, string> names = binder.Names;
        if (binder.Weight.Op == Op.Weight)
        {
            // Every partial is 0 and every HG0012 would follow from this one mistake: report only the mistake.
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.WeightNeverAssigned, methodLocation, method.Name, roles.Weight.Name));
            return null;
        }

        var differentiator = new Differentiator(factory.Algebraic);

        Term weight = binder.Weight;
        var partials = new Term?[hypers.Count];
        for (int j = 0; j < hypers.Count; j++)
        {
            Term partial = differentiator.Derive(weight, j);
            partials[j] = partial.IsConst(0) ? null : partial;
            if (partials[j] is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.HyperUnused, LocationInfo.From(roles.Hypers[j].Locations.FirstOrDefault()), hypers[j].Name));
            }
        }

        foreach (Derivation derivation in differentiator.Derivations)
        {
            NameDerivative(names, derivation.Source, derivation.Derivative, RawName(hypers[derivation.Hyper]));
        }

        // The new state is stored under its own name (mNext) so the loaded value keeps the user's name (m).
        var stateOutputs = new Term?[states.Count];
        for (int k = 0; k < states.Count; k++)
        {
            Term next = binder.States[k];
            stateOutputs[k] = next.Op == Op.State && next.Index == k ? null : next;
            if (stateOutputs[k] is { } output && output.Op != Op.Const && names.TryGetValue(output.Id, out string? current) && current == states[k].Name)
            {
                names[output.Id] = states[k].Name + "Next";
            }
            else if (stateOutputs[k] is { } unnamed && unnamed.Op != Op.Const && !names.ContainsKey(unnamed.Id))
            {
                names[unnamed.Id] = states[k].Name + "Next";
            }
        }

        KernelProgram plain = ProgramPlanner.Plan(weight, stateOutputs, Array.Empty<Term?>(), names);
        KernelProgram withPartials = ProgramPlanner.Plan(weight, stateOutputs, partials, names);

        return new OptimizerModel(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            type.Name,
            method.Name,
            roles.Weight.Type.SpecialType == SpecialType.System_Double,
            roles.Weight.Name,
            roles.Gradient.Name,
            roles.StepIndex?.Name,
            hypers.ToEquatableArray(),
            states.ToEquatableArray(),
            depth,
            above,
            plain,
            withPartials);
    }

    private static bool IsError(DiagnosticInfo diagnostic) =>
        DiagnosticDescriptors.ById(diagnostic.Id).DefaultSeverity == DiagnosticSeverity.Error;
}
