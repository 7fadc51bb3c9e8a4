using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace HyperGen.Training.Data;

/// <summary>
/// Finds and loads Fashion-MNIST. Without an explicit directory it takes the full dataset from Debian's
/// <c>dataset-fashion-mnist</c> package (<see cref="PackageDirectory"/>) and falls back to the small subset shipped
/// in the repository (<see cref="SubsetRelativePath"/>, copied next to this assembly at build time). The returned
/// <see cref="FashionMnistDataset.Source"/> says which one was used.
/// </summary>
/// <example>
/// <code>
/// FashionMnistDataset data = FashionMnist.Load();
/// Console.WriteLine(data.Description);
/// </code>
/// </example>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the idx files.</summary>
    public const string PackageDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The shipped subset's folder, relative to the repository root and to this assembly's folder.</summary>
    public const string SubsetRelativePath = "data/fashion-mnist-subset";

    /// <summary>Image side length of Fashion-MNIST.</summary>
    public const int ImageSide = 28;

    /// <summary>Number of classes (T-shirt, trouser, ..., ankle boot).</summary>
    public const int ClassCount = 10;

    // File names without the optional ".gz"; both forms are accepted.
    private const string TrainImages = "train-images-idx3-ubyte";
    private const string TrainLabels = "train-labels-idx1-ubyte";
    private const string TestImages = "t10k-images-idx3-ubyte";
    private const string TestLabels = "t10k-labels-idx1-ubyte";
    private static readonly string[] AllFiles = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>
    /// Loads Fashion-MNIST from <paramref name="directory"/> if given, otherwise from the Debian package, otherwise
    /// from the shipped subset.
    /// </summary>
    /// <param name="directory">A directory holding the four idx files (raw or .gz), or null to search.</param>
    /// <exception cref="DirectoryNotFoundException">No copy of the dataset was found; the message lists where it looked.</exception>
    /// <exception cref="DatasetFileException">A copy was found but one of its files is missing, damaged or inconsistent.</exception>
    public static FashionMnistDataset Load(string? directory = null)
    {
        if (directory is not null)
        {
            return LoadFrom(directory, DatasetSource.ExplicitDirectory);
        }

        // A directory with none of the files does not count as a copy; one with some of them does, so that a
        // half-installed package is reported rather than silently replaced by the subset.
        if (HoldsAnyFile(PackageDirectory))
        {
            return LoadFrom(PackageDirectory, DatasetSource.DebianPackage);
        }

        List<string> subsetCandidates = SubsetCandidates().ToList();
        foreach (string candidate in subsetCandidates)
        {
            if (HoldsAnyFile(candidate))
            {
                return LoadFrom(candidate, DatasetSource.RepositorySubset);
            }
        }

        throw new DirectoryNotFoundException(
            "Fashion-MNIST was not found. Looked in " + PackageDirectory + " (install it with " +
            "'apt-get install -y dataset-fashion-mnist') and for the shipped subset in: " +
            string.Join(", ", subsetCandidates) + ".");
    }

    /// <summary>Loads the four idx files from <paramref name="directory"/>, labelling the result with <paramref name="source"/>.</summary>
    /// <exception cref="DatasetFileException">A file is missing, damaged or inconsistent with its partner.</exception>
    public static FashionMnistDataset LoadFrom(string directory, DatasetSource source)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string fullPath = Path.GetFullPath(directory);
        LabeledImages train = LoadSet(fullPath, TrainImages, TrainLabels);
        LabeledImages test = LoadSet(fullPath, TestImages, TestLabels);
        return new FashionMnistDataset(train, test, source, fullPath);
    }

    private static LabeledImages LoadSet(string directory, string imagesName, string labelsName)
    {
        string imagesPath = Resolve(directory, imagesName);
        string labelsPath = Resolve(directory, labelsName);
        (int[] imageDims, byte[] pixels) = IdxReader.Read(imagesPath, dimensionCount: 3);
        (int[] labelDims, byte[] labels) = IdxReader.Read(labelsPath, dimensionCount: 1);

        if (imageDims[1] != ImageSide || imageDims[2] != ImageSide)
        {
            throw new DatasetFileException(imagesPath,
                $"holds {imageDims[1]}x{imageDims[2]} images; Fashion-MNIST images are {ImageSide}x{ImageSide}.");
        }

        if (labelDims[0] != imageDims[0])
        {
            throw new DatasetFileException(labelsPath,
                $"holds {labelDims[0]} labels but '{imagesPath}' holds {imageDims[0]} images.");
        }

        int bad = labels.AsSpan().IndexOfAnyInRange((byte)ClassCount, byte.MaxValue);
        if (bad >= 0)
        {
            throw new DatasetFileException(labelsPath,
                $"has label {labels[bad]} at item {bad}; Fashion-MNIST labels are 0..{ClassCount - 1}.");
        }

        return new LabeledImages(pixels, labels, ImageSide, ImageSide, ClassCount);
    }

    // Prefers the uncompressed file when both exist; reports the .gz name when neither does, since that is what
    // the package and the subset ship.
    private static string Resolve(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        return File.Exists(raw) ? raw : raw + ".gz";
    }

    private static bool HoldsAnyFile(string directory) =>
        Directory.Exists(directory) && AllFiles.Any(name => File.Exists(Resolve(directory, name)));

    private static IEnumerable<string> SubsetCandidates()
    {
        // Next to the assembly (the build copies it there), then data/... in the working directory or any parent,
        // for runs from a source checkout.
        yield return Path.Combine(AppContext.BaseDirectory, SubsetRelativePath);
        for (DirectoryInfo? dir = new(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            yield return Path.Combine(dir.FullName, SubsetRelativePath);
        }
    }
}
