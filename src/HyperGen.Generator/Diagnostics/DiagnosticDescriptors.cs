using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace HyperGen.Generator.Diagnostics;

/// <summary>Every diagnostic HyperGen reports. Ids are tracked in AnalyzerReleases.*.md.</summary>
internal static class DiagnosticDescriptors
{
    public const string Category = "HyperGen";
    private const string HelpLinkBase = "https://github.com/hypergen/hypergen/blob/main/docs/diagnostics.md#";

    public const string ContainingTypeId = "HG0001";
    public const string MethodShapeId = "HG0002";
    public const string MissingWeightId = "HG0003";
    public const string MissingGradientId = "HG0004";
    public const string UnsupportedStatementId = "HG0005";
    public const string UnsupportedExpressionId = "HG0006";
    public const string UnsupportedCallId = "HG0007";
    public const string DepthOutOfRangeId = "HG0008";
    public const string InitialOutsideDomainId = "HG0009";
    public const string AboveNotOptimizerId = "HG0010";
    public const string MixedPrecisionId = "HG0011";
    public const string HyperUnusedId = "HG0012";
    public const string UnsupportedParameterId = "HG0013";
    public const string ReadOnlyAssignmentId = "HG0014";
    public const string DuplicateStepId = "HG0015";
    public const string BoundsInvertedId = "HG0016";
    public const string InitialOutsideBoundsId = "HG0017";
    public const string ReservedNameId = "HG0018";
    public const string WeightNeverAssignedId = "HG0019";
    public const string HyperFixedAtZeroId = "HG0020";
    public const string MixedPrecisionConversionId = "HG0021";
    public const string InternalErrorId = "HG9999";

    public static readonly DiagnosticDescriptor ContainingType = Error(
        ContainingTypeId,
        "Optimizer class must be a top-level static partial class",
        "'{0}' must be a top-level 'static partial class' to hold a [HyperOptimize] step");

    public static readonly DiagnosticDescriptor MethodShape = Error(
        MethodShapeId,
        "Optimizer step must be a non-generic static void method",
        "[HyperOptimize] method '{0}' must be a non-generic 'static void' method");

    public static readonly DiagnosticDescriptor MissingWeight = Error(
        MissingWeightId,
        "Optimizer step has no weight",
        "'{0}' has no weight: its first 'ref float' (or 'ref double') parameter is the weight it updates");

    public static readonly DiagnosticDescriptor MissingGradient = Error(
        MissingGradientId,
        "Optimizer step has no gradient",
        "'{0}' has no gradient: its first plain floating-point parameter without [Hyper] is the gradient");

    public static readonly DiagnosticDescriptor UnsupportedStatement = Error(
        UnsupportedStatementId,
        "Unsupported statement in an optimizer step",
        "{0} is not supported in a [HyperOptimize] step: the body must be straight-line arithmetic (local declarations and assignments)");

    public static readonly DiagnosticDescriptor UnsupportedExpression = Error(
        UnsupportedExpressionId,
        "Unsupported expression in an optimizer step",
        "{0} is not supported in a [HyperOptimize] step: use + - * /, unary minus, MathF functions, ?: on comparisons, parameters, locals and constants");

    public static readonly DiagnosticDescriptor UnsupportedCall = Error(
        UnsupportedCallId,
        "Unsupported method call in an optimizer step",
        "'{0}' cannot be called in a [HyperOptimize] step; supported: MathF/Math {1}");

    public static readonly DiagnosticDescriptor DepthOutOfRange = Error(
        DepthOutOfRangeId,
        "Tower depth out of range",
        "Depth = {0} is out of range: a tower has between 1 and {1} levels");

    public static readonly DiagnosticDescriptor InitialOutsideDomain = Error(
        InitialOutsideDomainId,
        "Hyperparameter initial value outside its domain",
        "The initial value {0} of hyperparameter '{1}' is outside its {2} domain: it must be {3}");

    public static readonly DiagnosticDescriptor AboveNotOptimizer = Error(
        AboveNotOptimizerId,
        "Above names a type without an optimizer step",
        "Above = typeof({0}) names a type without a [HyperOptimize] step");

    public static readonly DiagnosticDescriptor MixedPrecision = Error(
        MixedPrecisionId,
        "Optimizer step mixes float and double",
        "Parameter '{0}' is {1} but the step's weight is {2}: a step is written in float or in double, not both");

    public static readonly DiagnosticDescriptor HyperUnused = Warning(
        HyperUnusedId,
        "Hyperparameter never influences the weight",
        "Hyperparameter '{0}' never influences the weight, so it can never be learned");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
        UnsupportedParameterId,
        "Unsupported parameter in an optimizer step",
        "Parameter '{0}' is not supported: {1}");

    public static readonly DiagnosticDescriptor ReadOnlyAssignment = Error(
        ReadOnlyAssignmentId,
        "Assignment to an input of the step",
        "'{0}' is {1} and cannot be assigned in a [HyperOptimize] step; only the weight, state and locals can");

    public static readonly DiagnosticDescriptor DuplicateStep = Error(
        DuplicateStepId,
        "More than one optimizer step in a class",
        "'{0}' already has a [HyperOptimize] step; each optimizer class holds exactly one");

    public static readonly DiagnosticDescriptor BoundsInverted = Error(
        BoundsInvertedId,
        "Hyperparameter lower bound above its upper bound",
        "Hyperparameter '{0}' has Min = {1} above Max = {2}: no value satisfies both bounds");

    public static readonly DiagnosticDescriptor InitialOutsideBounds = Error(
        InitialOutsideBoundsId,
        "Hyperparameter initial value outside its bounds",
        "The initial value {0} of hyperparameter '{1}' is outside its bound {2}");

    public static readonly DiagnosticDescriptor ReservedName = Error(
        ReservedNameId,
        "Name the generated code cannot use",
        "'{0}' cannot name {1}: {2}");

    public static readonly DiagnosticDescriptor WeightNeverAssigned = Error(
        WeightNeverAssignedId,
        "Optimizer step never updates the weight",
        "'{0}' never updates the weight '{1}', so every step would leave the weights as they are: update it, for example '{1} -= alpha * g;'");

    public static readonly DiagnosticDescriptor HyperFixedAtZero = Error(
        HyperFixedAtZeroId,
        "Squared hyperparameter starts at its fixed point",
        "Hyperparameter '{0}' starts at 0 in the Squared domain, where it is learned as r with {0} = r * r and d(r * r)/dr = 2r is 0: it can never move. Start it above 0, or set InactiveAtZero = true to hold it at 0 on purpose.");

    public static readonly DiagnosticDescriptor MixedPrecisionConversion = Error(
        MixedPrecisionConversionId,
        "Optimizer step converts between float and double",
        "{0} is {1} and is converted to {2} here: a step computes in one precision, so write it in the step's own (MathF and f literals in a float step, Math and plain literals in a double one)");

    public static readonly DiagnosticDescriptor InternalError = Error(
        InternalErrorId,
        "HyperGen generator failure",
        "HyperGen could not generate code for '{0}': {1}. Please report this with the step method.");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new[]
    {
        ContainingType, MethodShape, MissingWeight, MissingGradient, UnsupportedStatement, UnsupportedExpression,
        UnsupportedCall, DepthOutOfRange, InitialOutsideDomain, AboveNotOptimizer, MixedPrecision, HyperUnused,
        UnsupportedParameter, ReadOnlyAssignment, DuplicateStep, BoundsInverted, InitialOutsideBounds, ReservedName,
        WeightNeverAssigned, HyperFixedAtZero, MixedPrecisionConversion, InternalError,
    }.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
