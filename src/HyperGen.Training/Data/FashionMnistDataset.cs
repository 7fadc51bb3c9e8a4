using System;

namespace HyperGen.Training.Data;

/// <summary>A loaded Fashion-MNIST copy: training and test sets and where they were read from.</summary>
/// <param name="Train">The training images (60,000 in the full dataset).</param>
/// <param name="Test">The test images (10,000 in the full dataset).</param>
/// <param name="Source">Which of the known places the files came from.</param>
/// <param name="DirectoryPath">The directory the four idx files were read from.</param>
public sealed record FashionMnistDataset(LabeledImages Train, LabeledImages Test, DatasetSource Source, string DirectoryPath)
{
    /// <summary>One line for logs saying what was loaded and from where, with a warning when it is only the subset.</summary>
    public string Description
    {
        get
        {
            string origin = Source switch
            {
                DatasetSource.DebianPackage => "Debian package dataset-fashion-mnist",
                DatasetSource.RepositorySubset => "SUBSET shipped in the repository",
                _ => "explicit directory",
            };
            string text = FormattableString.Invariant(
                $"Fashion-MNIST, {origin} ({DirectoryPath}): {Train.Count} training and {Test.Count} test images");
            return Source == DatasetSource.RepositorySubset
                ? text + "; results are not comparable to the full dataset (apt-get install dataset-fashion-mnist)"
                : text;
        }
    }
}
