using System.Collections.Generic;
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
/// ArrayView&lt;T&gt; partials, ArrayView&lt;T&gt; raw, int count, int stepIndex, int threads)</c>. State variable k of element i
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
    };

    private readonly OptimizerModel _model;
    private readonly KernelProgram _program;
    private readonly Precision _p;
    private readonly ProgramNode[] _nodes;
    private readonly string?[] _locals;
    private readonly HashSet<string> _taken;

    public GpuKernelEmitter(OptimizerModel model, KernelProgram program, Precision precision)
    {
        _model = model;
        _program = program;
        _p = precision;
        _nodes = program.Nodes.AsSpan().ToArray();
        _locals = new string?[_nodes.Length];
        _taken = new HashSet<string>(s_reserved, System.StringComparer.Ordinal);
        PlanLocals();
    }

    public void Write(CodeWriter w, string methodName, string summary)
    {
        string view = $"global::ILGPU.ArrayView<{_p.Type}>";
        w.Line($"/// <summary>{summary}</summary>");
        w.Line("/// <param name=\"index\">The element this thread updates.</param>");
        w.Line("/// <param name=\"weights\">The values this level updates: the weights, or the raw hyperparameters of the level below.</param>");
        w.Line("/// <param name=\"gradients\">Their gradients (the hypergradient, above level 1).</param>");
        w.Line("/// <param name=\"state\">The per-element state, variable-major: variable k of element i at k * count + i.</param>");
        w.Line("/// <param name=\"partials\">Where the partials go, hyperparameter-major like the state (unused by a plain step).</param>");
        w.Line("/// <param name=\"raw\">This level's raw hyperparameters, on the device.</param>");
        w.Line("/// <param name=\"count\">The number of elements, the stride of state and partials.</param>");
        w.Line("/// <param name=\"stepIndex\">The 1-based step index of this level.</param>");
        w.Line("/// <param name=\"threads\">The threads launched: each updates every threads-th element from its index on.</param>");
        using (w.Block($"public static void {methodName}(global::ILGPU.Index1D index, {view} weights, {view} gradients, {view} state, {view} partials, {view} raw, int count, int stepIndex, int threads)"))
        {
            bool anyInvariant = false;
            for (int n = 0; n < _nodes.Length; n++)
            {
                if (_locals[n] is not null && !_nodes[n].IsVarying)
                {
                    if (!anyInvariant)
                    {
                        w.Line("// The hyperparameters in their domains and what depends only on them: once per thread, not per element.");
                        anyInvariant = true;
                    }

                    WriteLocal(w, n);
                }
            }

            if (anyInvariant)
            {
                w.Line();
            }

            using (w.Block("for (int i = index; i < count; i += threads)"))
            {
                for (int n = 0; n < _nodes.Length; n++)
                {
                    if (_locals[n] is not null && _nodes[n].IsVarying)
                    {
                        WriteLocal(w, n);
                    }
                }

                WriteStores(w);
            }
        }
    }

    private void WriteLocal(CodeWriter w, int n)
    {
        ProgramNode node = _nodes[n];
        string value = node.Op switch
        {
            Op.Weight => "weights[i]",
            Op.Gradient => "gradients[i]",
            Op.State => node.Index == 0 ? "state[i]" : $"state[{Int(node.Index)} * count + i]",
            Op.Hyper => $"raw[{Int(node.Index)}]",
            Op.StepIndex => "stepIndex",
            _ => Expression(n, parentPrecedence: 0, useLocal: false),
        };
        w.Line($"{_p.Type} {_locals[n]} = {value};");
    }

    private void WriteStores(CodeWriter w)
    {
        if (_nodes[_program.WeightOutput].Op != Op.Weight)
        {
            w.Line($"weights[i] = {Expression(_program.WeightOutput, 0)};");
        }

        for (int k = 0; k < _program.StateOutputs.Count; k++)
        {
            int output = _program.StateOutputs[k];
            if (output >= 0)
            {
                string at = k == 0 ? "i" : $"{Int(k)} * count + i";
                w.Line($"state[{at}] = {Expression(output, 0)};");
            }
        }

        for (int j = 0; j < _program.PartialOutputs.Count; j++)
        {
            string at = j == 0 ? "i" : $"{Int(j)} * count + i";
            int output = _program.PartialOutputs[j];

            // A partial that is identically zero is still written: the buffer is shared by all steps.
            w.Line($"partials[{at}] = {(output >= 0 ? Expression(output, 0) : _p.Literal(0))};");
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void PlanLocals()
    {
        // An invariant value read inside the element loop gets a local before the loop, so it is computed once.
        var feedsLoop = new bool[_nodes.Length];
        for (int n = 0; n < _nodes.Length; n++)
        {
            if (_nodes[n].IsVarying)
            {
                foreach (int arg in _nodes[n].Args)
                {
                    feedsLoop[arg] = true;
                }
            }
        }

        for (int n = 0; n < _nodes.Length; n++)
        {
            ProgramNode node = _nodes[n];
            if (node.Op == Op.Const)
            {
                continue;
            }

            bool leaf = node.Op is Op.Weight or Op.Gradient or Op.State or Op.Hyper or Op.StepIndex;
            bool invariantFeedingLoop = !node.IsVarying && (feedsLoop[n] || IsOutput(n));
            if (leaf || node.Uses > 1 || node.Name is not null || invariantFeedingLoop)
            {
                _locals[n] = Unique(LeafName(node) ?? node.Name ?? (node.IsVarying ? "u" : "k"));
            }
        }
    }

    private bool IsOutput(int n) =>
        n == _program.WeightOutput || _program.StateOutputs.AsSpan().ToArray().Contains(n) || _program.PartialOutputs.AsSpan().ToArray().Contains(n);

    private string? LeafName(ProgramNode node) => node.Op switch
    {
        Op.Weight => _model.WeightName,
        Op.Gradient => _model.GradientName,
        Op.State => _model.States[node.Index].Name,
        Op.StepIndex => _model.StepIndexName ?? "t",
        Op.Hyper => node.Name ?? _model.Hypers[node.Index].Name,
        _ => null,
    };

    private string Unique(string name)
    {
        string candidate = name;
        for (int suffix = 1; !_taken.Add(candidate); suffix++)
        {
            candidate = name + suffix.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>Renders node <paramref name="n"/>; precedences: 1 additive, 2 multiplicative, 3 unary, 4 primary.</summary>
    private string Expression(int n, int parentPrecedence, bool useLocal = true)
    {
        ProgramNode node = _nodes[n];
        if (useLocal && _locals[n] is { } local)
        {
            return local;
        }

        string Arg(int index, int precedence) => Expression(node.Args[index], precedence);

        switch (node.Op)
        {
            case Op.Const:
                string literal = _p.Literal(node.Value);
                return node.Value < 0 && parentPrecedence > 0 ? $"({literal})" : literal;
            case Op.Add:
                return Wrap($"{Arg(0, 1)} + {Arg(1, 1)}", 1, parentPrecedence);
            case Op.Sub:
                return Wrap($"{Arg(0, 1)} - {Arg(1, 2)}", 1, parentPrecedence);
            case Op.Mul:
                return Wrap($"{Arg(0, 2)} * {Arg(1, 2)}", 2, parentPrecedence);
            case Op.Div:
                return Wrap($"{Arg(0, 2)} / {Arg(1, 3)}", 2, parentPrecedence);
            case Op.Neg:
                return Wrap($"-{Arg(0, 3)}", 3, parentPrecedence);
            case Op.Call:
            {
                // System.MathF/Math: ILGPU maps them to device intrinsics (CUDA needs the context's algorithms or
                // LibDevice enabled, which HyperGen.Kernels does), and the CPU accelerator runs them as written.
                FunctionInfo info = FunctionTable.Get(node.Func);
                string args = string.Join(", ", node.Args.Select(a => Expression(a, 0)));
                return $"{_p.Math}.{info.MethodName}({args})";
            }

            case Op.Select:
            {
                string op = node.Cmp switch
                {
                    Cmp.Lt => "<",
                    Cmp.Le => "<=",
                    Cmp.Gt => ">",
                    Cmp.Ge => ">=",
                    Cmp.Eq => "==",
                    _ => "!=",
                };
                return $"({Arg(0, 1)} {op} {Arg(1, 1)} ? {Arg(2, 0)} : {Arg(3, 0)})";
            }

            default:
                return _locals[n] ?? node.Op.ToString();
        }
    }

    private static string Wrap(string text, int precedence, int parentPrecedence) =>
        precedence < parentPrecedence ? $"({text})" : text;
}
