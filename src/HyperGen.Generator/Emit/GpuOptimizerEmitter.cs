using HyperGen.Generator.Helpers;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Emit;

/// <summary>
/// Writes the ILGPU half of an optimizer, in its own file and only where the compilation references ILGPU: a nested
/// static class <c>Gpu</c> with the level update as kernels, plain and recording partials, in single and double
/// precision. Where HyperGen.Kernels is referenced too, a nested <c>Registration</c> holds the kernels as typed
/// delegates (HyperGen.Kernels.GpuKernelRegistration), so a kernel whose signature drifts from what the towers launch
/// fails to compile here, and an assembly attribute names the registration for the GPU towers.
/// </summary>
internal static class GpuOptimizerEmitter
{
    /// <summary>The attribute HyperGen.Kernels reads to find an optimizer's kernels.</summary>
    public const string RegistrationAttributeName = "HyperGen.Kernels.GpuKernelsAttribute";

    /// <summary>The nested class that holds the kernels.</summary>
    public const string KernelClassName = "Gpu";

    /// <summary>The class nested in <see cref="KernelClassName"/> that registers the kernels with HyperGen.Kernels.</summary>
    public const string RegistrationClassName = "Registration";

    private const string Kernels = "global::HyperGen.Kernels";

    public static string HintName(OptimizerPlan model) => HintName(GpuKernelHome.Beside(model));

    public static string HintName(GpuKernelHome home) => $"{home.FullClassName}.HyperGen.Gpu.g.cs";

    /// <summary>The kernels of an optimizer of this compilation, nested in its own class.</summary>
    public static string Emit(OptimizerPlan model, GpuTarget target) => Emit(model, GpuKernelHome.Beside(model), target);

    /// <summary>The kernels of <paramref name="model"/> in <paramref name="home"/> (a class of their own for an optimizer compiled elsewhere).</summary>
    public static string Emit(OptimizerPlan model, GpuKernelHome home, GpuTarget target)
    {
        CodeWriter w = GeneratedFile.Start();
        if (target.HasKernelRegistry)
        {
            w.Line($"[assembly: global::{RegistrationAttributeName}(typeof({home.KernelClass}.{RegistrationClassName}))]");
            w.Line();
        }

        GeneratedFile.InNamespace(w, home.Namespace, () => WriteClass(w, model, home, target));
        return w.ToString();
    }

    private static void WriteClass(CodeWriter w, OptimizerPlan model, GpuKernelHome home, GpuTarget target)
    {
        using (w.Block($"static partial class {home.ClassName}"))
        {
            w.Line($"/// <summary>ILGPU kernels of <see cref=\"{home.MemberOfDefinition(model.MethodName)}\"/>: one thread updates one element of a tower level.</summary>");
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
                            $"RecomputeHypergradients{p.Name}",
                            $"Level 1's hypergradient block sums in {precision} precision, recomputing the previous step's partials instead of storing them.");
                    }
                }

                if (target.HasKernelRegistry)
                {
                    w.Line();
                    WriteRegistration(w, home, recomputes: partials is not null);
                }
            }
        }
    }

    /// <summary>The kernels as typed delegates: each method group converts to the delegate type the towers launch.</summary>
    private static void WriteRegistration(CodeWriter w, GpuKernelHome home, bool recomputes)
    {
        w.Line("/// <summary>These kernels as typed delegates, for HyperGen.Kernels' GPU towers (named by this assembly's GpuKernels attribute).</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        using (w.Block($"public sealed class {RegistrationClassName} : {Kernels}.GpuKernelRegistration"))
        {
            w.Line("/// <inheritdoc/>");
            w.Line($"public override global::HyperGen.OptimizerDefinition Definition => {home.DefinitionOwner}.Definition;");
            foreach (Precision p in new[] { Precision.Single, Precision.Double })
            {
                string recomputing = recomputes ? $", StepKeepingInputs{p.Name}, RecomputeHypergradients{p.Name}" : "";
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line($"public override {Kernels}.GpuLevelKernels<{p.Type}> {p.Name} {{ get; }} = new(Step{p.Name}, StepWithPartials{p.Name}{recomputing});");
            }
        }
    }
}

/// <summary>
/// Where an optimizer's GPU kernels are written: nested in the optimizer's own class where the optimizer is compiled
/// in this compilation, or, for an optimizer compiled in another assembly (the built-ins, whose runtime cannot
/// reference ILGPU), in an internal class of the same name in <see cref="BuiltInNamespace"/>; either way the
/// registration names the one definition, <see cref="DefinitionOwner"/>.Definition.
/// </summary>
/// <param name="Namespace">The namespace of the class that holds the <c>Gpu</c> class, or null.</param>
/// <param name="ClassName">That class's name.</param>
/// <param name="DefinitionOwner">The fully qualified optimizer class whose <c>Definition</c> the kernels belong to.</param>
internal sealed record GpuKernelHome(string? Namespace, string ClassName, string DefinitionOwner)
{
    /// <summary>Where HyperGen.Kernels holds the GPU kernels of the runtime's built-in optimizers.</summary>
    public const string BuiltInNamespace = "HyperGen.Kernels.BuiltIns";

    /// <summary>The class's name with its namespace, without <c>global::</c>.</summary>
    public string FullClassName => Namespace is null ? ClassName : $"{Namespace}.{ClassName}";

    /// <summary>The fully qualified kernel class.</summary>
    public string KernelClass => $"global::{FullClassName}.{GpuOptimizerEmitter.KernelClassName}";

    /// <summary>A member of the optimizer class, as a <c>cref</c> written inside the kernels' class: by its name where that class is the optimizer's.</summary>
    public string MemberOfDefinition(string member) =>
        DefinitionOwner == "global::" + FullClassName ? member : $"{DefinitionOwner}.{member}";

    /// <summary>Nested in the optimizer's own class, which this compilation compiles.</summary>
    public static GpuKernelHome Beside(OptimizerPlan model) =>
        new(model.Namespace, model.ClassName, OptimizerEmitter.QualifiedClassName(model));

    /// <summary>In <see cref="BuiltInNamespace"/>, for an optimizer compiled in a referenced assembly.</summary>
    public static GpuKernelHome Apart(OptimizerPlan model) =>
        new(BuiltInNamespace, model.ClassName, OptimizerEmitter.QualifiedClassName(model));
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
