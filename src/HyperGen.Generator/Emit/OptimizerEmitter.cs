using System.Globalization;
using System.Linq;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Emit;

/// <summary>
/// Writes the generated half of an optimizer class: the <c>Definition</c> that towers use, a default-tower factory,
/// and a single- and a double-precision kernel, each with a plain step and a step that records partials.
/// </summary>
internal static class OptimizerEmitter
{
    public static string HintName(OptimizerPlan model) => $"{FullClassName(model)}.HyperGen.g.cs";

    public static string Emit(OptimizerPlan model)
    {
        CodeWriter w = GeneratedFile.Start();
        foreach ((string alias, string target) in model.Aliases.All())
        {
            w.Line($"using {alias} = {target};");
        }

        w.Line();
        w.Line($"[assembly: global::HyperGen.GeneratedOptimizer(typeof({QualifiedClassName(model)}))]");
        w.Line();
        GeneratedFile.InNamespace(w, model.Namespace, () => WriteClass(w, model));
        return w.ToString();
    }

    /// <summary>The optimizer class as generated code names it: <c>global::Namespace.Class</c>.</summary>
    internal static string QualifiedClassName(OptimizerPlan model) => model.QualifiedClassName;

    /// <summary>The optimizer class's namespace-qualified name, <c>Namespace.Class</c>, for file names.</summary>
    internal static string FullClassName(OptimizerPlan model) => model.FullClassName;

    /// <summary>A class's namespace-qualified name, <c>Namespace.Class</c>, or the bare name in the global namespace.</summary>
    internal static string FullClassName(string? ns, string className) => OptimizerPlan.FullName(ns, className);

    private static void WriteClass(CodeWriter w, OptimizerPlan model)
    {
        using (w.Block($"static partial class {model.ClassName}"))
        {
            w.Line($"/// <summary>The HyperGen definition of <see cref=\"{model.MethodName}\"/>: its hyperparameters, its state and its generated kernels.</summary>");
            w.Line("public static global::HyperGen.OptimizerDefinition Definition => HyperGenDefinition.Instance;");
            w.Line();
            w.Line($"/// <summary>Creates the default tower of <see cref=\"{model.MethodName}\"/> (Depth = {model.Depth}) over <paramref name=\"parameterCount\"/> weights.</summary>");
            w.Line("/// <typeparam name=\"T\">float or double.</typeparam>");
            w.Line("/// <param name=\"parameterCount\">The number of weights the tower trains.</param>");
            w.Line("public static global::HyperGen.Tower<T> CreateTower<T>(int parameterCount)");
            w.Line("    where T : unmanaged, global::System.Numerics.IBinaryFloatingPointIeee754<T>");
            w.Line("    => new(Definition.CreateDefaultSpec(), parameterCount);");
            w.Line();
            WriteDefinition(w, model);
            w.Line();
            WriteKernel(w, model, Precision.Single);
            w.Line();
            WriteKernel(w, model, Precision.Double);
        }
    }

    private static void WriteDefinition(CodeWriter w, OptimizerPlan model)
    {
        w.Line(GeneratedFile.GeneratedCodeAttribute);
        using (w.Block("private sealed class HyperGenDefinition : global::HyperGen.OptimizerDefinition"))
        {
            w.Line("public static readonly HyperGenDefinition Instance = new();");
            w.Line();
            w.Line("private HyperGenDefinition()");
            w.Line("    : base(");
            w.Line($"        \"{model.ClassName}\",");
            w.Line("        new global::HyperGen.HyperParameterInfo[]");
            w.Line("        {");
            foreach (HyperPlan hyper in model.Hypers)
            {
                string inactive = hyper.InactiveAtZero ? ", InactiveAtZero: true" : "";
                string min = double.IsNaN(hyper.Min) ? "" : $", Min: {Precision.Double.Literal(hyper.Min)}";
                string max = double.IsNaN(hyper.Max) ? "" : $", Max: {Precision.Double.Literal(hyper.Max)}";
                w.Line($"            new(\"{hyper.Name}\", {Precision.Double.Literal(hyper.Initial)}, global::HyperGen.HyperDomain.{hyper.Domain}{inactive}{min}{max}),");
            }

            w.Line("        },");
            w.Line("        new global::HyperGen.StateVariableInfo[]");
            w.Line("        {");
            foreach (StateModel state in model.States)
            {
                w.Line($"            new(\"{state.Name}\", {Precision.Double.Literal(state.Initial)}),");
            }

            w.Line("        },");
            w.Line($"        defaultDepth: {model.Depth.ToString(CultureInfo.InvariantCulture)})");
            w.Line("{");
            w.Line("}");
            if (model.AboveTypeName is not null)
            {
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line($"public override global::HyperGen.OptimizerDefinition DefaultAbove => {model.AboveTypeName}.Definition;");
            }

            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line("protected override global::HyperGen.IStepKernel<float> SingleKernel => SingleStep.Instance;");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line("protected override global::HyperGen.IStepKernel<double> DoubleKernel => DoubleStep.Instance;");
        }
    }

    private static void WriteKernel(CodeWriter w, OptimizerPlan model, Precision p)
    {
        RecomputeStrategy? recompute = model.Recompute;
        string summaryName = p.IsSingle ? "single" : "double";
        w.Line($"/// <summary><see cref=\"{model.MethodName}\"/> over whole buffers in {summaryName} precision.</summary>");
        w.Line(GeneratedFile.GeneratedCodeAttribute);
        string kernelInterface = recompute is null ? "IStepKernel" : "IRecomputingStepKernel";
        using (w.Block($"private sealed class {p.Name}Step : global::HyperGen.{kernelInterface}<{p.Type}>"))
        {
            if (recompute is not null)
            {
                w.Line($"// Recomputing the partials moves {recompute.RecomputedValues} values per weight and step; storing them would move {recompute.StoredValues}.");
            }

            w.Line($"public static readonly {p.Name}Step Instance = new();");
            w.Line();

            w.Line("/// <inheritdoc/>");
            using (w.Block($"public void Step(in global::HyperGen.LevelChunk<{p.Type}> chunk, global::System.ReadOnlySpan<{p.Type}> raw, int stepIndex)"))
            {
                using (w.Block("if (chunk.HasPartials)"))
                {
                    w.Line("StepWithPartials(in chunk, raw, stepIndex);");
                }

                if (recompute is not null)
                {
                    using (w.Block("else if (chunk.CopiesGradients)"))
                    {
                        w.Line("StepKeepingInputs(in chunk, raw, stepIndex);");
                    }

                    using (w.Block("else if (chunk.KeepsInputs)"))
                    {
                        w.Line("StepKeepingState(in chunk, raw, stepIndex);");
                    }
                }

                using (w.Block("else"))
                {
                    w.Line("StepOnly(in chunk, raw, stepIndex);");
                }
            }

            if (recompute is not null)
            {
                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block($"public void AccumulateHypergradients(in global::HyperGen.HypergradientChunk<{p.Type}> chunk, global::System.ReadOnlySpan<{p.Type}> previousRaw, int previousStepIndex, global::System.Span<double> hypergradients)"))
                {
                    w.Line("RecomputeHypergradients(in chunk, previousRaw, previousStepIndex, hypergradients);");
                }
            }

            w.Line();
            string hypers = string.Join(", ", model.Hypers.Select(h => h.Name));
            new KernelEmitter(model, model.PlainStep, p).Write(
                w, "StepOnly", "Updates the weights and state; used where no level above learns the hyperparameters.");
            w.Line();
            new KernelEmitter(model, model.StepWithPartials, p).Write(
                w,
                "StepWithPartials",
                $"Updates the weights and state and records d{model.WeightName}/d({(hypers.Length == 0 ? "nothing" : hypers)}), with respect to the raw hyperparameters, for the next step's hypergradient.");
            if (recompute is not null)
            {
                w.Line();
                new KernelEmitter(model, model.PlainStep, p, KernelKind.UpdateKeepingInputs).Write(
                    w,
                    "StepKeepingInputs",
                    "Updates the weights, writes the new state to the other state buffer and copies the gradients, so that the next step can recompute this step's partials from its inputs.");
                w.Line();
                new KernelEmitter(model, model.PlainStep, p, KernelKind.UpdateKeepingState).Write(
                    w,
                    "StepKeepingState",
                    "Updates the weights and writes the new state to the other state buffer; the caller keeps the gradients for the next step.");
                w.Line();
                new KernelEmitter(model, recompute.Partials, p, KernelKind.Reduction).Write(
                    w,
                    "RecomputeHypergradients",
                    $"Recomputes the previous step's d{model.WeightName}/d({hypers}) from its inputs (raw and stepIndex are that step's) and adds their dot products with this step's gradients to the hypergradients.");
            }
        }
    }
}
