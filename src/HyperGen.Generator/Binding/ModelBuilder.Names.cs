using System;
using System.Collections.Generic;
using System.Globalization;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Binding;

/// <summary>
/// Names in generated code, given after differentiation: raw hyperparameters and their partials, the derivatives
/// of named terms, and the new state.
/// </summary>
internal static partial class ModelBuilder
{
    /// <summary>
    /// The name of every term that has one, by id: the user's (parameters, locals), then each derivative of a named
    /// term after it (<c>dMHat_dBeta1Raw</c>), in the order the derivatives were taken, then the new state.
    /// </summary>
    private static Dictionary<int, string> NameTerms(DifferentiatedStep step, List<HyperPlan> hypers, List<StateModel> states)
    {
        var names = new Dictionary<int, string>(step.Names.Count);
        foreach (KeyValuePair<int, string> name in step.Names)
        {
            names[name.Key] = name.Value;
        }

        foreach (Derivation derivation in step.Derivations)
        {
            NameDerivative(names, derivation.Source, derivation.Derivative, hypers[derivation.Hyper].RawName);
        }

        // The new state is stored under its own name (mNext) so the loaded value keeps the user's name (m).
        for (int k = 0; k < states.Count; k++)
        {
            if (step.States[k] is { } output && output.Op != Op.Const && names.TryGetValue(output.Id, out string? current) && current == states[k].Name)
            {
                names[output.Id] = states[k].Name + "Next";
            }
            else if (step.States[k] is { } unnamed && unnamed.Op != Op.Const && !names.ContainsKey(unnamed.Id))
            {
                names[unnamed.Id] = states[k].Name + "Next";
            }
        }

        return names;
    }

    private static void NameDerivative(Dictionary<int, string> names, Term source, Term derivative, string hyper)
    {
        if (derivative.Op is Op.Const or Op.Hyper || names.ContainsKey(derivative.Id) || !names.TryGetValue(source.Id, out string? name))
        {
            return;
        }

        names[derivative.Id] = $"d{Capitalize(name)}_d{Capitalize(hyper)}";
    }

    /// <summary>Derivatives are taken with respect to the raw value, so names say so where it differs.</summary>
    private static string DefaultRawName(HyperModel hyper) => hyper.Domain == HyperDomain.Real ? hyper.Name : hyper.Name + "Raw";

    /// <summary>
    /// Gives every hyperparameter a raw name whose generated partial (<c>dW_dAlphaRaw</c>, and its buffer
    /// <c>dW_dAlphaRawBuffer</c>) is unlike every other: a UnitInterval <c>a</c> and a Real <c>aRaw</c> would
    /// otherwise both be <c>aRaw</c>, and a state called <c>dW_dA</c> would share its buffer name with a's partials.
    /// </summary>
    private static List<HyperPlan> WithUniqueRawNames(List<HyperModel> hypers, IEnumerable<string> bufferOwners, string weight)
    {
        var taken = new HashSet<string>(bufferOwners, StringComparer.Ordinal);
        string Partial(string raw) => $"d{Capitalize(weight)}_d{Capitalize(raw)}";
        var named = new List<HyperPlan>(hypers.Count);
        foreach (HyperModel hyper in hypers)
        {
            string raw = DefaultRawName(hyper);
            for (int suffix = 2; taken.Contains(Partial(raw)); suffix++)
            {
                raw = DefaultRawName(hyper) + suffix.ToString(CultureInfo.InvariantCulture);
            }

            taken.Add(Partial(raw));
            named.Add(new HyperPlan(hyper.Name, hyper.Initial, hyper.Domain, hyper.InactiveAtZero, hyper.Min, hyper.Max, raw, Partial(raw)));
        }

        return named;
    }

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
}
