using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Emit;

/// <summary>
/// Prints a <see cref="KernelProgram"/> as C# statements and expressions, for every kernel on both devices: which
/// nodes get a local and what each is called, the loop-invariant locals, the per-element locals and the expressions,
/// spelled by a <see cref="Lanes"/> back end (scalar on the CPU or the GPU, or one of the CPU's vector APIs). A value
/// used once is written inline; one used several times, named in the user's code, or loop-invariant and read inside
/// the loop gets a local. The kernel emitters around it write only what differs: signatures, buffers, loops, stores.
/// </summary>
internal sealed class ProgramPrinter
{
    private readonly ProgramNode[] _nodes;
    private readonly string?[] _locals;
    private readonly string?[] _vectorCopies;
    private readonly string?[] _reciprocals;
    private readonly string?[] _reciprocalVectors;

    /// <param name="program">The program.</param>
    /// <param name="names">The method's names so far (its parameters, buffers and other locals); the locals are added.</param>
    /// <param name="vectorCopies">Whether vector loops read the invariant locals, so each gets a vector copy.</param>
    /// <param name="reciprocals">Whether divisions may become multiplications by a reciprocal (see <see cref="PlanReciprocals"/>).</param>
    public ProgramPrinter(KernelProgram program, LocalNames names, bool vectorCopies, bool reciprocals)
    {
        Program = program;
        _nodes = program.Nodes.AsSpan().ToArray();
        _locals = new string?[_nodes.Length];
        _vectorCopies = new string?[_nodes.Length];
        _reciprocals = new string?[_nodes.Length];
        _reciprocalVectors = new string?[_nodes.Length];
        PlanLocals(names, vectorCopies);
        if (reciprocals)
        {
            PlanReciprocals(names);
        }
    }

    public KernelProgram Program { get; }

    public IReadOnlyList<ProgramNode> Nodes => _nodes;

    /// <summary>The nodes the program stores: the new weight, the changed state, the partials that are not zero.</summary>
    public IEnumerable<int> Outputs()
    {
        if (Program.WeightOutput >= 0)
        {
            yield return Program.WeightOutput;
        }

        foreach (int output in Program.StateOutputs.Concat(Program.PartialOutputs))
        {
            if (output >= 0)
            {
                yield return output;
            }
        }
    }

    /// <summary>Whether the program reads leaf <paramref name="op"/> (state variable <paramref name="index"/>).</summary>
    public bool Reads(Op op, int index = 0) => _nodes.Any(n => n.Op == op && n.Index == index);

    /// <summary>The local holding leaf <paramref name="op"/> (state variable <paramref name="index"/>), or null.</summary>
    public string? LeafLocal(Op op, int index = 0)
    {
        int n = Array.FindIndex(_nodes, node => node.Op == op && node.Index == index);
        return n >= 0 ? _locals[n] : null;
    }

    /// <summary>
    /// The loop-invariant locals, before the loops: the hyperparameters in their domains and what depends only on
    /// them, under <paramref name="comment"/>, then a blank line; nothing where there are none.
    /// </summary>
    public void WriteInvariants(CodeWriter w, string comment, Lanes scalar)
    {
        bool any = false;
        for (int n = 0; n < _nodes.Length; n++)
        {
            ProgramNode node = _nodes[n];
            if (node.IsVarying || _locals[n] is null)
            {
                continue;
            }

            if (!any)
            {
                w.Line(comment);
                any = true;
            }

            string value = node.Op switch
            {
                Op.Hyper => $"raw[{Int(node.Index)}]",
                Op.StepIndex => "stepIndex",
                _ => Expression(n, scalar, parentPrecedence: 0, useLocal: false),
            };
            w.Line($"{scalar.Type} {_locals[n]} = {value};");
            if (_reciprocals[n] is { } reciprocal)
            {
                w.Line($"{scalar.Type} {reciprocal} = {scalar.One} / {_locals[n]};");
            }
        }

        if (any)
        {
            w.Line();
        }
    }

    /// <summary>The vector copies of the invariant locals the vector loop reads, before it.</summary>
    public void WriteVectorCopies(CodeWriter w, Lanes vector)
    {
        for (int n = 0; n < _nodes.Length; n++)
        {
            if (_vectorCopies[n] is { } copy)
            {
                w.Line($"{vector.Type} {copy} = {vector.Splat(_locals[n]!)};");
            }

            if (_reciprocalVectors[n] is { } reciprocal && !_nodes[n].IsVarying)
            {
                w.Line($"{vector.Type} {reciprocal} = {vector.Splat(_reciprocals[n]!)};");
            }
        }
    }

    /// <summary>The per-element locals, in the loop body; <paramref name="load"/> reads a weight, gradient or state leaf.</summary>
    public void WriteVaryingLocals(CodeWriter w, Lanes lanes, Func<ProgramNode, string> load)
    {
        for (int n = 0; n < _nodes.Length; n++)
        {
            ProgramNode node = _nodes[n];
            if (!node.IsVarying || _locals[n] is null)
            {
                continue;
            }

            string value = node.Op is Op.Weight or Op.Gradient or Op.State
                ? load(node)
                : Expression(n, lanes, parentPrecedence: 0, useLocal: false);
            w.Line($"{lanes.Type} {_locals[n]} = {value};");
            if (_reciprocals[n] is { } reciprocal)
            {
                w.Line($"{lanes.Type} {reciprocal} = {lanes.One} / {_locals[n]};");
            }
        }
    }

    /// <summary>
    /// Node <paramref name="n"/> as an expression in <paramref name="lanes"/>; precedences: 1 additive,
    /// 2 multiplicative, 3 unary, 4 primary. With <paramref name="useLocal"/>, a node that has a local is its local.
    /// </summary>
    public string Expression(int n, Lanes lanes, int parentPrecedence, bool useLocal = true)
    {
        ProgramNode node = _nodes[n];
        if (useLocal && _locals[n] is { } local)
        {
            return lanes.IsVector && !node.IsVarying ? _vectorCopies[n]! : local;
        }

        if (lanes.IsVector && !node.IsVarying && node.Op != Op.Const)
        {
            // Only reachable for invariant nodes inside invariant conditions, which are rendered as scalars.
            return Expression(n, lanes.Scalar, parentPrecedence, useLocal);
        }

        string Arg(int index, int precedence) => Expression(node.Args[index], lanes, precedence);

        switch (node.Op)
        {
            case Op.Const:
                return lanes.Constant(node.Value, parentPrecedence);
            case Op.Div when node.IsVarying && _reciprocals[node.Args[1]] is { } reciprocal:
                return ScalarSyntax.Wrap($"{Arg(0, 2)} * {(lanes.IsVector ? _reciprocalVectors[node.Args[1]] : reciprocal)}", 2, parentPrecedence);
            case Op.Add or Op.Sub or Op.Mul or Op.Div or Op.Neg:
                return ScalarSyntax.Arithmetic(node.Op, Arg, parentPrecedence)!;
            case Op.Call:
                return lanes.Call(Primitives.Get(node.Func), string.Join(", ", node.Args.Select(a => Expression(a, lanes, 0))));
            case Op.Select:
                return Select(node, lanes);
            default:
                return _locals[n] ?? node.Op.ToString();
        }
    }

    /// <summary>
    /// A choice: per lane where the comparison varies, else one scalar comparison choosing between two values of
    /// <paramref name="lanes"/>.
    /// </summary>
    private string Select(ProgramNode node, Lanes lanes)
    {
        string Operand(int index, Lanes of, int precedence) => Expression(node.Args[index], of, precedence);
        bool conditionVaries = _nodes[node.Args[0]].IsVarying || _nodes[node.Args[1]].IsVarying;
        if (lanes.IsVector && conditionVaries)
        {
            return lanes.Select(node.Cmp, Operand(0, lanes, 0), Operand(1, lanes, 0), Operand(2, lanes, 0), Operand(3, lanes, 0));
        }

        return lanes.Scalar.Select(node.Cmp, Operand(0, lanes.Scalar, 1), Operand(1, lanes.Scalar, 1), Operand(2, lanes, 0), Operand(3, lanes, 0));
    }

    private void PlanLocals(LocalNames names, bool vectorCopies)
    {
        // Outputs are stored per element, so a loop-invariant output is read inside the loop too.
        var readInLoop = new bool[_nodes.Length];
        for (int n = 0; n < _nodes.Length; n++)
        {
            if (_nodes[n].IsVarying)
            {
                foreach (int arg in _nodes[n].Args)
                {
                    readInLoop[arg] = true;
                }
            }
        }

        foreach (int output in Outputs())
        {
            readInLoop[output] = true;
        }

        var needsLocal = new bool[_nodes.Length];
        for (int n = 0; n < _nodes.Length; n++)
        {
            ProgramNode node = _nodes[n];
            needsLocal[n] = node.Op != Op.Const
                && (IsLeaf(node) || node.Uses > 1 || node.Named || (!node.IsVarying && readInLoop[n]));
        }

        // The user's names first, so a temporary named after what it computes never takes one of them.
        for (int n = 0; n < _nodes.Length; n++)
        {
            if (needsLocal[n] && (IsLeaf(_nodes[n]) || _nodes[n].Named))
            {
                _locals[n] = names.Unique(_nodes[n].Name!);
            }
        }

        for (int n = 0; n < _nodes.Length; n++)
        {
            if (needsLocal[n] && _locals[n] is null)
            {
                _locals[n] = names.Unique(_nodes[n].Name ?? "value");
            }
        }

        if (vectorCopies)
        {
            for (int n = 0; n < _nodes.Length; n++)
            {
                if (!_nodes[n].IsVarying && readInLoop[n] && _locals[n] is not null)
                {
                    // The vector copy is a name of its own: the user may have a local called alphaVector too.
                    _vectorCopies[n] = names.Unique(_locals[n] + "Vector");
                }
            }
        }
    }

    /// <summary>
    /// In the reduction, division by a loop-invariant value becomes multiplication by its reciprocal, computed once
    /// per call, and a per-element value divided by more than once gets its reciprocal computed once per element:
    /// vector division is several times slower than multiplication, and the recomputed partials are division-heavy.
    /// The partials may differ from the update's in the last bit, which a sum of millions of them does not notice;
    /// the updates themselves keep the user's divisions, so they compute exactly the user's step.
    /// </summary>
    private void PlanReciprocals(LocalNames names)
    {
        var otherLoopUses = new int[_nodes.Length];
        foreach (int output in Outputs())
        {
            otherLoopUses[output]++;
        }

        for (int n = 0; n < _nodes.Length; n++)
        {
            ProgramNode node = _nodes[n];
            if (!node.IsVarying)
            {
                continue;
            }

            for (int a = 0; a < node.Args.Count; a++)
            {
                int arg = node.Args[a];
                if (node.Op == Op.Div && a == 1 && !_nodes[arg].IsVarying && _nodes[arg].Op != Op.Const && _locals[arg] is not null)
                {
                    _reciprocals[arg] ??= names.Unique(_locals[arg] + "Reciprocal");
                    _reciprocalVectors[arg] ??= names.Unique(_locals[arg] + "ReciprocalVector");
                }
                else
                {
                    otherLoopUses[arg]++;
                }
            }
        }

        // A per-element value divided by more than once: one division for its reciprocal, then multiplications.
        var divisions = new int[_nodes.Length];
        foreach (ProgramNode node in _nodes)
        {
            if (node.Op == Op.Div && _nodes[node.Args[1]].IsVarying && _locals[node.Args[1]] is not null)
            {
                divisions[node.Args[1]]++;
            }
        }

        for (int n = 0; n < _nodes.Length; n++)
        {
            if (divisions[n] > 1)
            {
                _reciprocals[n] = names.Unique(_locals[n] + "Reciprocal");
                _reciprocalVectors[n] = _reciprocals[n];
            }
        }

        for (int n = 0; n < _nodes.Length; n++)
        {
            if (_reciprocals[n] is not null && !_nodes[n].IsVarying && otherLoopUses[n] == 0)
            {
                // Only ever divided by: the loop needs the reciprocal's vector, not the value's.
                _vectorCopies[n] = null;
            }
        }
    }

    private static bool IsLeaf(ProgramNode node) => node.Op is Op.Weight or Op.Gradient or Op.State or Op.Hyper or Op.StepIndex;

    private static string Int(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
