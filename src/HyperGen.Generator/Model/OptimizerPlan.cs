using System.Collections.Generic;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;

namespace HyperGen.Generator.Model;

/// <summary>
/// Everything the emitters need to write one optimizer, decided once and held by value: every program, how level 1
/// gets its hypergradient on each device, and every identifier the generated code takes from the step. No symbols,
/// no syntax, so the incremental pipeline can compare it with the previous run and skip emission when nothing
/// changed; and no decisions left to the emitters, which only print it.
/// </summary>
/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ClassName">The optimizer class.</param>
/// <param name="MethodName">The step method.</param>
/// <param name="WrittenInDouble">Whether the user wrote the step in double.</param>
/// <param name="WeightName">The weight parameter's name.</param>
/// <param name="GradientName">The gradient parameter's name.</param>
/// <param name="StepIndexName">The step index's name: the [StepIndex] parameter's, or <c>t</c>.</param>
/// <param name="Hypers">The learned hyperparameters, with their generated names.</param>
/// <param name="States">The per-weight state variables.</param>
/// <param name="Depth">The default tower's depth.</param>
/// <param name="AboveTypeName">The optimizer of the levels above, fully qualified, or null for this one.</param>
/// <param name="PlainStep">The update alone.</param>
/// <param name="StepWithPartials">The update that also computes d(new weight)/d(each raw hyperparameter).</param>
/// <param name="Recompute">
/// How the CPU tower's level 1 recomputes the partials instead of storing them, or null where storing moves no
/// more bytes or the partials cannot be recomputed (they read the weight, which the update overwrites).
/// </param>
/// <param name="GpuPartials">
/// The partials-only program the GPU tower's level 1 recomputes in its reduction, or null where they cannot be
/// recomputed: on the GPU they are recomputed whenever they can be.
/// </param>
/// <param name="Aliases">The short names of the CPU file's types, free of the names the user's code gives.</param>
internal sealed record OptimizerPlan(
    string? Namespace,
    string ClassName,
    string MethodName,
    bool WrittenInDouble,
    string WeightName,
    string GradientName,
    string StepIndexName,
    EquatableArray<HyperPlan> Hypers,
    EquatableArray<StateModel> States,
    int Depth,
    string? AboveTypeName,
    KernelProgram PlainStep,
    KernelProgram StepWithPartials,
    RecomputeStrategy? Recompute,
    KernelProgram? GpuPartials,
    CodeAliases Aliases)
{
    /// <summary>The class's namespace-qualified name, <c>Namespace.Class</c> (the bare name in the global namespace), for file names.</summary>
    public string FullClassName => FullName(Namespace, ClassName);

    /// <summary>The class as generated code names it: <c>global::Namespace.Class</c>.</summary>
    public string QualifiedClassName => "global::" + FullClassName;

    /// <summary>A class's namespace-qualified name, <c>Namespace.Class</c>, or the bare name in the global namespace.</summary>
    public static string FullName(string? ns, string className) => ns is null ? className : $"{ns}.{className}";
}

/// <summary>
/// A learned hyperparameter as the plan holds it: its definition and the names generated code gives its raw value
/// (<c>beta1Raw</c>) and the weight's partial with respect to it (<c>dW_dBeta1Raw</c>), unique among the step's names.
/// </summary>
internal sealed record HyperPlan(
    string Name, double Initial, HyperDomain Domain, bool InactiveAtZero, double Min, double Max, string RawName, string PartialName);

/// <summary>
/// The CPU tower's level 1 recomputes the partials from the previous step's inputs with <paramref name="Partials"/>,
/// which moves <paramref name="RecomputedValues"/> values per weight and step against <paramref name="StoredValues"/>
/// when they are stored (see <see cref="RecomputePlan"/>).
/// </summary>
internal sealed record RecomputeStrategy(KernelProgram Partials, int RecomputedValues, int StoredValues);

/// <summary>
/// The using aliases of the generated CPU file, one per type its kernels name on most lines: normally the type's own
/// name (<c>Vector512</c>) or its element type and name (<c>FloatVector512</c> for <c>Vector512&lt;float&gt;</c>).
/// </summary>
internal sealed record CodeAliases(
    string Unsafe,
    string MathF,
    string Math,
    string Vector,
    string Vector512,
    string FloatVector,
    string DoubleVector,
    string FloatVector512,
    string DoubleVector512,
    string VectorStores)
{
    /// <summary>Every alias with what it stands for, in the order the file declares them.</summary>
    public IEnumerable<(string Alias, string Target)> All()
    {
        yield return (Unsafe, "global::System.Runtime.CompilerServices.Unsafe");
        yield return (MathF, "global::System.MathF");
        yield return (Math, "global::System.Math");
        yield return (Vector, "global::System.Numerics.Vector");
        yield return (Vector512, "global::System.Runtime.Intrinsics.Vector512");
        yield return (FloatVector, "global::System.Numerics.Vector<float>");
        yield return (DoubleVector, "global::System.Numerics.Vector<double>");
        yield return (FloatVector512, "global::System.Runtime.Intrinsics.Vector512<float>");
        yield return (DoubleVector512, "global::System.Runtime.Intrinsics.Vector512<double>");
        yield return (VectorStores, "global::HyperGen.VectorStores");
    }
}

/// <summary>
/// A learned hyperparameter as its attribute declares it, in its <see cref="Domain"/>; <see cref="Min"/>
/// and <see cref="Max"/> are its optional bounds in the user's domain (NaN when absent).
/// </summary>
internal sealed record HyperModel(string Name, double Initial, HyperDomain Domain, bool InactiveAtZero, double Min = double.NaN, double Max = double.NaN);

/// <summary>A per-weight state variable.</summary>
internal sealed record StateModel(string Name, double Initial);

/// <summary>
/// A straight-line program in topological order: node i only refers to nodes before it. It computes the outputs
/// of one step: the new weight, the new state, and (in the partials program) d(new weight)/d(raw hyperparameter).
/// </summary>
/// <param name="Nodes">The nodes; an output index of -1 means "unchanged" (state) or "identically zero" (partial).</param>
/// <param name="WeightOutput">The node holding the new weight.</param>
/// <param name="StateOutputs">Per state variable, the node holding its new value, or -1 when the step leaves it as it was.</param>
/// <param name="PartialOutputs">Per hyperparameter, the node holding the partial, or -1 when it is zero (empty in the plain program).</param>
/// <param name="IsVectorizable">Whether every per-element operation has a Vector&lt;T&gt; form.</param>
internal sealed record KernelProgram(
    EquatableArray<ProgramNode> Nodes,
    int WeightOutput,
    EquatableArray<int> StateOutputs,
    EquatableArray<int> PartialOutputs,
    bool IsVectorizable);

/// <summary>
/// One node of a <see cref="KernelProgram"/>. <see cref="Name"/> is what a local holding it is called (null only for
/// a constant): the user's name (a parameter, a local, a state), a derivative's (<c>dm_dbeta1</c>) or one made from
/// what it computes; <see cref="Named"/> says the user's code or a derivative of a named term gave it, which keeps
/// it in a local of its own. <see cref="Uses"/> counts the nodes and stores that read it.
/// </summary>
internal sealed record ProgramNode(
    Op Op,
    double Value,
    int Index,
    Func Func,
    Cmp Cmp,
    EquatableArray<int> Args,
    bool IsVarying,
    string? Name,
    bool Named,
    int Uses);

/// <summary>
/// The result of the transform step: a plan to emit, or none, the diagnostics to report, and for a step with errors
/// the stand-in members its class gets instead (none where the class cannot take them).
/// </summary>
internal sealed record GenerationResult(OptimizerPlan? Plan, EquatableArray<Diagnostics.DiagnosticInfo> Diagnostics, StandInModel? StandIn = null);
