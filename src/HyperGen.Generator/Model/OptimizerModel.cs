using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;

namespace HyperGen.Generator.Model;

/// <summary>
/// Everything the emitter needs to write one optimizer, held by value: no symbols, no syntax, so the incremental
/// pipeline can compare it with the previous run and skip emission when nothing changed.
/// </summary>
internal sealed record OptimizerModel(
    string? Namespace,
    string ClassName,
    string MethodName,
    bool WrittenInDouble,
    string WeightName,
    string GradientName,
    string? StepIndexName,
    EquatableArray<HyperModel> Hypers,
    EquatableArray<StateModel> States,
    int Depth,
    string? AboveTypeName,
    KernelProgram PlainStep,
    KernelProgram StepWithPartials);

/// <summary>
/// A learned hyperparameter in its <see cref="Domain"/>; <see cref="Min"/>
/// and <see cref="Max"/> are its optional bounds in the user's domain (NaN when absent).
/// </summary>
internal sealed record HyperModel(string Name, double Initial, HyperDomain Domain, bool InactiveAtZero, double Min = double.NaN, double Max = double.NaN)
{
    /// <summary>
    /// The name of the raw value the level above learns, as it appears in generated identifiers (<c>dW_dAlphaRaw</c>);
    /// null until the model builder has made it unique among the step's names.
    /// </summary>
    public string? RawName { get; init; }
}

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
/// One node of a <see cref="KernelProgram"/>. <see cref="Name"/> is a name hint from the user's code (a local, a
/// state) or from differentiation (<c>dm_dbeta1</c>); <see cref="Uses"/> counts the nodes and stores that read it.
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
    int Uses);

/// <summary>
/// The result of the transform step: a model to emit, or none, the diagnostics to report, and for a step with errors
/// the stand-in members its class gets instead (none where the class cannot take them).
/// </summary>
internal sealed record GenerationResult(OptimizerModel? Model, EquatableArray<Diagnostics.DiagnosticInfo> Diagnostics, StandInModel? StandIn = null);
