using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HyperGen.Generator.Binding;

/// <summary>
/// Step methods that another assembly compiles, given to this compilation's generator as additional files so that
/// it writes their GPU kernels only: HyperGen.Kernels names the runtime's built-in optimizers this way, since the
/// runtime cannot reference ILGPU. A file is parsed and bound in a copy of this compilation (never emitted), where it
/// resolves the attributes and types of the assembly that compiles it, which this compilation references; the
/// models are the ones that assembly's generator builds from the same file, so there is one definition of each step.
/// </summary>
internal static class LinkedStepSources
{
    /// <summary>The item metadata (<c>CompilerVisibleItemMetadata</c>) that marks an additional file as such a source.</summary>
    public const string MetadataName = "HyperGenGpuKernelsOnly";

    /// <summary>The key under which the compiler passes the metadata to the generator.</summary>
    public const string OptionKey = "build_metadata.AdditionalFiles." + MetadataName;

    /// <summary>The models of every <c>[HyperOptimize]</c> step in <paramref name="text"/>, bound against <paramref name="compilation"/>; steps with errors are left out (their own compilation reports them).</summary>
    public static ImmutableArray<OptimizerPlan> Models(string path, string text, Compilation compilation, CancellationToken cancellation)
    {
        var options = compilation.SyntaxTrees.FirstOrDefault()?.Options as CSharpParseOptions ?? CSharpParseOptions.Default;
        SyntaxTree tree = CSharpSyntaxTree.ParseText(text, options, path, cancellationToken: cancellation);
        Compilation withFile = compilation.AddSyntaxTrees(tree);
        SemanticModel semanticModel = withFile.GetSemanticModel(tree);
        var models = new List<OptimizerPlan>();
        foreach (MethodDeclarationSyntax syntax in tree.GetRoot(cancellation).DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            if (semanticModel.GetDeclaredSymbol(syntax, cancellation) is not IMethodSymbol method)
            {
                continue;
            }

            AttributeData? attribute = method.GetAttributes()
                .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ModelBuilder.HyperOptimizeAttributeName);
            if (attribute is not null && ModelBuilder.Build(syntax, method, attribute, semanticModel, cancellation).Plan is { } model)
            {
                models.Add(model);
            }
        }

        return models.ToImmutableArray();
    }
}
