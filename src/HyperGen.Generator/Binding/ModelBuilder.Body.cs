using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HyperGen.Generator.Diagnostics;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HyperGen.Generator.Binding;

/// <summary>The step's body: bound into terms, then differentiated with respect to each raw hyperparameter.</summary>
internal static partial class ModelBuilder
{
    private static DifferentiatedStep? BindAndDifferentiate(
        SemanticModel semanticModel,
        MethodDeclarationSyntax syntax,
        IMethodSymbol method,
        ParameterRoles roles,
        List<HyperModel> hypers,
        LocationInfo? methodLocation,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellation)
    {
        if (semanticModel.GetOperation(syntax, cancellation) is not IMethodBodyOperation bodyOperation
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

        if (binder.Weight.Op == Op.Weight)
        {
            // Every partial is 0 and every HG0012 would follow from this one mistake: report only the mistake.
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.WeightNeverAssigned, methodLocation, method.Name, roles.Weight.Name));
            return null;
        }

        var differentiator = new Differentiator(factory.Algebraic);
        var partials = new Term?[hypers.Count];
        for (int j = 0; j < hypers.Count; j++)
        {
            Term partial = differentiator.Derive(binder.Weight, j);
            partials[j] = partial.IsConst(0) ? null : partial;
            if (partials[j] is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.HyperUnused, LocationInfo.From(roles.Hypers[j].Locations.FirstOrDefault()), hypers[j].Name));
            }
        }

        var states = new Term?[binder.States.Length];
        for (int k = 0; k < states.Length; k++)
        {
            Term next = binder.States[k];
            states[k] = next.Op == Op.State && next.Index == k ? null : next;
        }

        return new DifferentiatedStep(binder.Weight, states, partials, binder.Names, differentiator.Derivations);
    }
}

/// <summary>
/// A bound and differentiated step: what the plan is made from. Terms, not values: it lives only inside the transform.
/// </summary>
/// <param name="Weight">The new weight.</param>
/// <param name="States">Per state variable, its new value, or null where the step leaves it as it was.</param>
/// <param name="Partials">Per hyperparameter, d(new weight)/d(raw value), or null where it is identically zero.</param>
/// <param name="Names">The names the user's code gives terms (parameters, locals), by term id.</param>
/// <param name="Derivations">Every derivative taken, in order, for naming derivatives after what they derive.</param>
internal sealed record DifferentiatedStep(
    Term Weight, Term?[] States, Term?[] Partials, IReadOnlyDictionary<int, string> Names, IReadOnlyList<Derivation> Derivations);
