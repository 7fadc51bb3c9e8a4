using HyperGen.Generator.Helpers;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace HyperGen.Generator.Emit;

/// <summary>
/// Writes the members users call on an optimizer class whose step has errors, as stand-ins that throw: the class
/// then compiles wherever it is used, and the HG errors on the step are the only errors the build shows.
/// </summary>
internal static class StandInEmitter
{
    /// <summary>The file name: the one the real code would have, since a class gets one or the other.</summary>
    public static string HintName(StandInModel model) => $"{OptimizerEmitter.FullClassName(model.Namespace, model.ClassName)}.HyperGen.g.cs";

    public static string Emit(StandInModel model)
    {
        CodeWriter w = GeneratedFile.Start();
        GeneratedFile.InNamespace(w, model.Namespace, () => WriteClass(w, model));
        return w.ToString();
    }

    /// <summary>What the stand-ins throw: which optimizer, why it has no code, and what to do.</summary>
    internal static string Message(StandInModel model)
    {
        string errors = model.ErrorIds.Count == 0 ? "errors" : $"errors ({string.Join(", ", model.ErrorIds)})";
        return $"The optimizer '{OptimizerEmitter.FullClassName(model.Namespace, model.ClassName)}' cannot be used: its [HyperOptimize] step "
            + $"'{model.MethodName}' has {errors}, so HyperGen generated no code for it. Fix the HG errors the build reports on '{model.MethodName}'.";
    }

    private static void WriteClass(CodeWriter w, StandInModel model)
    {
        string thrown = $"throw new global::System.InvalidOperationException({SymbolDisplay.FormatLiteral(Message(model), quote: true)});";

        // No 'static' here: the class may be the non-static partial class that HG0001 reports, and one part that says
        // 'static' would make every part static.
        using (w.Block($"partial class {model.ClassName}"))
        {
            w.Line($"/// <summary>Stands in for the HyperGen definition of <c>{model.MethodName}</c>, which has errors; fix them to generate it.</summary>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">Always, until the step's HG errors are fixed.</exception>");
            w.Line(GeneratedFile.GeneratedCodeAttribute);
            w.Line($"public static global::HyperGen.OptimizerDefinition Definition => {thrown}");
            w.Line();
            w.Line($"/// <summary>Stands in for the default tower of <c>{model.MethodName}</c>, which has errors; fix them to generate it.</summary>");
            w.Line("/// <typeparam name=\"T\">float or double.</typeparam>");
            w.Line("/// <param name=\"parameterCount\">The number of weights the tower would train.</param>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">Always, until the step's HG errors are fixed.</exception>");
            w.Line(GeneratedFile.GeneratedCodeAttribute);
            w.Line("public static global::HyperGen.Tower<T> CreateTower<T>(int parameterCount)");
            w.Line("    where T : unmanaged, global::System.Numerics.IBinaryFloatingPointIeee754<T>");
            w.Line($"    => {thrown}");
        }
    }
}
