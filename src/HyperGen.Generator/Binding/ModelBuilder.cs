using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HyperGen.Generator.Diagnostics;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HyperGen.Generator.Binding;

/// <summary>
/// The transform step of the generator: validates a [HyperOptimize] method, binds its body, differentiates it and
/// plans the kernels, returning a symbol-free model plus diagnostics. Never throws: an unexpected failure becomes
/// the HG9999 diagnostic.
/// </summary>
internal static class ModelBuilder
{
    public static readonly string HyperOptimizeAttributeName = typeof(HyperOptimizeAttribute).FullName!;
    private static readonly string HyperAttributeName = typeof(HyperAttribute).FullName!;
    private static readonly string StateAttributeName = typeof(StateAttribute).FullName!;
    private static readonly string StepIndexAttributeName = typeof(StepIndexAttribute).FullName!;

    public static GenerationResult Build(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var method = (IMethodSymbol)context.TargetSymbol;
        try
        {
            OptimizerModel? model = TryBuild(context, method, diagnostics, cancellation);
            bool failed = diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
            return new GenerationResult(failed ? null : model, diagnostics.ToEquatableArray(), failed ? StandInBuilder.For(method, diagnostics) : null);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InternalError,
                LocationInfo.From(method.Locations.FirstOrDefault()),
                method.Name,
                $"{exception.GetType().Name}: {exception.Message}"));
            return new GenerationResult(null, diagnostics.ToEquatableArray(), StandInBuilder.For(method, diagnostics));
        }
    }

    private static OptimizerModel? TryBuild(
        GeneratorAttributeSyntaxContext context, IMethodSymbol method, List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        var syntax = (MethodDeclarationSyntax)context.TargetNode;
        INamedTypeSymbol type = method.ContainingType;
        LocationInfo? methodLocation = LocationInfo.From(syntax.Identifier.GetLocation());

        if (!IsTopLevelStaticPartial(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ContainingType, LocationInfo.From(type.Locations.FirstOrDefault()), type.Name));
        }

        ReportReservedNames(type, method, diagnostics);

        if (!method.IsStatic || !method.ReturnsVoid || method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MethodShape, methodLocation, method.Name));
        }

        if (IsSecondStepOfType(type, method))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateStep, methodLocation, type.Name));
        }

        AttributeData attribute = context.Attributes[0];
        int depth = ReadDepth(attribute, diagnostics);
        string? above = ReadAbove(attribute, type, diagnostics);

        ParameterRoles? roles = ClassifyParameters(method, methodLocation, diagnostics);
        if (roles is null || diagnostics.Any(IsError))
        {
            return null;
        }

        List<StateModel> states = roles.States.Select(p => ReadState(p, context.SemanticModel)).ToList();
        List<HyperModel> hypers = WithUniqueRawNames(
            roles.Hypers.Select(p => ReadHyper(p, context.SemanticModel, diagnostics)).ToList(),
            [roles.Weight.Name, roles.Gradient.Name, .. states.Select(s => s.Name)],
            roles.Weight.Name);

        if (context.SemanticModel.GetOperation(syntax, cancellation) is not IMethodBodyOperation bodyOperation
            || (bodyOperation.BlockBody ?? bodyOperation.ExpressionBody) is not IBlockOperation body)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedStatement, methodLocation, "a step without a body"));
            return null;
        }

        var factory = TermFactory.ForUserArithmetic(single: roles.Weight.Type.SpecialType == SpecialType.System_Single);
        var binder = new StepBinder(factory, roles, hypers.Select(h => h.Domain).ToList(), diagnostics, cancellation);
        binder.Bind(body);
        if (binder.HasErrors || diagnostics.Any(IsError))
        {
            return null;
        }

        Dictionary<int, string> names = binder.Names;
        if (binder.Weight.Op == Op.Weight)
        {
            // Every partial is 0 and every HG0012 would follow from this one mistake: report only the mistake.
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.WeightNeverAssigned, methodLocation, method.Name, roles.Weight.Name));
            return null;
        }

        var differentiator = new Differentiator(factory.Algebraic)
        {
            OnDerived = (source, derivative, hyper) => NameDerivative(names, source, derivative, RawName(hypers[hyper])),
        };

        Term weight = binder.Weight;
        var partials = new Term?[hypers.Count];
        for (int j = 0; j < hypers.Count; j++)
        {
            Term partial = differentiator.Derive(weight, j);
            partials[j] = partial.IsConst(0) ? null : partial;
            if (partials[j] is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.HyperUnused, LocationInfo.From(roles.Hypers[j].Locations.FirstOrDefault()), hypers[j].Name));
            }
        }

        // The new state is stored under its own name (mNext) so the loaded value keeps the user's name (m).
        var stateOutputs = new Term?[states.Count];
        for (int k = 0; k < states.Count; k++)
        {
            Term next = binder.States[k];
            stateOutputs[k] = next.Op == Op.State && next.Index == k ? null : next;
            if (stateOutputs[k] is { } output && output.Op != Op.Const && names.TryGetValue(output.Id, out string? current) && current == states[k].Name)
            {
                names[output.Id] = states[k].Name + "Next";
            }
            else if (stateOutputs[k] is { } unnamed && unnamed.Op != Op.Const && !names.ContainsKey(unnamed.Id))
            {
                names[unnamed.Id] = states[k].Name + "Next";
            }
        }

        KernelProgram plain = ProgramPlanner.Plan(weight, stateOutputs, Array.Empty<Term?>(), names);
        KernelProgram withPartials = ProgramPlanner.Plan(weight, stateOutputs, partials, names);

        return new OptimizerModel(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            type.Name,
            method.Name,
            roles.Weight.Type.SpecialType == SpecialType.System_Double,
            roles.Weight.Name,
            roles.Gradient.Name,
            roles.StepIndex?.Name,
            hypers.ToEquatableArray(),
            states.ToEquatableArray(),
            depth,
            above,
            plain,
            withPartials);
    }

    /// <summary>The members the generator adds to the optimizer class; the class may not declare or be named any of them.</summary>
    internal static readonly string[] GeneratedMemberNames = ["Definition", "CreateTower", "HyperGenDefinition", "SingleStep", "DoubleStep"];

    /// <summary>
    /// Reports names the generated code cannot use (HG0018): a class or member named like a member the generator adds,
    /// and a class, step or namespace named with a C# keyword (<c>@float</c>), which generated code would write bare.
    /// </summary>
    private static void ReportReservedNames(INamedTypeSymbol type, IMethodSymbol method, List<DiagnosticInfo> diagnostics)
    {
        void Report(ISymbol symbol, string what, string reason) => diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.ReservedName, LocationInfo.From(symbol.Locations.FirstOrDefault()), symbol.Name, what, reason));

        const string Generated = "the generated code adds a member of that name to the class";
        if (Array.IndexOf(GeneratedMemberNames, type.Name) >= 0)
        {
            Report(type, "the optimizer class", Generated);
        }

        foreach (ISymbol member in type.GetMembers())
        {
            if (!member.IsImplicitlyDeclared && Array.IndexOf(GeneratedMemberNames, member.Name) >= 0)
            {
                Report(member, $"a member of '{type.Name}'", Generated);
            }
        }

        if (IsKeyword(type.Name))
        {
            Report(type, "the optimizer class", KeywordReason(type.Name));
        }

        if (IsKeyword(method.Name))
        {
            Report(method, "the step method", KeywordReason(method.Name));
        }

        for (INamespaceSymbol? space = type.ContainingNamespace; space is { IsGlobalNamespace: false }; space = space.ContainingNamespace)
        {
            if (IsKeyword(space.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ReservedName, LocationInfo.From(type.Locations.FirstOrDefault()), space.Name, $"a namespace of '{type.Name}'", KeywordReason(space.Name)));
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is a reserved C# keyword, usable as a name only as <c>@name</c>.</summary>
    internal static bool IsKeyword(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;

    internal static string KeywordReason(string name) =>
        $"it is the C# keyword '{name}' (written @{name}), and generated code uses names as they are; choose another name";

    private static void NameDerivative(Dictionary<int, string> names, Term source, Term derivative, string hyper)
    {
        if (derivative.Op is Op.Const or Op.Hyper || names.ContainsKey(derivative.Id) || !names.TryGetValue(source.Id, out string? name))
        {
            return;
        }

        names[derivative.Id] = $"d{Capitalize(name)}_d{Capitalize(hyper)}";
    }

    /// <summary>Derivatives are taken with respect to the raw value, so names say so where it differs.</summary>
    internal static string RawName(HyperModel hyper) => hyper.RawName ?? DefaultRawName(hyper);

    private static string DefaultRawName(HyperModel hyper) => hyper.Domain == HyperDomain.Real ? hyper.Name : hyper.Name + "Raw";

    /// <summary>
    /// Gives every hyperparameter a raw name whose generated partial (<c>dW_dAlphaRaw</c>, and its buffer
    /// <c>dW_dAlphaRawBuffer</c>) is unlike every other: a UnitInterval <c>a</c> and a Real <c>aRaw</c> would
    /// otherwise both be <c>aRaw</c>, and a state called <c>dW_dA</c> would share its buffer name with a's partials.
    /// </summary>
    private static List<HyperModel> WithUniqueRawNames(List<HyperModel> hypers, IEnumerable<string> bufferOwners, string weight)
    {
        var taken = new HashSet<string>(bufferOwners, StringComparer.Ordinal);
        string Partial(string raw) => $"d{Capitalize(weight)}_d{Capitalize(raw)}";
        var named = new List<HyperModel>(hypers.Count);
        foreach (HyperModel hyper in hypers)
        {
            string raw = DefaultRawName(hyper);
            for (int suffix = 2; taken.Contains(Partial(raw)); suffix++)
            {
                raw = DefaultRawName(hyper) + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            taken.Add(Partial(raw));
            named.Add(hyper with { RawName = raw });
        }

        return named;
    }

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    private static bool IsError(DiagnosticInfo diagnostic) =>
        DiagnosticDescriptors.ById(diagnostic.Id).DefaultSeverity == DiagnosticSeverity.Error;

    private static bool IsTopLevelStaticPartial(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Class
        && type.IsStatic
        && type.ContainingType is null
        && !type.IsGenericType
        && type.DeclaringSyntaxReferences.All(r =>
            r.GetSyntax() is ClassDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    internal static bool IsSecondStepOfType(INamedTypeSymbol type, IMethodSymbol method)
    {
        IMethodSymbol? first = type.GetMembers()
            .OfType<IMethodSymbol>()
            .Where(HasHyperOptimize)
            .OrderBy(m => m.Locations.FirstOrDefault()?.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(m => m.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0)
            .FirstOrDefault();
        return first is not null && !SymbolEqualityComparer.Default.Equals(first, method);
    }

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

    private static ParameterRoles? ClassifyParameters(IMethodSymbol method, LocationInfo? methodLocation, List<DiagnosticInfo> diagnostics)
    {
        var byParameter = new Dictionary<IParameterSymbol, ParameterRole>(SymbolEqualityComparer.Default);
        IParameterSymbol? weight = null;
        IParameterSymbol? gradient = null;
        IParameterSymbol? stepIndex = null;
        var states = new List<IParameterSymbol>();
        var hypers = new List<IParameterSymbol>();

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            LocationInfo? location = LocationInfo.From(parameter.Locations.FirstOrDefault());
            bool isHyper = HasAttribute(parameter, HyperAttributeName);
            bool isStepIndex = HasAttribute(parameter, StepIndexAttributeName);
            bool isFloat = StepBinder.IsFloatingPoint(parameter.Type);

            string? problem = null;
            if (isStepIndex)
            {
                if (parameter.Type.SpecialType != SpecialType.System_Int32 || parameter.RefKind != RefKind.None)
                {
                    problem = "a [StepIndex] parameter must be a plain 'int'";
                }
                else if (stepIndex is not null)
                {
                    problem = "only one parameter can be the [StepIndex]";
                }
                else
                {
                    stepIndex = parameter;
                    byParameter[parameter] = new ParameterRole(parameter, Role.StepIndex, 0);
                }
            }
            else if (!isFloat)
            {
                problem = parameter.Type.SpecialType == SpecialType.System_Int32
                    ? "an 'int' parameter must be marked [StepIndex]"
                    : $"parameters are float or double (or an int [StepIndex]), not '{parameter.Type.ToDisplayString()}'";
            }
            else if (isHyper)
            {
                if (parameter.RefKind != RefKind.None)
                {
                    problem = "a [Hyper] parameter is passed by value, not by reference";
                }
                else
                {
                    byParameter[parameter] = new ParameterRole(parameter, Role.Hyper, hypers.Count);
                    hypers.Add(parameter);
                }
            }
            else if (parameter.RefKind == RefKind.Ref)
            {
                if (weight is null)
                {
                    weight = parameter;
                    byParameter[parameter] = new ParameterRole(parameter, Role.Weight, 0);
                }
                else
                {
                    byParameter[parameter] = new ParameterRole(parameter, Role.State, states.Count);
                    states.Add(parameter);
                }
            }
            else if (parameter.RefKind == RefKind.None)
            {
                if (gradient is null)
                {
                    gradient = parameter;
                    byParameter[parameter] = new ParameterRole(parameter, Role.Gradient, 0);
                }
                else
                {
                    problem = "the step already has a gradient; mark a learned value [Hyper] or make state 'ref'";
                }
            }
            else
            {
                problem = $"'{parameter.RefKind.ToString().ToLowerInvariant()}' parameters are not supported; state is 'ref'";
            }

            if (problem is null && IsKeyword(parameter.Name))
            {
                problem = KeywordReason(parameter.Name);
            }

            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedParameter, location, parameter.Name, problem));
            }
        }

        if (hypers.Count > 64)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedParameter, LocationInfo.From(hypers[64].Locations.FirstOrDefault()), hypers[64].Name, "a step has at most 64 hyperparameters"));
        }

        if (weight is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingWeight, methodLocation, method.Name));
        }

        if (gradient is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingGradient, methodLocation, method.Name));
        }

        if (weight is null || gradient is null)
        {
            return null;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (StepBinder.IsFloatingPoint(parameter.Type) && parameter.Type.SpecialType != weight.Type.SpecialType)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.MixedPrecision,
                    LocationInfo.From(parameter.Locations.FirstOrDefault()),
                    parameter.Name,
                    parameter.Type.ToDisplayString(),
                    weight.Type.ToDisplayString())
                    .WithProperty(DiagnosticProperties.StepPrecision, weight.Type.ToDisplayString()));
            }
        }

        return new ParameterRoles(byParameter, weight, gradient, stepIndex, states, hypers);
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
