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
/// Writes one CPU kernel method from a <see cref="KernelProgram"/>: loop-invariant values first (hyperparameters in
/// their domains and everything that depends only on them), then a Vector512&lt;T&gt; loop (where the machine has
/// one), a Vector&lt;T&gt; loop and a scalar loop for the remainder, all computing the same nodes. The values and
/// expressions are the <see cref="ProgramPrinter"/>'s; this class writes the buffers, the loops and the stores.
/// </summary>
internal sealed class KernelEmitter
{
    private readonly OptimizerPlan _plan;
    private readonly KernelProgram _program;
    private readonly Precision _p;
    private readonly KernelKind _kind;
    private readonly CodeAliases _aliases;
    private readonly ScalarLanes _scalar;
    private readonly string _nextGradient = "";
    private readonly string _streaming;
    private readonly ProgramPrinter _printer;

    public KernelEmitter(OptimizerPlan plan, KernelProgram program, Precision precision, KernelKind kind = KernelKind.Update)
    {
        _plan = plan;
        _program = program;
        _p = precision;
        _kind = kind;
        _aliases = plan.Aliases;
        _scalar = new ScalarLanes(precision, precision.IsSingle ? _aliases.MathF : _aliases.Math, gpu: false);
        var names = new LocalNames(["chunk", "raw", "stepIndex", "n", "i", "width", .. _aliases.All().Select(a => a.Alias)]);
        foreach (string buffer in BufferNames())
        {
            names.Reserve(buffer);
        }

        if (kind == KernelKind.Reduction)
        {
            names.Reserve("hypergradients");
            foreach (HyperPlan hyper in _plan.Hypers)
            {
                names.Reserve(hyper.PartialName + "Sum");
                names.Reserve(hyper.PartialName + "Lanes");
            }

            // This step's gradient; the user's gradient name holds the previous step's, which the partials read.
            _nextGradient = names.Unique(_plan.GradientName + "Next");
            names.Reserve(_nextGradient + "Buffer");
        }

        // Whether this chunk's write-only buffers take non-temporal stores (see HyperGen.VectorStores).
        _streaming = names.Unique("streaming");
        _printer = new ProgramPrinter(program, names, vectorCopies: program.IsVectorizable, reciprocals: kind == KernelKind.Reduction);
    }

    public void Write(CodeWriter w, string methodName, string summary)
    {
        w.Line($"/// <summary>{summary}</summary>");
        string signature = _kind == KernelKind.Reduction
            ? $"private static void {methodName}(in global::HyperGen.HypergradientChunk<{_p.Type}> chunk, global::System.ReadOnlySpan<{_p.Type}> raw, int stepIndex, global::System.Span<double> hypergradients)"
            : $"private static void {methodName}(in global::HyperGen.LevelChunk<{_p.Type}> chunk, global::System.ReadOnlySpan<{_p.Type}> raw, int stepIndex)";
        using (w.Block(signature))
        {
            _printer.WriteInvariants(w, "// Loop-invariant values: the hyperparameters in their domains and what depends only on them.", _scalar);
            WriteBufferRefs(w);
            w.Line("int n = chunk.Length;");
            w.Line("nuint i = 0;");
            WriteSums(w);
            if (_program.IsVectorizable)
            {
                w.Line();
                WriteVectorLoop(w, new VectorLanes(_scalar, VectorFlavor.Wide(_aliases)));
                w.Line();
                WriteVectorLoop(w, new VectorLanes(_scalar, VectorFlavor.Sized(_aliases)));
            }
            else
            {
                w.Line("// A function without a Vector<T> form runs per element, so this step has no vector loop.");
            }

            w.Line();
            using (w.Block("for (; i < (nuint)n; i++)"))
            {
                WriteBody(w, _scalar);
            }

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

    private string PartialName(int j) => _plan.Hypers[j].PartialName;

    private void WriteSums(CodeWriter w)
    {
        if (_kind != KernelKind.Reduction)
        {
            return;
        }

        foreach (int j in AccumulatedPartials())
        {
            w.Line($"double {PartialName(j)}Sum = 0;");
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
            w.Line($"hypergradients[{j}] += {PartialName(j)}Sum;");
        }
    }

    private IEnumerable<string> BufferNames()
    {
        yield return _plan.WeightName + "Buffer";
        yield return _plan.GradientName + "Buffer";
        yield return GradientCopyBuffer;
        for (int k = 0; k < _plan.States.Count; k++)
        {
            yield return StateBuffer(k);
            yield return NextStateBuffer(k);
        }

        foreach (HyperPlan hyper in _plan.Hypers)
        {
            yield return hyper.PartialName + "Buffer";
        }
    }

    private void WriteBufferRefs(CodeWriter w)
    {
        string asRef = $"{_aliases.Unsafe}.AsRef";
        if (_kind == KernelKind.Reduction)
        {
            w.Line($"ref {_p.Type} {_nextGradient}Buffer = ref {asRef}(in chunk.Gradients);");
            if (_printer.Reads(Op.Gradient))
            {
                w.Line($"ref {_p.Type} {_plan.GradientName}Buffer = ref {asRef}(in chunk.PreviousGradients);");
            }

            for (int k = 0; k < _plan.States.Count; k++)
            {
                if (_printer.Reads(Op.State, k))
                {
                    w.Line($"ref {_p.Type} {StateBuffer(k)} = ref {asRef}(in chunk.PreviousState({k}));");
                }
            }

            return;
        }

        w.Line($"ref {_p.Type} {_plan.WeightName}Buffer = ref chunk.Weights;");
        if (_printer.Reads(Op.Gradient) || _kind == KernelKind.UpdateKeepingInputs)
        {
            w.Line($"ref {_p.Type} {_plan.GradientName}Buffer = ref {asRef}(in chunk.Gradients);");
        }

        for (int k = 0; k < _plan.States.Count; k++)
        {
            if (KeepsState)
            {
                w.Line($"ref {_p.Type} {StateBuffer(k)} = ref chunk.State({k});");
                w.Line($"ref {_p.Type} {NextStateBuffer(k)} = ref chunk.NextState({k});");
            }
            else if (_printer.Reads(Op.State, k) || _program.StateOutputs[k] >= 0)
            {
                w.Line($"ref {_p.Type} {StateBuffer(k)} = ref chunk.State({k});");
            }
        }

        if (_kind == KernelKind.UpdateKeepingInputs)
        {
            w.Line($"ref {_p.Type} {GradientCopyBuffer} = ref chunk.GradientCopy;");
        }

        foreach (int j in AccumulatedPartials())
        {
            w.Line($"ref {_p.Type} {PartialName(j)}Buffer = ref chunk.Partial({j});");
        }
    }

    private bool KeepsState => _kind is KernelKind.UpdateKeepingInputs or KernelKind.UpdateKeepingState;

    private string StateBuffer(int k) => _plan.States[k].Name + "Buffer";

    private string NextStateBuffer(int k) => _plan.States[k].Name + "NextBuffer";

    private string GradientCopyBuffer => _plan.GradientName + "CopyBuffer";

    private void WriteVectorLoop(CodeWriter w, VectorLanes lanes)
    {
        VectorFlavor flavor = lanes.Flavor;
        using (w.Block($"if ({flavor.Class}.IsHardwareAccelerated && (nuint)n - i >= (nuint){lanes.Type}.Count)"))
        {
            _printer.WriteVectorCopies(w, lanes);
            if (_kind == KernelKind.Reduction)
            {
                foreach (int j in AccumulatedPartials())
                {
                    w.Line($"{lanes.Type} {PartialName(j)}Lanes = {lanes.Type}.Zero;");
                }
            }

            if (StreamsStores)
            {
                w.Line($"bool {_streaming} = chunk.StreamingStores;");
            }

            w.Line($"nuint width = (nuint){lanes.Type}.Count;");
            using (w.Block("for (; i + width <= (nuint)n; i += width)"))
            {
                WriteBody(w, lanes);
            }

            if (StreamsStores)
            {
                using (w.Block($"if ({_streaming})"))
                {
                    w.Line($"{_aliases.VectorStores}.EndStreaming();");
                }
            }

            if (_kind == KernelKind.Reduction)
            {
                w.Line();

                // One block's lanes hold few enough terms that their rounding stays far below the tolerance; the
                // sums across lanes and blocks are in double.
                foreach (int j in AccumulatedPartials())
                {
                    w.Line($"{PartialName(j)}Sum += {flavor.Call("Sum", PartialName(j) + "Lanes")};");
                }
            }
        }
    }

    private void WriteBody(CodeWriter w, Lanes lanes)
    {
        if (_kind == KernelKind.Reduction)
        {
            w.Line($"{lanes.Type} {_nextGradient} = {Load(_nextGradient + "Buffer", lanes)};");
        }

        _printer.WriteVaryingLocals(w, lanes, node => node.Op switch
        {
            Op.Weight => Load(_plan.WeightName + "Buffer", lanes),
            Op.Gradient => Load(_plan.GradientName + "Buffer", lanes),
            _ => Load(StateBuffer(node.Index), lanes),
        });

        if (_kind == KernelKind.Reduction)
        {
            foreach (int j in AccumulatedPartials())
            {
                string partial = _printer.Expression(_program.PartialOutputs[j], lanes, parentPrecedence: 3);
                w.Line(lanes.IsVector
                    ? $"{PartialName(j)}Lanes += {_nextGradient} * {partial};"
                    : $"{PartialName(j)}Sum += {_nextGradient} * {partial};");
            }

            return;
        }

        if (_printer.Nodes[_program.WeightOutput].Op != Op.Weight)
        {
            Store(w, _plan.WeightName + "Buffer", _program.WeightOutput, lanes);
        }

        for (int k = 0; k < _program.StateOutputs.Count; k++)
        {
            if (KeepsState)
            {
                // The old state stays where it is for the next step; unchanged variables are carried over.
                if (_program.StateOutputs[k] >= 0)
                {
                    Store(w, NextStateBuffer(k), _program.StateOutputs[k], lanes, streamed: true);
                }
                else
                {
                    StoreText(w, NextStateBuffer(k), _printer.LeafLocal(Op.State, k) ?? Load(StateBuffer(k), lanes), lanes, streamed: true);
                }
            }
            else if (_program.StateOutputs[k] >= 0)
            {
                Store(w, StateBuffer(k), _program.StateOutputs[k], lanes);
            }
        }

        if (_kind == KernelKind.UpdateKeepingInputs)
        {
            StoreText(w, GradientCopyBuffer, _printer.LeafLocal(Op.Gradient) ?? Load(_plan.GradientName + "Buffer", lanes), lanes, streamed: true);
        }

        foreach (int j in AccumulatedPartials())
        {
            Store(w, PartialName(j) + "Buffer", _program.PartialOutputs[j], lanes, streamed: true);
        }
    }

    private string Load(string buffer, Lanes lanes) => lanes is VectorLanes vector
        ? $"{vector.Flavor.Class}.LoadUnsafe(ref {buffer}, i)"
        : $"{_aliases.Unsafe}.Add(ref {buffer}, i)";

    private void Store(CodeWriter w, string buffer, int node, Lanes lanes, bool streamed = false) =>
        StoreText(w, buffer, _printer.Expression(node, lanes, parentPrecedence: 0), lanes, streamed);

    /// <summary>
    /// Writes one store; <paramref name="streamed"/> marks the buffers nothing reads again within the step (new state
    /// kept apart, gradient copy, partials), which the vector loop may write past the cache.
    /// </summary>
    private void StoreText(CodeWriter w, string buffer, string value, Lanes lanes, bool streamed = false)
    {
        if (lanes is not VectorLanes vector)
        {
            w.Line($"{_aliases.Unsafe}.Add(ref {buffer}, i) = {value};");
        }
        else if (streamed)
        {
            w.Line($"{_aliases.VectorStores}.Store({value}, ref {buffer}, i, {_streaming});");
        }
        else
        {
            w.Line($"{vector.Flavor.Class}.StoreUnsafe({value}, ref {buffer}, i);");
        }
    }

    /// <summary>Whether the vector loop writes a buffer that may take non-temporal stores.</summary>
    private bool StreamsStores =>
        _kind == KernelKind.UpdateKeepingInputs
        || (KeepsState && _program.StateOutputs.Count > 0)
        || (_kind == KernelKind.Update && _program.PartialOutputs.Any(node => node >= 0));
}
