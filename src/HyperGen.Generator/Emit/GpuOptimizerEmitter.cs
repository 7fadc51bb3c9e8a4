using HyperGen.Generator.Helpers;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Emit;

/// <summary>
/// Writes the ILGPU half of an optimizer, in its own file and only where the compilation references ILGPU: a nested
/// static class <c>Gpu</c> with the level update as kernels, plain and recording partials, in single and double
/// precision. Where HyperGen.Kernels is referenced too, an assembly attribute tells its GPU towers where they are.
/// </summary>
internal static class GpuOptimizerEmitter
{
    /// <summary>The attribute HyperGen.Kernels reads to find an optimizer's kernels.</summary>
    public const string RegistrationAttributeName = "HyperGen.Kernels.GpuKernelsAttribute";

    /// <summary>The nested class that holds the kernels.</summary>
    public const string KernelClassName = "Gpu";

    public static string HintName(OptimizerPlan model) => $"{OptimizerEmitter.FullClassName(model)}.HyperGen.Gpu.g.cs";

    public static string Emit(OptimizerPlan model, GpuTarget target)
    {
        CodeWriter w = GeneratedFile.Start();
        string qualified = OptimizerEmitter.QualifiedClassName(model);
        if (target.HasKernelRegistry)
        {
            w.Line($"[assembly: global::{RegistrationAttributeName}(typeof({qualified}), typeof({qualified}.{KernelClassName}))]");
            w.Line();
        }

        GeneratedFile.InNamespace(w, model.Namespace, () => WriteClass(w, model));
        return w.ToString();
    }

    private static void WriteClass(CodeWriter w, OptimizerPlan model)
    {
        using (w.Block($"static partial class {model.ClassName}"))
        {
            w.Line($"/// <summary>ILGPU kernels of <see cref=\"{model.MethodName}\"/>: one thread updates one element of a tower level.</summary>");
            w.Line(GeneratedFile.GeneratedCodeAttribute);
            using (w.Block($"public static class {KernelClassName}"))
            {
                // On the GPU level 1 recomputes its partials in the reduction wherever they can be recomputed (they
                // do not read the weight, which the step overwrites): the program below holds only the partials.
                KernelProgram? partials = model.GpuPartials;
                bool first = true;
                foreach (Precision p in new[] { Precision.Single, Precision.Double })
                {
                    if (!first)
                    {
                        w.Line();
                    }

                    first = false;
                    string precision = p.IsSingle ? "single" : "double";
                    new GpuKernelEmitter(model, model.PlainStep, p).Write(
                        w,
                        $"Step{p.Name}",
                        $"Updates the elements and their state in {precision} precision; used where no level above learns the hyperparameters.");
                    w.Line();
                    new GpuKernelEmitter(model, model.StepWithPartials, p).Write(
                        w,
                        $"StepWithPartials{p.Name}",
                        $"Updates the elements and their state in {precision} precision and records the partial of each new element with respect to each raw hyperparameter.");
                    if (partials is not null)
                    {
                        w.Line();
                        new GpuKernelEmitter(model, model.PlainStep, p).WriteKeepingInputs(
                            w,
                            $"StepKeepingInputs{p.Name}",
                            $"Level 1's update in {precision} precision that keeps what the next step's reduction needs: the state before it (double-buffered) and the gradient.");
                        w.Line();
                        new GpuKernelEmitter(model, partials, p).WriteReduction(
                            w,
                            $"PartialsDot{p.Name}",
                            $"Level 1's hypergradient block sums in {precision} precision, recomputing the previous step's partials instead of storing them.");
                    }
                }
            }
        }
    }
}

/// <summary>What the compilation offers the GPU emitter, held by value so the pipeline can cache it.</summary>
/// <param name="HasIlgpu">Whether ILGPU is referenced: only then are kernels emitted.</param>
/// <param name="HasKernelRegistry">Whether HyperGen.Kernels is referenced too, so the kernels can be registered for its GPU towers.</param>
internal sealed record GpuTarget(bool HasIlgpu, bool HasKernelRegistry)
{
    public static GpuTarget From(Microsoft.CodeAnalysis.Compilation compilation) => new(
        compilation.GetTypeByMetadataName("ILGPU.ArrayView`1") is not null,
        compilation.GetTypeByMetadataName(GpuOptimizerEmitter.RegistrationAttributeName) is not null);
}
