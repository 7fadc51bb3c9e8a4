using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Binding;

/// <summary>
/// The plan: the step's programs, how level 1 gets its hypergradient on each device, and every name the emitted code
/// uses, decided here once so that the emitters only print.
/// </summary>
internal static partial class ModelBuilder
{
    private static OptimizerPlan Plan(StepShape shape, List<HyperModel> hypers, List<StateModel> states, DifferentiatedStep step, CodeAliases aliases)
    {
        List<HyperPlan> named = WithUniqueRawNames(
            hypers, [shape.WeightName, shape.GradientName, .. states.Select(s => s.Name)], shape.WeightName);
        Dictionary<int, string> names = NameTerms(step, named, states);
        string stepIndexName = shape.StepIndexName ?? "t";
        Term[] outputs = [step.Weight, .. step.States.OfType<Term>(), .. step.Partials.OfType<Term>()];
        Dictionary<int, string> hints = HintTerms(outputs, step, names, named, stepIndexName);

        KernelProgram plain = ProgramPlanner.Plan(step.Weight, step.States, Array.Empty<Term?>(), names, hints);
        KernelProgram withPartials = ProgramPlanner.Plan(step.Weight, step.States, step.Partials, names, hints);

        KernelProgram? recomputed = RecomputePlan.PartialsOnly(withPartials);
        RecomputeStrategy? recompute = recomputed is null
            ? null
            : new RecomputeStrategy(recomputed, RecomputePlan.RecomputedValues(withPartials, recomputed), RecomputePlan.StoredValues(withPartials));

        return new OptimizerPlan(
            shape.Namespace,
            shape.ClassName,
            shape.MethodName,
            shape.WrittenInDouble,
            shape.WeightName,
            shape.GradientName,
            stepIndexName,
            named.ToEquatableArray(),
            states.ToEquatableArray(),
            shape.Depth,
            shape.AboveTypeName,
            plain,
            withPartials,
            recompute,
            // On the GPU level 1 recomputes its partials wherever they can be recomputed (they do not read the
            // weight, which the step overwrites), whatever it costs: the GPU tower has no stored-partials path there.
            RecomputePlan.Recomputable(withPartials),
            aliases);
    }
}

/// <summary>What the class and the step method say about themselves: the plan's frame, read before the body.</summary>
internal sealed record StepShape(
    string? Namespace,
    string ClassName,
    string MethodName,
    bool WrittenInDouble,
    string WeightName,
    string GradientName,
    string? StepIndexName,
    int Depth,
    string? AboveTypeName);
