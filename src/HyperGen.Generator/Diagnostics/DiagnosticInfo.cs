using System.Collections.Immutable;
using System.Linq;
using HyperGen.Generator.Helpers;
using Microsoft.CodeAnalysis;

namespace HyperGen.Generator.Diagnostics;

/// <summary>A diagnostic to report, held by value (descriptor id and string arguments) inside pipeline models.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    /// <summary>What the diagnostic tells its code fix, by the keys in <see cref="DiagnosticProperties"/>; usually none.</summary>
    public EquatableArray<(string Key, string Value)> Properties { get; init; } = EquatableArray<(string Key, string Value)>.Empty;

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());

    /// <summary>This diagnostic with one more property for its code fix.</summary>
    public DiagnosticInfo WithProperty(string key, string value) =>
        this with { Properties = Properties.Append((key, value)).ToEquatableArray() };

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(
            DiagnosticDescriptors.ById(Id),
            Location?.ToLocation(),
            Properties.ToImmutableDictionary(p => p.Key, p => (string?)p.Value),
            Arguments.Cast<object>().ToArray());
}
