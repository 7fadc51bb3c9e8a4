using Xunit;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// The tests that use the packed packages share one <see cref="PackedPackages"/>: packing takes most of a minute, so
/// it is done once for all of them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packed packages";
}
