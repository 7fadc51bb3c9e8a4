using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace HyperGen.Generator.Binding;

/// <summary>What a parameter of the step method stands for.</summary>
internal enum Role
{
    Weight,
    Gradient,
    State,
    Hyper,
    StepIndex,
}

/// <summary>A classified parameter: its role and, for state and hyperparameters, its index among them.</summary>
internal sealed record ParameterRole(IParameterSymbol Symbol, Role Role, int Index);

/// <summary>The parameters of a step method, classified by the conventions of docs/defining-optimizers.md.</summary>
internal sealed class ParameterRoles
{
    public ParameterRoles(
        Dictionary<IParameterSymbol, ParameterRole> byParameter,
        IParameterSymbol weight,
        IParameterSymbol gradient,
        IParameterSymbol? stepIndex,
        List<IParameterSymbol> states,
        List<IParameterSymbol> hypers)
    {
        ByParameter = byParameter;
        Weight = weight;
        Gradient = gradient;
        StepIndex = stepIndex;
        States = states;
        Hypers = hypers;
    }

    public Dictionary<IParameterSymbol, ParameterRole> ByParameter { get; }

    public IParameterSymbol Weight { get; }

    public IParameterSymbol Gradient { get; }

    public IParameterSymbol? StepIndex { get; }

    public List<IParameterSymbol> States { get; }

    public List<IParameterSymbol> Hypers { get; }
}
