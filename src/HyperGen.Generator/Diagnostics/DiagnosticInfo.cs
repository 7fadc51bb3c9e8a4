using System.Linq;
using HyperGen.Generator.Helpers;
using Microsoft.CodeAnalysis;

namespace HyperGen.Generator.Diagnostics;

/// <summary>A diagnostic to report, held by value (descriptor id and string arguments) inside pipeline models.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(
            DiagnosticDescriptors.ById(Id),
            Location?.ToLocation(),
            Arguments.Cast<object>().ToArray());
}
