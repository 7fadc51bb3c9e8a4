using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Emit;

/// <summary>What a kernel method does with the values its program computes.</summary>
internal enum KernelKind
{
    /// <summary>Updates weights and state in place (and stores the partials the program computes).</summary>
    Update,

    /// <summary>Updates the weights, writes every state variable to the other state buffer and copies the gradients.</summary>
    UpdateKeepingInputs,

    /// <summary>Updates the weights and writes every state variable to the other state buffer; the caller keeps the gradients.</summary>
    UpdateKeepingState,

    /// <summary>Recomputes the previous step's partials and sums their products with this step's gradients.</summary>
    Reduction,
}

/// <summary>
/// Writes one kernel method from a <see cref="KernelProgram"/>: loop-invariant values first (hyperparameters in
/// their domains and everything that depends only on them), then a Vector512&lt;T&gt; loop (where the machine has
/// one), a Vector&lt;T&gt; loop and a scalar loop for the remainder, all computing the same nodes. Values used once are written inline; values used several times or
/// named in the user's code get a local.
/// </summary>
internal sealed class KernelEmitter
{
    private readonly OptimizerPlan _model;
    private readonly KernelProgram _program;
    private readonly Precision _p;
    private readonly KernelKind _kind;
    private readonly string _nextGradient = "";
    private readonly string _streaming;
    private readonly ProgramNode[] _nodes;
    private readonly string?[] _locals;
    private readonly string?[] _splats;
    private readonly string?[] _reciprocals;
    private readonly string?[] _reciprocalSplats;
    private readonly LocalNames _names;
    private VectorFlavor _v = VectorFlavor.Sized;

    public KernelEmitter(OptimizerPlan model, KernelProgram program, Precision precision, KernelKind kind = KernelKind.Update)
    {
        _model = model;
        _program = program;
        _p = precision;
        _kind = kind;
        _nodes = program.Nodes.AsSpan().ToArray();
        _locals = new string?[_nodes.Length];
        _splats = new string?[_nodes.Length];
        _reciprocals = new string?[_nodes.Length];
        _reciprocalSplats = new string?[_nodes.Length];
        _names = new LocalNames(["chunk", "raw", "stepIndex", "n", "i", "width"]);
        foreach (string buffer in BufferNames())
        {
            _names.Reserve(buffer);
        }

        if (kind == KernelKind.Reduction)
        {
            _names.Reserve("hypergradients");
            foreach (HyperPlan hyper in _model.Hypers)
            {
                _names.Reserve(PartialName(hyper) + "Sum");
                _names.Reserve(PartialName(hyper) + "Lanes");
            }

            // This step's gradient; the user's gradient name holds the previous step's, which the partials read.
            _nextGradient = _names.Unique(_model.GradientName + "Next");
            _names.Reserve(_nextGradient + "Buffer");
        }

        // Whether this chunk's write-only buffers take non-temporal stores (see HyperGen.VectorStores).
        _streaming = _names.Unique("streaming");
        PlanLocals();
    }

    public void Write(CodeWriter w, string methodName, string summary)
    {
        w.Line($"/// <summary>{summary}</summary>");
        string signature = _kind == KernelKind.Reduction
            ? $"private static void {methodName}(in global::HyperGen.HypergradientChunk<{_p.Type}> chunk, global::System.ReadOnlySpan<{_p.Type}> raw, int stepIndex, global::System.Span<double> hypergradients)"
            : $"private static void {methodName}(in global::HyperGen.LevelChunk<{_p.Type}> chunk, global::System.ReadOnlySpan<{_p.Type}> raw, int stepIndex)";
        using (w.Block(signature))
        {
            WriteInvariants(w);
            WriteBufferRefs(w);
            w.Line("int n = chunk.Length;");
            w.Line("nuint i = 0;");
            WriteSums(w);
            if (_program.IsVectorizable)
            {
                w.Line();
                WriteVectorLoop(w, VectorFlavor.Wide);
                w.Line();
                WriteVectorLoop(w, VectorFlavor.Sized);
            }
            else
            {
                w.Line("// A function without a Vector<T> form runs per element, so this step has no vector loop.");
            }

            w.Line();
            WriteScalarLoop(w);
            WriteSumsOut(w);
        }
    }

    private IEnumerable<int> AccumulatedPartials()
    {
        for (int j = 0; j < _program.PartialOutputs.Count; j++)
        {
            if (_program.PartialOutputs[j] >= 0)
            {
                yield return j;
            }
        }
    }

    private void WriteSums(CodeWriter w)
    {
        if (_kind != KernelKind.Reduction)
        {
            return;
        }

        foreach (int j in AccumulatedPartials())
        {
            w.Line($"double {PartialName(_model.Hypers[j])}Sum = 0;");
        }
    }

    private void WriteSumsOut(CodeWriter w)
    {
        if (_kind != KernelKind.Reduction)
        {
            return;
        }

        w.Line();
        foreach (int j in AccumulatedPartials())
        {
            w.Line($"hypergradients[{j}] += {PartialName(_model.Hypers[j])}Sum;");
        }
    }

    private IEnumerable<string> BufferNames()
    {
        yield return _model.WeightName + "Buffer";
        yield return _model.GradientName + "Buffer";
        yield return _model.GradientName + "CopyBuffer";
        foreach (StateModel state in _model.States)
        {
            yield return state.Name + "Buffer";
            yield return state.Name + "NextBuffer";
        }

        foreach (HyperPlan hyper in _model.Hypers)
        {
            yield return PartialName(hyper) + "Buffer";
        }
    }

    private static string PartialName(HyperPlan hyper) => hyper.PartialName;

    private void PlanLocals()
    {
        var hasVaryingParent = new bool[_nodes.Length];
        for (int n = 0; n < _nodes.Length; n++)
        {
            foreach (int arg in _nodes[n].Args)
            {
                if (_nodes[n].IsVarying)
                {
                    hasVaryingParent[arg] = true;
                }
            }
        }

        // Outputs are stored per element, so a loop-invariant output needs its vector form too.
        foreach (int output in Outputs())
        {
            hasVaryingParent[output] = true;
        }

        for (int n = 0; n < _nodes.Length; n++)
        {
            ProgramNode node = _nodes[n];
            bool leaf = node.Op is Op.Weight or Op.Gradient or Op.State or Op.Hyper or Op.StepIndex;
            if (node.Op == Op.Const)
            {
                continue;
            }

            bool invariantFeedingLoop = !node.IsVarying && hasVaryingParent[n];
            if (leaf || node.Uses > 1 || node.Name is not null || invariantFeedingLoop)
            {
                _locals[n] = _names.Unique(LocalNames.LeafName(_model, node) ?? node.Name ?? (node.IsVarying ? "u" : "k"));
            }

            if (invariantFeedingLoop)
            {
                // The vector copy is a name of its own: the user may have a local called alphaVector too.
                _splats[n] = _names.Unique(_locals[n] + "Vector");
            }
        }

        if (_kind == KernelKind.Reduction)
        {
            PlanReciprocals();
        }
    }

    /// <summary>
    /// In the reduction, division by a loop-invariant value becomes multiplication by its reciprocal, computed once
    /// per call, and a per-element value divided by more than once gets its reciprocal computed once per element:
    /// vector division is several times slower than multiplication, and the recomputed partials are division-heavy. The partials may differ from the update's in the last bit, which a sum of millions of them
    /// does not notice; the updates themselves keep the user's divisions, so they compute exactly the user's step.
    /// </summary>
    private void PlanReciprocals()
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
                    _reciprocals[arg] ??= _names.Unique(_locals[arg] + "Reciprocal");
                    _reciprocalSplats[arg] ??= _names.Unique(_locals[arg] + "ReciprocalVector");
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
                _reciprocals[n] = _names.Unique(_locals[n] + "Reciprocal");
                _reciprocalSplats[n] = _reciprocals[n];
            }
        }

        for (int n = 0; n < _nodes.Length; n++)
        {
            if (_reciprocals[n] is not null && !_nodes[n].IsVarying && otherLoopUses[n] == 0)
            {
                // Only ever divided by: the loop needs the reciprocal's vector, not the value's.
                _splats[n] = null;
            }
        }
    }

    private IEnumerable<int> Outputs()
    {
        if (_program.WeightOutput >= 0)
        {
            yield return _program.WeightOutput;
        }

        foreach (int state in _program.StateOutputs)
        {
            if (state >= 0)
            {
                yield return state;
            }
        }

        foreach (int partial in _program.PartialOutputs)
        {
            if (partial >= 0)
            {
                yield return partial;
            }
        }
    }

    private void WriteInvariants(CodeWriter w)
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
                w.Line("// Loop-invariant values: the hyperparameters in their domains and what depends only on them.");
                any = true;
            }

            string value = node.Op switch
            {
                Op.Hyper => $"raw[{node.Index}]",
                Op.StepIndex => "stepIndex",
                _ => Expression(n, vector: false, parentPrecedence: 0, useLocal: false),
            };
            w.Line($"{_p.Type} {_locals[n]} = {value};");
            if (_reciprocals[n] is { } reciprocal)
            {
                w.Line($"{_p.Type} {reciprocal} = {_p.Literal(1)} / {_locals[n]};");
            }
        }

        if (any)
        {
            w.Line();
        }
    }

    private const string AsRef = "global::System.Runtime.CompilerServices.Unsafe.AsRef";

    private void WriteBufferRefs(CodeWriter w)
    {
        if (_kind == KernelKind.Reduction)
        {
            WriteReductionBufferRefs(w);
            return;
        }

        w.Line($"ref {_p.Type} {_model.WeightName}Buffer = ref chunk.Weights;");
        if (Reads(Op.Gradient, 0) || _kind == KernelKind.UpdateKeepingInputs)
        {
            w.Line($"ref {_p.Type} {_model.GradientName}Buffer = ref {AsRef}(in chunk.Gradients);");
        }

        for (int k = 0; k < _model.States.Count; k++)
        {
            if (KeepsState)
            {
                w.Line($"ref {_p.Type} {_model.States[k].Name}Buffer = ref chunk.State({k});");
                w.Line($"ref {_p.Type} {NextStateBuffer(k)} = ref chunk.NextState({k});");
            }
            else if (Reads(Op.State, k) || _program.StateOutputs[k] >= 0)
            {
                w.Line($"ref {_p.Type} {_model.States[k].Name}Buffer = ref chunk.State({k});");
            }
        }

        if (_kind == KernelKind.UpdateKeepingInputs)
        {
            w.Line($"ref {_p.Type} {GradientCopyBuffer} = ref chunk.GradientCopy;");
        }

        for (int j = 0; j < _program.PartialOutputs.Count; j++)
        {
            if (_program.PartialOutputs[j] >= 0)
            {
                w.Line($"ref {_p.Type} {PartialName(_model.Hypers[j])}Buffer = ref chunk.Partial({j});");
            }
        }
    }

    private void WriteReductionBufferRefs(CodeWriter w)
    {
        w.Line($"ref {_p.Type} {_nextGradient}Buffer = ref {AsRef}(in chunk.Gradients);");
        if (Reads(Op.Gradient, 0))
        {
            w.Line($"ref {_p.Type} {_model.GradientName}Buffer = ref {AsRef}(in chunk.PreviousGradients);");
        }

        for (int k = 0; k < _model.States.Count; k++)
        {
            if (Reads(Op.State, k))
            {
                w.Line($"ref {_p.Type} {_model.States[k].Name}Buffer = ref {AsRef}(in chunk.PreviousState({k}));");
            }
        }
    }

    private bool KeepsState => _kind is KernelKind.UpdateKeepingInputs or KernelKind.UpdateKeepingState;

    private string NextStateBuffer(int k) => _model.States[k].Name + "NextBuffer";

    private string GradientCopyBuffer => _model.GradientName + "CopyBuffer";

    private bool Reads(Op op, int index) => _nodes.Any(n => n.Op == op && n.Index == index);

    private void WriteVectorLoop(CodeWriter w, VectorFlavor flavor)
    {
        _v = flavor;
        string vectorType = flavor.Type(_p);
        using (w.Block($"if ({flavor.Class}.IsHardwareAccelerated && (nuint)n - i >= (nuint){vectorType}.Count)"))
        {
            for (int n = 0; n < _nodes.Length; n++)
            {
                if (_splats[n] is not null)
                {
                    w.Line($"{vectorType} {_splats[n]} = {flavor.Splat(_p, _locals[n]!)};");
                }

                if (_reciprocalSplats[n] is not null && !_nodes[n].IsVarying)
                {
                    w.Line($"{vectorType} {_reciprocalSplats[n]} = {flavor.Splat(_p, _reciprocals[n]!)};");
                }
            }

            if (_kind == KernelKind.Reduction)
            {
                foreach (int j in AccumulatedPartials())
                {
                    w.Line($"{vectorType} {PartialName(_model.Hypers[j])}Lanes = {vectorType}.Zero;");
                }
            }

            if (StreamsStores)
            {
                w.Line($"bool {_streaming} = chunk.StreamingStores;");
            }

            w.Line($"nuint width = (nuint){vectorType}.Count;");
            using (w.Block("for (; i + width <= (nuint)n; i += width)"))
            {
                WriteBody(w, vector: true);
            }

            if (StreamsStores)
            {
                w.Line($"if ({_streaming}) global::HyperGen.VectorStores.EndStreaming();");
            }

            if (_kind == KernelKind.Reduction)
            {
                w.Line();

                // One block's lanes hold few enough terms that their rounding stays far below the tolerance; the
                // sums across lanes and blocks are in double.
                foreach (int j in AccumulatedPartials())
                {
                    w.Line($"{PartialName(_model.Hypers[j])}Sum += {flavor.Call("Sum", PartialName(_model.Hypers[j]) + "Lanes")};");
                }
            }
        }
    }

    private void WriteScalarLoop(CodeWriter w)
    {
        using (w.Block("for (; i < (nuint)n; i++)"))
        {
            WriteBody(w, vector: false);
        }
    }

    private void WriteBody(CodeWriter w, bool vector)
    {
        string type = vector ? _v.Type(_p) : _p.Type;
        if (_kind == KernelKind.Reduction)
        {
            w.Line($"{type} {_nextGradient} = {Load(_nextGradient + "Buffer", vector)};");
        }

        for (int n = 0; n < _nodes.Length; n++)
        {
            ProgramNode node = _nodes[n];
            if (!node.IsVarying || _locals[n] is null)
            {
                continue;
            }

            string value = node.Op switch
            {
                Op.Weight => Load(_model.WeightName + "Buffer", vector),
                Op.Gradient => Load(_model.GradientName + "Buffer", vector),
                Op.State => Load(_model.States[node.Index].Name + "Buffer", vector),
                _ => Expression(n, vector, parentPrecedence: 0, useLocal: false),
            };
            w.Line($"{type} {_locals[n]} = {value};");
            if (_reciprocals[n] is { } reciprocal)
            {
                string one = vector ? $"{_v.Type(_p)}.One" : _p.Literal(1);
                w.Line($"{type} {reciprocal} = {one} / {_locals[n]};");
            }
        }

        if (_kind == KernelKind.Reduction)
        {
            foreach (int j in AccumulatedPartials())
            {
                string partial = Expression(_program.PartialOutputs[j], vector, parentPrecedence: 3, useLocal: true);
                w.Line(vector
                    ? $"{PartialName(_model.Hypers[j])}Lanes += {_nextGradient} * {partial};"
                    : $"{PartialName(_model.Hypers[j])}Sum += {_nextGradient} * {partial};");
            }

            return;
        }

        if (!IsLeaf(_program.WeightOutput, Op.Weight))
        {
            Store(w, _model.WeightName + "Buffer", _program.WeightOutput, vector);
        }

        for (int k = 0; k < _program.StateOutputs.Count; k++)
        {
            if (KeepsState)
            {
                // The old state stays where it is for the next step; unchanged variables are carried over.
                if (_program.StateOutputs[k] >= 0)
                {
                    Store(w, NextStateBuffer(k), _program.StateOutputs[k], vector, streamed: true);
                }
                else
                {
                    StoreText(w, NextStateBuffer(k), StateLeafLocal(k) ?? Load(_model.States[k].Name + "Buffer", vector), vector, streamed: true);
                }
            }
            else if (_program.StateOutputs[k] >= 0)
            {
                Store(w, _model.States[k].Name + "Buffer", _program.StateOutputs[k], vector);
            }
        }

        if (_kind == KernelKind.UpdateKeepingInputs)
        {
            StoreText(w, GradientCopyBuffer, LeafLocal(Op.Gradient, 0) ?? Load(_model.GradientName + "Buffer", vector), vector, streamed: true);
        }

        for (int j = 0; j < _program.PartialOutputs.Count; j++)
        {
            if (_program.PartialOutputs[j] >= 0)
            {
                Store(w, PartialName(_model.Hypers[j]) + "Buffer", _program.PartialOutputs[j], vector, streamed: true);
            }
        }
    }

    private bool IsLeaf(int n, Op op) => _nodes[n].Op == op;

    private string? StateLeafLocal(int k) => LeafLocal(Op.State, k);

    private string? LeafLocal(Op op, int index)
    {
        for (int n = 0; n < _nodes.Length; n++)
        {
            if (_nodes[n].Op == op && _nodes[n].Index == index)
            {
                return _locals[n];
            }
        }

        return null;
    }

    private string Load(string buffer, bool vector) => vector
        ? $"{_v.Class}.LoadUnsafe(ref {buffer}, i)"
        : $"global::System.Runtime.CompilerServices.Unsafe.Add(ref {buffer}, i)";

    private void Store(CodeWriter w, string buffer, int node, bool vector, bool streamed = false) =>
        StoreText(w, buffer, Expression(node, vector, parentPrecedence: 0, useLocal: true), vector, streamed);

    /// <summary>
    /// Writes one store; <paramref name="streamed"/> marks the buffers nothing reads again within the step (new state
    /// kept apart, gradient copy, partials), which the vector loop may write past the cache.
    /// </summary>
    private void StoreText(CodeWriter w, string buffer, string value, bool vector, bool streamed = false)
    {
        if (!vector)
        {
            w.Line($"global::System.Runtime.CompilerServices.Unsafe.Add(ref {buffer}, i) = {value};");
        }
        else if (streamed)
        {
            w.Line($"global::HyperGen.VectorStores.Store({value}, ref {buffer}, i, {_streaming});");
        }
        else
        {
            w.Line($"{_v.Class}.StoreUnsafe({value}, ref {buffer}, i);");
        }
    }

    /// <summary>Whether the vector loop writes a buffer that may take non-temporal stores.</summary>
    private bool StreamsStores =>
        _kind == KernelKind.UpdateKeepingInputs
        || (KeepsState && _program.StateOutputs.Count > 0)
        || (_kind == KernelKind.Update && _program.PartialOutputs.Any(node => node >= 0));

    /// <summary>Renders node <paramref name="n"/>; precedences: 1 additive, 2 multiplicative, 3 unary, 4 primary.</summary>
    private string Expression(int n, bool vector, int parentPrecedence, bool useLocal = true)
    {
        ProgramNode node = _nodes[n];
        if (useLocal && _locals[n] is { } local)
        {
            return vector && !node.IsVarying ? _splats[n]! : local;
        }

        if (vector && !node.IsVarying && node.Op != Op.Const)
        {
            // Only reachable for invariant nodes inside invariant conditions, which are rendered as scalars.
            return Expression(n, vector: false, parentPrecedence, useLocal);
        }

        string Arg(int index, int precedence) => Expression(node.Args[index], vector, precedence);

        switch (node.Op)
        {
            case Op.Const:
                if (vector)
                {
                    return _v.Splat(_p, _p.Literal(node.Value));
                }

                return ScalarSyntax.Constant(_p, node.Value, parentPrecedence);
            case Op.Div when node.IsVarying && _reciprocals[node.Args[1]] is { } reciprocal:
                return ScalarSyntax.Wrap($"{Arg(0, 2)} * {(vector ? _reciprocalSplats[node.Args[1]] : reciprocal)}", 2, parentPrecedence);
            case Op.Add or Op.Sub or Op.Mul or Op.Div or Op.Neg:
                return ScalarSyntax.Arithmetic(node.Op, Arg, parentPrecedence)!;
            case Op.Call:
            {
                Primitive primitive = Primitives.Get(node.Func);
                string args = string.Join(", ", node.Args.Select(a => Expression(a, vector, 0)));
                return vector
                    ? _v.Call(_v.MethodOf(primitive), args)
                    : $"{_p.Math}.{primitive.MethodName}({args})";
            }

            case Op.Select:
                return Select(node, vector, parentPrecedence);
            default:
                return _locals[n] ?? node.Op.ToString();
        }
    }

    private string Select(ProgramNode node, bool vector, int parentPrecedence)
    {
        bool conditionVaries = _nodes[node.Args[0]].IsVarying || _nodes[node.Args[1]].IsVarying;
        if (vector && conditionVaries)
        {
            string left = Expression(node.Args[0], vector: true, 0);
            string right = Expression(node.Args[1], vector: true, 0);
            string mask = node.Cmp switch
            {
                Cmp.Lt => _v.Call("LessThan", $"{left}, {right}"),
                Cmp.Le => _v.Call("LessThanOrEqual", $"{left}, {right}"),
                Cmp.Gt => _v.Call("GreaterThan", $"{left}, {right}"),
                Cmp.Ge => _v.Call("GreaterThanOrEqual", $"{left}, {right}"),
                Cmp.Eq => _v.Call("Equals", $"{left}, {right}"),
                _ => _v.Call("OnesComplement", _v.Call("Equals", $"{left}, {right}")),
            };
            return _v.Call("ConditionalSelect", $"{mask}, {Expression(node.Args[2], true, 0)}, {Expression(node.Args[3], true, 0)}");
        }

        string condition = $"{Expression(node.Args[0], false, 1)} {ScalarSyntax.Comparison(node.Cmp)} {Expression(node.Args[1], false, 1)}";
        return $"({condition} ? {Expression(node.Args[2], vector, 0)} : {Expression(node.Args[3], vector, 0)})";
    }
}
