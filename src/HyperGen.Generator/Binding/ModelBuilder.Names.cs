using System;
using System.Collections.Generic;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Binding;

/// <summary>Names in generated code: raw hyperparameters and the derivatives the differentiator builds.</summary>
internal static partial class ModelBuilder
{
    private static void NameDerivative(Dictionary<int, string> names, Term source, Term derivative, string hyper)
    {
        if (derivative.Op is Op.Const or Op.Hyper || names.ContainsKey(derivative.Id) || !names.TryGetValue(source.Id, out string? name))
        {
            return;
        }

        names[derivative.Id] = $"d{Capitalize(name)}_d{Capitalize(hyper)}";
    }

    /// <summary>Derivatives are taken with respect to the raw value, so names say so where it differs.</summary>
    internal static string RawName(HyperModel hyper) => hyper.RawName ?? DefaultRawName(hyper);

    private static string DefaultRawName(HyperModel hyper) => hyper.Domain == HyperDomain.Real ? hyper.Name : hyper.Name + "Raw";

    /// <summary>
    /// Gives every hyperparameter a raw name whose generated partial (<c>dW_dAlphaRaw</c>, and its buffer
    /// <c>dW_dAlphaRawBuffer</c>) is unlike every other: a UnitInterval <c>a</c> and a Real <c>aRaw</c> would
    /// otherwise both be <c>aRaw</c>, and a state called <c>dW_dA</c> would share its buffer name with a's partials.
    /// </summary>
    private static List<HyperModel> WithUniqueRawNames(List<HyperModel> hypers, IEnumerable<string> bufferOwners, string weight)
    {
        var taken = new HashSet<string>(bufferOwners, StringComparer.Ordinal);
        string Partial(string raw) => $"d{Capitalize(weight)}_d{Capitalize(raw)}";
        var named = new List<HyperModel>(hypers.Count);
        foreach (HyperModel hyper in hypers)
        {
            string raw = DefaultRawName(hyper);
            for (int suffix = 2; taken.Contains(Partial(raw)); suffix++)
            {
                raw = DefaultRawName(hyper) + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            taken.Add(Partial(raw));
            named.Add(hyper with { RawName = raw });
        }

        return named;
    }

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
}
