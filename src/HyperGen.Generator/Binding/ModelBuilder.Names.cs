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

    /// <summary>The longest name a temporary gets from what it computes; a longer description gives way to its operation's noun.</summary>
    private const int MaxHintLength = 28;

    /// <summary>
    /// A name for every term the user's code leaves unnamed, for the generated temporaries that hold them, from what it
    /// computes: the derivative of a term after that term (<c>dBeta1PowT_dBeta1Raw</c>), a short expression spelled
    /// out from its operands' names (<c>oneMinusBeta1</c>, <c>sqrtVHat</c>, <c>epsPlusSqrtVHat</c>), and a longer
    /// one by its operation (<c>quotient</c>). These never decide whether a term gets a local, only what it is called.
    /// </summary>
    private static Dictionary<int, string> HintTerms(
        IEnumerable<Term> outputs, DifferentiatedStep step, IReadOnlyDictionary<int, string> names, List<HyperPlan> hypers, string stepIndexName)
    {
        var derivedFrom = new Dictionary<int, Derivation>();
        foreach (Derivation derivation in step.Derivations)
        {
            // A constant or a leaf is what it is (1 is d(alpha)/d(alpha), and 1 still), not a derivative to name.
            if (derivation.Derivative.Op is not (Op.Const or Op.Weight or Op.Gradient or Op.State or Op.Hyper or Op.StepIndex)
                && !derivedFrom.ContainsKey(derivation.Derivative.Id))
            {
                derivedFrom[derivation.Derivative.Id] = derivation;
            }
        }

        var hints = new Dictionary<int, string?>();
        var inProgress = new HashSet<int>();

        // Terms called only by their operation's noun: "quotientTimesG" would say less than "product".
        var nouns = new HashSet<int>();

        string? Hint(Term term)
        {
            if (names.TryGetValue(term.Id, out string? name))
            {
                return name;
            }

            if (hints.TryGetValue(term.Id, out string? known))
            {
                return known;
            }

            if (!inProgress.Add(term.Id))
            {
                return null;
            }

            string? hint = null;
            if (derivedFrom.TryGetValue(term.Id, out Derivation? derivation) && Hint(derivation.Source) is { } source)
            {
                hint = $"d{Capitalize(source)}_d{Capitalize(hypers[derivation.Hyper].RawName)}";
            }

            if (hint is null || hint.Length > MaxHintLength)
            {
                hint = Describe(term);
            }

            if (hint is null || hint.Length > MaxHintLength)
            {
                hint = Noun(term);
                nouns.Add(term.Id);
            }

            inProgress.Remove(term.Id);
            hints[term.Id] = hint;
            return hint;
        }

        string? Describe(Term term)
        {
            string? Operand(int index) => Hint(term.Args[index]) is { } hint && !nouns.Contains(term.Args[index].Id) ? hint : null;
            string? Join(string? left, string word, string? right) =>
                left is null || right is null ? null : left + word + Capitalize(right);
            return term.Op switch
            {
                Op.Const => ConstantWord(term.Value),
                Op.StepIndex => stepIndexName,
                Op.Add => Join(Operand(0), "Plus", Operand(1)),
                Op.Sub => Join(Operand(0), "Minus", Operand(1)),
                Op.Mul => Join(Operand(0), "Times", Operand(1)),
                Op.Div => Join(Operand(0), "Over", Operand(1)),
                Op.Neg => Operand(0) is { } negated ? "minus" + Capitalize(negated) : null,
                Op.Call when term.Func == Func.Pow => Join(Operand(0), "Pow", Operand(1)),
                Op.Call when term.Args.Length == 2 => Join(Operand(0) is { } first ? Noun(term) + Capitalize(first) : null, "", Operand(1)),
                Op.Call => Operand(0) is { } argument ? Noun(term) + Capitalize(argument) : null,
                _ => null,
            };
        }

        var visited = new HashSet<int>();
        var stack = new Stack<Term>(outputs);
        while (stack.Count > 0)
        {
            Term term = stack.Pop();
            if (visited.Add(term.Id))
            {
                Hint(term);
                foreach (Term arg in term.Args)
                {
                    stack.Push(arg);
                }
            }
        }

        var result = new Dictionary<int, string>(hints.Count);
        foreach (KeyValuePair<int, string?> hint in hints)
        {
            if (hint.Value is not null)
            {
                result[hint.Key] = hint.Value;
            }
        }

        return result;
    }

    /// <summary>How a constant reads inside a name: the few that have a word (negated too), and any small one as an epsilon.</summary>
    private static string? ConstantWord(double value) => value switch
    {
        0 => "zero",
        1 => "one",
        2 => "two",
        0.5 => "half",
        < 0 when ConstantWord(-value) is { } word => "minus" + Capitalize(word),
        _ when System.Math.Abs(value) < 1e-3 => "eps",
        _ => null,
    };

    /// <summary>What a term is called when its description is too long or cannot be spelled out.</summary>
    private static string Noun(Term term) => term.Op switch
    {
        Op.Add => "sum",
        Op.Sub => "difference",
        Op.Mul => "product",
        Op.Div => "quotient",
        Op.Neg => "negated",
        Op.Select => "choice",
        Op.Call => Primitives.Get(term.Func).MethodName.ToLowerInvariant(),
        Op.Const => "constant",
        _ => "value",
    };

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
