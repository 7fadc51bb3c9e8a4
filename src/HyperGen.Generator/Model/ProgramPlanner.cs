using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;

namespace HyperGen.Generator.Model;

/// <summary>Turns the output terms of a step into a <see cref="KernelProgram"/>: reachable nodes only, in order.</summary>
internal static class ProgramPlanner
{
    /// <summary>
    /// The program of <paramref name="weight"/>, <paramref name="states"/> and <paramref name="partials"/>; each node
    /// is called by its name in <paramref name="names"/> (and <see cref="ProgramNode.Named"/>) or else by its hint.
    /// </summary>
    public static KernelProgram Plan(
        Term weight,
        IReadOnlyList<Term?> states,
        IReadOnlyList<Term?> partials,
        IReadOnlyDictionary<int, string> names,
        IReadOnlyDictionary<int, string> hints)
    {
        var outputs = new List<Term> { weight };
        outputs.AddRange(states.Where(s => s is not null)!);
        outputs.AddRange(partials.Where(p => p is not null)!);

        var reachable = new HashSet<Term>();
        var stack = new Stack<Term>(outputs);
        while (stack.Count > 0)
        {
            Term term = stack.Pop();
            if (reachable.Add(term))
            {
                foreach (Term arg in term.Args)
                {
                    stack.Push(arg);
                }
            }
        }

        // Children are always created before their parents, so id order is a topological order.
        List<Term> ordered = reachable.OrderBy(t => t.Id).ToList();
        var position = new Dictionary<Term, int>();
        for (int i = 0; i < ordered.Count; i++)
        {
            position[ordered[i]] = i;
        }

        int[] uses = new int[ordered.Count];
        foreach (Term term in ordered)
        {
            foreach (Term arg in term.Args)
            {
                uses[position[arg]]++;
            }
        }

        foreach (Term output in outputs)
        {
            uses[position[output]]++;
        }

        var nodes = ordered.Select((t, i) => new ProgramNode(
            t.Op,
            t.Value,
            t.Index,
            t.Func,
            t.Cmp,
            t.Args.Select(a => position[a]).ToEquatableArray(),
            t.IsVarying,
            names.TryGetValue(t.Id, out string? name) ? name : hints.TryGetValue(t.Id, out string? hint) ? hint : null,
            names.ContainsKey(t.Id),
            uses[i]));

        bool vectorizable = ordered.All(t => !t.IsVarying || t.Op != Op.Call || Primitives.Get(t.Func).VectorMethodName is not null);

        return new KernelProgram(
            nodes.ToEquatableArray(),
            position[weight],
            states.Select(s => s is null ? -1 : position[s]).ToEquatableArray(),
            partials.Select(p => p is null ? -1 : position[p]).ToEquatableArray(),
            vectorizable);
    }
}
