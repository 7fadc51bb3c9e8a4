using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Emit;

/// <summary>
/// Writes, once per compilation that references HyperGen.Kernels, a kernel that runs every upper level of a GPU
/// tower in one launch of one small thread group: top-down, each level's generated step (a switch on the
/// optimizer's index in this compilation) over the raw hyperparameters below, thread j taking element j (and every
/// group-size-th after it), then the hold of the hyperparameters that are not learned, and a group barrier before
/// the next level reads them. One launch instead of one per level keeps a Depth-32 step close to a Depth-2 one.
/// </summary>
/// <remarks>
/// The levels arrive as HyperGen.Kernels.DispatchLevel entries, one per upper level, level 2 first: the optimizer's
/// index, how many values it steps, and where its buffers and the level below's lie in the tower's packed device
/// arrays (the struct documents each). Bounds are three values per packed raw hyperparameter (low and high in the
/// raw domain, infinite where there is none, and 1 where the bound is on the magnitude: the squared domain), with a
/// hit counter each; a level's update of the level below is clamped and counted by HyperGen.TowerRules.Clamp, the
/// method the CPU tower calls too, before the hold (TowerRules.Hold) and before the next level reads the values.
/// </remarks>
internal static class GpuDispatcherEmitter
{
    private const string DispatchLevelType = "global::HyperGen.Kernels.DispatchLevel";

    /// <summary>The runtime's namespace, home of the per-hyperparameter rules both towers apply (TowerRules).</summary>
    private const string Rules = "global::HyperGen";

    public const string HintName = "HyperGen.GpuDispatcher.g.cs";

    public const string RegistrationAttributeName = "HyperGen.Kernels.GpuDispatcherAttribute";

    /// <summary>The dispatcher over this compilation's optimizers, each with its kernels nested in its own class.</summary>
    public static string Emit(IReadOnlyList<OptimizerPlan> models) =>
        Emit(models.Select(model => (model, GpuKernelHome.Beside(model))).ToArray());

    /// <summary>The dispatcher over optimizers whose kernels live in the given homes.</summary>
    public static string Emit(IReadOnlyList<(OptimizerPlan Model, GpuKernelHome Home)> models)
    {
        GpuKernelHome[] ordered = models.Select(pair => pair.Home).OrderBy(home => home.DefinitionOwner, System.StringComparer.Ordinal).ToArray();
        CodeWriter w = GeneratedFile.Start();
        w.Line($"[assembly: global::{RegistrationAttributeName}(typeof(global::HyperGen.Generated.HyperGenGpuDispatcher.Registration))]");
        w.Line();
        using (w.Block("namespace HyperGen.Generated"))
        {
            w.Line("/// <summary>Runs all upper levels of a GPU tower whose optimizers are defined in this assembly, in one launch.</summary>");
            w.Line(GeneratedFile.GeneratedCodeAttribute);
            using (w.Block("internal static class HyperGenGpuDispatcher"))
            {
                WriteKernel(w, ordered, Precision.Single);
                w.Line();
                WriteKernel(w, ordered, Precision.Double);
                w.Line();
                WriteRegistration(w, ordered);
            }
        }

        return w.ToString();
    }

    // The order is by the optimizer's qualified name: stable, so the optimizer indexes do not depend on the order
    // files are seen in.

    /// <summary>
    /// The dispatcher as typed delegates, with its optimizers in the order of their indexes: a dispatcher whose
    /// signature drifts from what the towers launch fails to compile here.
    /// </summary>
    private static void WriteRegistration(CodeWriter w, GpuKernelHome[] models)
    {
        w.Line("/// <summary>The dispatcher as typed delegates and the optimizers it switches over, for HyperGen.Kernels' GPU towers.</summary>");
        using (w.Block("internal sealed class Registration : global::HyperGen.Kernels.GpuDispatcherRegistration"))
        {
            w.Line("/// <inheritdoc/>");
            w.Line("public override global::System.Collections.Generic.IReadOnlyList<global::HyperGen.OptimizerDefinition> Optimizers { get; } = new global::HyperGen.OptimizerDefinition[]");
            w.Line("{");
            foreach (GpuKernelHome model in models)
            {
                w.Line($"    {model.DefinitionOwner}.Definition,");
            }

            w.Line("};");
            foreach (Precision p in new[] { Precision.Single, Precision.Double })
            {
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line($"public override global::HyperGen.Kernels.UpperLevelsKernel<{p.Type}> {p.Name} {{ get; }} = UpperLevels{p.Name};");
            }
        }
    }

    private static void WriteKernel(CodeWriter w, GpuKernelHome[] models, Precision p)
    {
        string view = $"global::ILGPU.ArrayView<{p.Type}>";
        w.Line($"/// <summary>Every upper level, top-down, in {(p.IsSingle ? "single" : "double")} precision; one thread group (explicitly grouped).</summary>");
        using (w.Block($"public static void UpperLevels{p.Name}(global::ILGPU.ArrayView<{DispatchLevelType}> levels, {view} raw, {view} initialRaw, global::ILGPU.ArrayView<int> learned, {view} hypergradients, {view} state, {view} partials, {view} bounds, global::ILGPU.ArrayView<int> boundHits, global::ILGPU.ArrayView<int> refusal, int stepIndex)"))
        {
            w.Line("// A refused step (the tower met a NaN or an infinity in the hypergradients) changes nothing.");
            using (w.Block("if (refusal[0] != 0)"))
            {
                w.Line("return;");
            }

            w.Line();
            w.Line("int thread = global::ILGPU.Group.IdxX;");
            w.Line("int threads = global::ILGPU.Group.DimX;");
            w.Line("global::ILGPU.Index1D first = new global::ILGPU.Index1D(thread);");
            using (w.Block("for (int top = levels.IntLength - 1; top >= 0; top--)"))
            {
                w.Line($"{DispatchLevelType} level = levels[top];");
                w.Line("int count = level.Count;");
                w.Line("int belowAt = level.BelowAt;");
                w.Line($"{view} below = raw.SubView(belowAt, count);");
                w.Line($"{view} gradient = hypergradients.SubView(belowAt, count);");
                w.Line($"{view} levelState = state.SubView(level.StateAt, level.StateLength);");
                w.Line("int partialLength = level.PartialLength;");
                w.Line($"{view} levelPartials = partials.SubView(level.PartialAt, partialLength);");
                w.Line($"{view} levelRaw = raw.SubView(level.RawAt, level.HyperCount);");
                using (w.Block("switch (level.Optimizer)"))
                {
                    for (int id = 0; id < models.Length; id++)
                    {
                        string kernels = models[id].KernelClass;
                        w.Line($"case {id.ToString(CultureInfo.InvariantCulture)}:");
                        w.Line("    if (partialLength > 0)");
                        w.Line("    {");
                        w.Line($"        {kernels}.StepWithPartials{p.Name}(first, below, gradient, levelState, levelPartials, levelRaw, refusal, count, stepIndex, threads);");
                        w.Line("    }");
                        w.Line("    else");
                        w.Line("    {");
                        w.Line($"        {kernels}.Step{p.Name}(first, below, gradient, levelState, levelPartials, levelRaw, refusal, count, stepIndex, threads);");
                        w.Line("    }");
                        w.Line();
                        w.Line("    break;");
                    }
                }

                w.Line();
                w.Line("// Bounds on the values just written (raw domain), by the thread that wrote each: clamp and count, by the");
                w.Line("// rule the CPU tower applies.");
                using (w.Block("if (level.BelowBounded != 0)"))
                {
                    using (w.Block("for (int j = thread; j < count; j += threads)"))
                    {
                        w.Line("int b = 3 * (belowAt + j);");
                        w.Line($"{Rules}.BoundedValue clamped = {Rules}.TowerRules.Clamp(below[j], bounds[b], bounds[b + 1], bounds[b + 2] != {p.Literal(0)});");
                        using (w.Block("if (clamped.Hit)"))
                        {
                            w.Line($"below[j] = {(p.IsSingle ? "(float)" : "")}clamped.Value;");
                            w.Line("boundHits[belowAt + j]++;");
                        }
                    }
                }

                w.Line();
                w.Line("// Hyperparameters the level above does not learn (momentum that starts at 0) keep their initial value.");
                using (w.Block("if (level.BelowHoldsSome != 0)"))
                {
                    using (w.Block("for (int j = thread; j < count; j += threads)"))
                    {
                        w.Line($"below[j] = {Rules}.TowerRules.Hold(below[j], initialRaw[belowAt + j], learned[belowAt + j] != 0);");
                    }
                }

                w.Line();
                w.Line("// The level below reads these values: all threads finish this level first.");
                w.Line("global::ILGPU.Group.Barrier();");
            }
        }
    }
}
