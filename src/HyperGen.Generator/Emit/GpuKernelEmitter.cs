using System.Globalization;
using System.Linq;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Emit;

/// <summary>
/// Writes one ILGPU kernel from a <see cref="KernelProgram"/>: one thread updates one element. The kernel is a
/// plain static method, as ILGPU wants it: the index first, then array views and scalars; no allocation, no
/// exceptions, no MathF.Sign or Math.Clamp (the program never contains them), every value a scalar local.
/// </summary>
/// <remarks>
/// Every kernel has the same signature, so a tower loads any optimizer's kernel through one delegate type:
/// <c>(Index1D index, ArrayView&lt;T&gt; weights, ArrayView&lt;T&gt; gradients, ArrayView&lt;T&gt; state,
/// ArrayView&lt;T&gt; partials, ArrayView&lt;T&gt; raw, ArrayView&lt;int&gt; refusal, int count, int stepIndex, int threads)</c>.
/// A thread first reads <c>refusal[0]</c>: nonzero means the tower refused the step (it met a NaN or an infinity
/// before this update), and the kernel writes nothing. State variable k of element i
/// is <c>state[k * count + i]</c> and partial j is <c>partials[j * count + i]</c>, the CPU tower's layout. The
/// raw hyperparameters are read from device memory, so the level above can update them without a copy to the host.
/// Each thread walks the elements with a grid stride, so the hyperparameter-only values (tanh, pow of the step
/// index...) are computed once per thread, not once per element, and the update stays memory-bound.
/// </remarks>
internal sealed class GpuKernelEmitter
{
    /// <summary>Names the kernel's parameters take; user names that collide get a suffix.</summary>
    private static readonly string[] s_reserved =
    {
        "index", "i", "weights", "gradients", "state", "partials", "raw", "count", "stepIndex", "threads",
        "stateIn", "stateOut", "stateBefore", "savedGradients", "blockSums", "stride", "thread", "shared", "half", "gradient",
        "refusal",
    };

    private readonly OptimizerPlan _model;
    private readonly KernelProgram _program;
    private readonly Precision _p;
    private readonly ScalarLanes _lanes;
    private readonly ProgramPrinter _printer;
    private string _stateRead = "state";
    private string _gradientRead = "gradients";

    public GpuKernelEmitter(OptimizerPlan model, KernelProgram program, Precision precision)
    {
        _model = model;
        _program = program;
        _p = precision;
        _lanes = new ScalarLanes(precision, precision.Math, gpu: true);
        _printer = new ProgramPrinter(program, new LocalNames(s_reserved), vectorCopies: false, reciprocals: false);
    }

    /// <summary>
    /// The level-1 update that keeps its inputs for the next step's reduction: reads the state from
    /// <c>stateIn</c>, writes the new state to <c>stateOut</c> (double-buffered, so the old state survives) and
    /// saves the gradient after the state in <c>stateOut</c>. Used with <see cref="WriteReduction"/>.
    /// </summary>
    public void WriteKeepingInputs(CodeWriter w, string methodName, string summary)
    {
        string view = $"global::ILGPU.ArrayView<{_p.Type}>";
        w.Line($"/// <summary>{summary}</summary>");
        w.Line("/// <param name=\"index\">The first element this thread updates.</param>");
        w.Line("/// <param name=\"weights\">The weights, updated in place.</param>");
        w.Line("/// <param name=\"gradients\">Their gradients.</param>");
        w.Line("/// <param name=\"stateIn\">The state before the step, variable-major: variable k of element i at k * count + i.</param>");
        w.Line($"/// <param name=\"stateOut\">The state after the step, same layout, followed by the saved gradients at {ElementAt(_model.States.Count)}.</param>");
        w.Line("/// <param name=\"raw\">The raw hyperparameters, on the device.</param>");
        w.Line(RefusalDocumentation);
        w.Line("/// <param name=\"count\">The number of elements.</param>");
        w.Line("/// <param name=\"stepIndex\">The 1-based step index.</param>");
        w.Line("/// <param name=\"threads\">The threads launched: each updates every threads-th element from its index on.</param>");
        _stateRead = "stateIn";
        using (w.Block($"public static void {methodName}(global::ILGPU.Index1D index, {view} weights, {view} gradients, {view} stateIn, {view} stateOut, {view} raw, global::ILGPU.ArrayView<int> refusal, int count, int stepIndex, int threads)"))
        {
            WriteRefusalCheck(w);
            WriteInvariants(w);
            using (w.Block("for (int i = index; i < count; i += threads)"))
            {
                WriteVaryingLocals(w);
                if (_printer.Nodes[_program.WeightOutput].Op != Op.Weight)
                {
                    w.Line($"weights[i] = {Expression(_program.WeightOutput, 0)};");
                }

                for (int k = 0; k < _model.States.Count; k++)
                {
                    int output = _program.StateOutputs[k];
                    string at = ElementAt(k);
                    w.Line($"stateOut[{at}] = {(output >= 0 ? Expression(output, 0) : $"stateIn[{at}]")};");
                }

                w.Line($"stateOut[{ElementAt(_model.States.Count)}] = {_printer.LeafLocal(Op.Gradient) ?? "gradients[i]"};");
            }
        }
    }

    /// <summary>
    /// The hypergradient reduction of level 1 with the partials recomputed: per block, sum over its elements of
    /// the new gradient times each partial of the previous step, the partials computed from that step's saved
    /// gradient, the state before it, and the raw hyperparameters it used (not yet updated when this runs).
    /// Explicitly grouped: a grid-stride loop, then a tree in shared memory; sums in double. The emitter's program
    /// is the partials-only one (<see cref="OptimizerPlan.GpuPartials"/>).
    /// </summary>
    public void WriteReduction(CodeWriter w, string methodName, string summary)
    {
        string view = $"global::ILGPU.ArrayView<{_p.Type}>";
        int hypers = _model.Hypers.Count;
        w.Line($"/// <summary>{summary}</summary>");
        w.Lines($"""
            /// <param name="gradients">The new gradients.</param>
            /// <param name="stateBefore">The state before the previous step (variable-major).</param>
            /// <param name="savedGradients">The previous step's gradients.</param>
            /// <param name="raw">The raw hyperparameters the previous step used.</param>
            /// <param name="blockSums">Per block, the {Int(hypers)} sums, block-major.</param>
            /// <param name="count">The number of elements.</param>
            /// <param name="stepIndex">The previous step's 1-based index.</param>
            """);
        _stateRead = "stateBefore";
        _gradientRead = "savedGradients";
        using (w.Block($"public static void {methodName}({view} gradients, {view} stateBefore, {view} savedGradients, {view} raw, global::ILGPU.ArrayView<double> blockSums, int count, int stepIndex)"))
        {
            WriteInvariants(w);
            for (int j = 0; j < hypers; j++)
            {
                w.Line($"double sum{Int(j)} = 0;");
            }

            w.Line("int stride = global::ILGPU.Grid.DimX * global::ILGPU.Group.DimX;");
            using (w.Block("for (int i = global::ILGPU.Grid.GlobalIndex.X; i < count; i += stride)"))
            {
                WriteVaryingLocals(w);
                w.Line("double gradient = gradients[i];");
                for (int j = 0; j < hypers; j++)
                {
                    int output = _program.PartialOutputs[j];
                    if (output >= 0)
                    {
                        w.Line($"sum{Int(j)} += gradient * {Expression(output, 3)};");
                    }
                }
            }

            w.Line();
            w.Line($"// Tree reduction in shared memory, {Int(GroupSize)} threads at most per block.");
            w.Line($"global::ILGPU.ArrayView<double> shared = global::ILGPU.SharedMemory.Allocate<double>({Int(GroupSize * hypers)});");
            w.Line("int thread = global::ILGPU.Group.IdxX;");
            for (int j = 0; j < hypers; j++)
            {
                w.Line($"shared[{Offset(j)}thread] = sum{Int(j)};");
            }

            w.Line("global::ILGPU.Group.Barrier();");
            using (w.Block("for (int half = global::ILGPU.Group.DimX / 2; half > 0; half /= 2)"))
            {
                using (w.Block("if (thread < half)"))
                {
                    for (int j = 0; j < hypers; j++)
                    {
                        w.Line($"shared[{Offset(j)}thread] += shared[{Offset(j)}thread + half];");
                    }
                }

                w.Line();
                w.Line("global::ILGPU.Group.Barrier();");
            }

            w.Line();
            using (w.Block("if (thread == 0)"))
            {
                for (int j = 0; j < hypers; j++)
                {
                    w.Line($"blockSums[(global::ILGPU.Grid.IdxX * {Int(hypers)}) + {Int(j)}] = shared[{Int(j * GroupSize)}];");
                }
            }
        }
    }

    /// <summary>The most threads per block the generated reductions handle (HyperGen.Kernels launches at most this).</summary>
    public const int GroupSize = 256;

    private static string Offset(int j) => j == 0 ? "" : $"{Int(j * GroupSize)} + ";

    private void WriteInvariants(CodeWriter w) =>
        _printer.WriteInvariants(w, "// The hyperparameters in their domains and what depends only on them: once per thread, not per element.", _lanes);

    private void WriteVaryingLocals(CodeWriter w) => _printer.WriteVaryingLocals(w, _lanes, node => node.Op switch
    {
        Op.Weight => "weights[i]",
        Op.Gradient => $"{_gradientRead}[i]",
        _ => $"{_stateRead}[{ElementAt(node.Index)}]",
    });

    public void Write(CodeWriter w, string methodName, string summary)
    {
        string view = $"global::ILGPU.ArrayView<{_p.Type}>";
        w.Line($"/// <summary>{summary}</summary>");
        w.Lines("""
            /// <param name="index">The first element this thread updates.</param>
            /// <param name="weights">The values this level updates: the weights, or the raw hyperparameters of the level below.</param>
            /// <param name="gradients">Their gradients (the hypergradient, above level 1).</param>
            /// <param name="state">The per-element state, variable-major: variable k of element i at k * count + i.</param>
            /// <param name="partials">Where the partials go, hyperparameter-major like the state (unused by a plain step).</param>
            /// <param name="raw">This level's raw hyperparameters, on the device.</param>
            """);
        w.Line(RefusalDocumentation);
        w.Lines("""
            /// <param name="count">The number of elements, the stride of state and partials.</param>
            /// <param name="stepIndex">The 1-based step index of this level.</param>
            /// <param name="threads">The threads launched: each updates every threads-th element from its index on.</param>
            """);
        using (w.Block($"public static void {methodName}(global::ILGPU.Index1D index, {view} weights, {view} gradients, {view} state, {view} partials, {view} raw, global::ILGPU.ArrayView<int> refusal, int count, int stepIndex, int threads)"))
        {
            WriteRefusalCheck(w);
            WriteInvariants(w);
            using (w.Block("for (int i = index; i < count; i += threads)"))
            {
                WriteVaryingLocals(w);
                WriteStores(w);
            }
        }
    }

    private const string RefusalDocumentation =
        "/// <param name=\"refusal\">The tower's refusal record: nonzero <c>refusal[0]</c> means this step was refused, and nothing is written.</param>";

    private static void WriteRefusalCheck(CodeWriter w)
    {
        w.Line("// A refused step (the tower met a NaN or an infinity before this update) changes nothing.");
        using (w.Block("if (refusal[0] != 0)"))
        {
            w.Line("return;");
        }

        w.Line();
    }

    private void WriteStores(CodeWriter w)
    {
        if (_printer.Nodes[_program.WeightOutput].Op != Op.Weight)
        {
            w.Line($"weights[i] = {Expression(_program.WeightOutput, 0)};");
        }

        for (int k = 0; k < _program.StateOutputs.Count; k++)
        {
            int output = _program.StateOutputs[k];
            if (output >= 0)
            {
                string at = ElementAt(k);
                w.Line($"state[{at}] = {Expression(output, 0)};");
            }
        }

        for (int j = 0; j < _program.PartialOutputs.Count; j++)
        {
            string at = ElementAt(j);
            int output = _program.PartialOutputs[j];

            // A partial that is identically zero is still written: the buffer is shared by all steps.
            w.Line($"partials[{at}] = {(output >= 0 ? Expression(output, 0) : _p.Literal(0))};");
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Where element i of variable k lies in a variable-major buffer: <c>i</c>, <c>count + i</c>, <c>k * count + i</c>.</summary>
    private static string ElementAt(int k) => k switch
    {
        0 => "i",
        1 => "count + i",
        _ => $"{Int(k)} * count + i",
    };

    private string Expression(int n, int parentPrecedence) => _printer.Expression(n, _lanes, parentPrecedence);
}
