using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Diagnostics;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HyperGen.Generator.Binding;

/// <summary>Reading the attributes: [HyperOptimize]'s Depth and Above, [Hyper]'s initial value, domain and bounds, [State]'s start.</summary>
internal static partial class ModelBuilder
{
    public static readonly string HyperOptimizeAttributeName = typeof(HyperOptimizeAttribute).FullName!;
    private static readonly string HyperAttributeName = typeof(HyperAttribute).FullName!;
    private static readonly string StateAttributeName = typeof(StateAttribute).FullName!;
    private static readonly string StepIndexAttributeName = typeof(StepIndexAttribute).FullName!;

    private static bool HasHyperOptimize(ISymbol symbol) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == HyperOptimizeAttributeName);

    private static int ReadDepth(AttributeData attribute, List<DiagnosticInfo> diagnostics)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == nameof(HyperOptimizeAttribute.Depth) && argument.Value.Value is int depth)
            {
                if (depth < 1 || depth > HyperOptimizeAttribute.MaxDepth)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.DepthOutOfRange,
                        NamedArgumentLocation(attribute, nameof(HyperOptimizeAttribute.Depth)),
                        depth.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        HyperOptimizeAttribute.MaxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    return 1;
                }

                return depth;
            }
        }

        return 1;
    }

    private static string? ReadAbove(AttributeData attribute, INamedTypeSymbol self, List<DiagnosticInfo> diagnostics)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key != nameof(HyperOptimizeAttribute.Above) || argument.Value.Value is not INamedTypeSymbol above)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(above, self))
            {
                return null;
            }

            if (!above.GetMembers().OfType<IMethodSymbol>().Any(HasHyperOptimize))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.AboveNotOptimizer, NamedArgumentLocation(attribute, nameof(HyperOptimizeAttribute.Above)), above.Name));
                return null;
            }

            return above.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        }

        return null;
    }

    private static HyperModel ReadHyper(IParameterSymbol parameter, SemanticModel semanticModel, List<DiagnosticInfo> diagnostics)
    {
        AttributeData attribute = parameter.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == HyperAttributeName);
        double initial = attribute.ConstructorArguments.Length > 0
            ? AsWritten(attribute, semanticModel, positional: 0, named: null) ?? 0
            : 0;
        HyperDomain domain = HyperDomain.Real;
        bool inactiveAtZero = false;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == nameof(HyperAttribute.Domain) && argument.Value.Value is int value)
            {
                domain = (HyperDomain)value;
            }
            else if (argument.Key == nameof(HyperAttribute.InactiveAtZero) && argument.Value.Value is bool flag)
            {
                inactiveAtZero = flag;
            }
        }

        double min = AsWritten(attribute, semanticModel, positional: -1, named: nameof(HyperAttribute.Min)) ?? double.NaN;
        double max = AsWritten(attribute, semanticModel, positional: -1, named: nameof(HyperAttribute.Max)) ?? double.NaN;

        if (!HyperDomains.Contains(domain, initial))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InitialOutsideDomain,
                LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax()),
                initial.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                parameter.Name,
                domain.ToString(),
                HyperDomains.Describe(domain)));
        }
        else if (domain == HyperDomain.Squared && initial == 0 && !inactiveAtZero)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.HyperFixedAtZero,
                LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax()),
                parameter.Name));
        }
        else
        {
            ValidateBounds(attribute, parameter.Name, initial, min, max, diagnostics);
        }

        return new HyperModel(parameter.Name, initial, domain, inactiveAtZero, min, max);
    }

    /// <summary>Reports bounds that no value satisfies, or that exclude the initial value (NaN means no bound).</summary>
    private static void ValidateBounds(
        AttributeData attribute, string name, double initial, double min, double max, List<DiagnosticInfo> diagnostics)
    {
        static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (!double.IsNaN(min) && !double.IsNaN(max) && min > max)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.BoundsInverted, NamedArgumentLocation(attribute, nameof(HyperAttribute.Min)), name, Format(min), Format(max)));
        }
        else if ((!double.IsNaN(min) && initial < min) || (!double.IsNaN(max) && initial > max))
        {
            string bound = initial < min ? "Min = " + Format(min) : "Max = " + Format(max);
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InitialOutsideBounds,
                NamedArgumentLocation(attribute, initial < min ? nameof(HyperAttribute.Min) : nameof(HyperAttribute.Max)),
                Format(initial),
                name,
                bound));
        }
    }

    private static StateModel ReadState(IParameterSymbol parameter, SemanticModel semanticModel)
    {
        AttributeData? attribute = parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == StateAttributeName);
        double initial = attribute is null ? 0 : AsWritten(attribute, semanticModel, positional: -1, named: nameof(StateAttribute.Init)) ?? 0;
        return new StateModel(parameter.Name, initial);
    }

    /// <summary>
    /// Reads an attribute argument as the user wrote it: <c>1e-8f</c> is a float literal converted to the double
    /// parameter, and should mean 1e-8, not 9.99999993922529E-09.
    /// </summary>
    private static double? AsWritten(AttributeData attribute, SemanticModel semanticModel, int positional, string? named)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } list }
            && list.SyntaxTree == semanticModel.SyntaxTree)
        {
            int index = 0;
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                bool isNamed = argument.NameEquals is not null;
                bool matches = named is null
                    ? !isNamed && index == positional
                    : isNamed && argument.NameEquals!.Name.Identifier.ValueText == named;
                if (!isNamed)
                {
                    index++;
                }

                if (matches && semanticModel.GetConstantValue(argument.Expression) is { HasValue: true } constant)
                {
                    return ConstantValues.ToDouble(constant.Value);
                }
            }
        }

        TypedConstant value = named is null
            ? attribute.ConstructorArguments[positional]
            : attribute.NamedArguments.FirstOrDefault(a => a.Key == named).Value;
        return ConstantValues.ToDouble(value.Value);
    }

    private static LocationInfo? NamedArgumentLocation(AttributeData attribute, string name)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
        {
            AttributeArgumentSyntax? argument = syntax.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            return LocationInfo.From((SyntaxNode?)argument ?? syntax);
        }

        return null;
    }

    private static bool HasAttribute(IParameterSymbol parameter, string name) =>
        parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == name);
}
