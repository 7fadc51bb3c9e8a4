using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;

namespace HyperGen.Generator.Binding;

/// <summary>Classifying the step's parameters into weight, gradient, state, hyperparameters and step index.</summary>
internal static partial class ModelBuilder
{
    private static ParameterRoles? ClassifyParameters(IMethodSymbol method, LocationInfo? methodLocation, List<DiagnosticInfo> diagnostics)
    {
        var byParameter = new Dictionary<IParameterSymbol, ParameterRole>(SymbolEqualityComparer.Default);
        IParameterSymbol? weight = null;
        IParameterSymbol? gradient = null;
        IParameterSymbol? stepIndex = null;
        var states = new List<IParameterSymbol>();
        var hypers = new List<IParameterSymbol>();

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            LocationInfo? location = LocationInfo.From(parameter.Locations.FirstOrDefault());
            bool isHyper = HasAttribute(parameter, HyperAttributeName);
            bool isStepIndex = HasAttribute(parameter, StepIndexAttributeName);
            bool isFloat = StepBinder.IsFloatingPoint(parameter.Type);

            string? problem = null;
            if (isStepIndex)
            {
                if (parameter.Type.SpecialType != SpecialType.System_Int32 || parameter.RefKind != RefKind.None)
                {
                    problem = "a [StepIndex] parameter must be a plain 'int'";
                }
                else if (stepIndex is not null)
                {
                    problem = "only one parameter can be the [StepIndex]";
                }
                else
                {
                    stepIndex = parameter;
                    byParameter[parameter] = new ParameterRole(parameter, Role.StepIndex, 0);
                }
            }
            else if (!isFloat)
            {
                problem = parameter.Type.SpecialType == SpecialType.System_Int32
                    ? "an 'int' parameter must be marked [StepIndex]"
                    : $"parameters are float or double (or an int [StepIndex]), not '{parameter.Type.ToDisplayString()}'";
            }
            else if (isHyper)
            {
                if (parameter.RefKind != RefKind.None)
                {
                    problem = "a [Hyper] parameter is passed by value, not by reference";
                }
                else
                {
                    byParameter[parameter] = new ParameterRole(parameter, Role.Hyper, hypers.Count);
                    hypers.Add(parameter);
                }
            }
            else if (parameter.RefKind == RefKind.Ref)
            {
                if (weight is null)
                {
                    weight = parameter;
                    byParameter[parameter] = new ParameterRole(parameter, Role.Weight, 0);
                }
                else
                {
                    byParameter[parameter] = new ParameterRole(parameter, Role.State, states.Count);
                    states.Add(parameter);
                }
            }
            else if (parameter.RefKind == RefKind.None)
            {
                if (gradient is null)
                {
                    gradient = parameter;
                    byParameter[parameter] = new ParameterRole(parameter, Role.Gradient, 0);
                }
                else
                {
                    problem = "the step already has a gradient; mark a learned value [Hyper] or make state 'ref'";
                }
            }
            else
            {
                problem = $"'{parameter.RefKind.ToString().ToLowerInvariant()}' parameters are not supported; state is 'ref'";
            }

            if (problem is null && IsKeyword(parameter.Name))
            {
                problem = KeywordReason(parameter.Name);
            }

            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedParameter, location, parameter.Name, problem));
            }
        }

        if (hypers.Count > 64)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedParameter, LocationInfo.From(hypers[64].Locations.FirstOrDefault()), hypers[64].Name, "a step has at most 64 hyperparameters"));
        }

        if (weight is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingWeight, methodLocation, method.Name));
        }

        if (gradient is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingGradient, methodLocation, method.Name));
        }

        if (weight is null || gradient is null)
        {
            return null;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (StepBinder.IsFloatingPoint(parameter.Type) && parameter.Type.SpecialType != weight.Type.SpecialType)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.MixedPrecision,
                    LocationInfo.From(parameter.Locations.FirstOrDefault()),
                    parameter.Name,
                    parameter.Type.ToDisplayString(),
                    weight.Type.ToDisplayString())
                    .WithProperty(DiagnosticProperties.StepPrecision, weight.Type.ToDisplayString()));
            }
        }

        return new ParameterRoles(byParameter, weight, gradient, stepIndex, states, hypers);
    }
}
