namespace HyperGen.Training.Data;

/// <summary>Where a loaded Fashion-MNIST copy came from.</summary>
public enum DatasetSource
{
    /// <summary>A directory the caller named explicitly.</summary>
    ExplicitDirectory,

    /// <summary>The full dataset from Debian's <c>dataset-fashion-mnist</c> package.</summary>
    DebianPackage,

    /// <summary>The small subset shipped in the repository (data/fashion-mnist-subset), used when the package is absent.</summary>
    RepositorySubset,
}
