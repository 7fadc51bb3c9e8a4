using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;

namespace HyperGen.Generator.Model;

/// <summary>
/// Decides how a tower gets level 1's hypergradient for one optimizer, and derives the program that recomputes the
/// partials where that is cheaper.
/// </summary>
/// <remarks>
/// Traffic is counted in values moved per weight and step (4 bytes each in float, 8 in double). Storing partials:
/// the reduction reads g and the H partials; the update reads w, g and the state it uses and writes w, the state it
/// changes and the partials. Recomputing: the reduction reads g, the previous g and the previous state the partials
/// use; the update reads w, g and every state variable and writes w, every state variable (into the other of two
/// buffers, unchanged ones included) and a copy of g (which <c>Tower.StepWithNextGradients</c> saves). A partial
/// that reads the weight cannot be recomputed: the update overwrites the weight it started from.
/// </remarks>
internal static class RecomputePlan
{
    /// <summary>
    /// The program computing only the partials of <paramref name="withPartials"/>, or null when storing them moves
    /// no more bytes (ties go to storing, the simpler path) or when they cannot be recomputed.
    /// </summary>
    public static KernelProgram? PartialsOnly(KernelProgram withPartials)
    {
        KernelProgram? partials = Recomputable(withPartials);
        return partials is not null && RecomputedValues(withPartials, partials) < StoredValues(withPartials) ? partials : null;
    }

    /// <summary>
    /// The program computing only the partials of <paramref name="withPartials"/>, whatever it costs, or null when
    /// there are none or they read the weight (which the update overwrites, so they cannot be recomputed after it).
    /// </summary>
    public static KernelProgram? Recomputable(KernelProgram withPartials)
    {
        if (!withPartials.PartialOutputs.Any(p => p >= 0))
        {
            return null;
        }

        KernelProgram partials = Prune(withPartials);
        return ReadsLeaf(partials, Op.Weight) ? null : partials;
    }

    /// <summary>Values per weight a step moves when the partials are stored.</summary>
    public static int StoredValues(KernelProgram withPartials)
    {
        int hypers = withPartials.PartialOutputs.Count;
        int reduction = 1 + hypers;
        int update = 1 + 1 + StatesRead(withPartials) + 1 + withPartials.StateOutputs.Count(s => s >= 0)
            + withPartials.PartialOutputs.Count(p => p >= 0);
        return reduction + update;
    }

    /// <summary>Values per weight a step moves when the partials are recomputed.</summary>
    public static int RecomputedValues(KernelProgram withPartials, KernelProgram partials)
    {
        int reduction = 1 + (ReadsLeaf(partials, Op.Gradient) ? 1 : 0) + StatesRead(partials);
        int states = withPartials.StateOutputs.Count;
        int update = 1 + 1 + states + 1 + states + 1;
        return reduction + update;
    }

    private static int StatesRead(KernelProgram program) =>
        program.Nodes.Where(n => n.Op == Op.State).Select(n => n.Index).Distinct().Count();

    private static bool ReadsLeaf(KernelProgram program, Op op) => program.Nodes.Any(n => n.Op == op);

    /// <summary>Dead-code elimination: keeps the nodes the partials reach, renumbered in the same order.</summary>
    private static KernelProgram Prune(KernelProgram program)
    {
        ProgramNode[] nodes = program.Nodes.AsSpan().ToArray();
        var live = new bool[nodes.Length];
        var stack = new Stack<int>(program.PartialOutputs.Where(p => p >= 0));
        while (stack.Count > 0)
        {
            int n = stack.Pop();
            if (!live[n])
            {
                live[n] = true;
                foreach (int arg in nodes[n].Args)
                {
                    stack.Push(arg);
                }
            }
        }

        var position = new int[nodes.Length];
        var kept = new List<int>();
        for (int n = 0; n < nodes.Length; n++)
        {
            position[n] = live[n] ? kept.Count : -1;
            if (live[n])
            {
                kept.Add(n);
            }
        }

        var uses = new int[kept.Count];
        foreach (int n in kept)
        {
            foreach (int arg in nodes[n].Args)
            {
                uses[position[arg]]++;
            }
        }

        foreach (int output in program.PartialOutputs.Where(p => p >= 0))
        {
            uses[position[output]]++;
        }

        return new KernelProgram(
            kept.Select((n, i) => nodes[n] with
            {
                Args = nodes[n].Args.Select(a => position[a]).ToEquatableArray(),
                Uses = uses[i],
            }).ToEquatableArray(),
            WeightOutput: -1,
            program.StateOutputs.Select(_ => -1).ToEquatableArray(),
            program.PartialOutputs.Select(p => p >= 0 ? position[p] : -1).ToEquatableArray(),
            program.IsVectorizable);
    }
}
