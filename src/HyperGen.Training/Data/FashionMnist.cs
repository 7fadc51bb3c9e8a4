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
    public static FashionMnistDataset Load(string? directory = null) =>
        directory is not null
            ? LoadFrom(directory, DatasetSource.ExplicitDirectory)
            : LoadFirstFound(DefaultLocations());

    /// <summary>
    /// The places <see cref="Load"/> searches, in order: the Debian package, the subset next to this assembly, then
    /// <see cref="SubsetRelativePath"/> under the working directory and each of its parents (runs from a checkout).
    /// </summary>
    public static IReadOnlyList<DatasetLocation> DefaultLocations()
    {
        var locations = new List<DatasetLocation>
        {
            new(PackageDirectory, DatasetSource.DebianPackage),
            new(Path.Combine(AppContext.BaseDirectory, SubsetRelativePath), DatasetSource.RepositorySubset),
        };
        for (DirectoryInfo? dir = new(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            locations.Add(new(Path.Combine(dir.FullName, SubsetRelativePath), DatasetSource.RepositorySubset));
        }

        return locations;
    }

    /// <summary>Loads the copy at the first of <paramref name="locations"/> that holds any of the dataset's files.</summary>
    /// <remarks>
    /// A directory with none of the files is skipped; one with some of them is taken, so that a half-installed or
    /// damaged copy is reported (as a <see cref="DatasetFileException"/>) rather than silently replaced by the next.
    /// </remarks>
    /// <exception cref="DirectoryNotFoundException">No location holds the dataset; the message lists them all.</exception>
    /// <exception cref="DatasetFileException">The copy found has a missing, damaged or inconsistent file.</exception>
    public static FashionMnistDataset LoadFirstFound(IEnumerable<DatasetLocation> locations)
    {
        ArgumentNullException.ThrowIfNull(locations);
        var searched = new List<string>();
        foreach (DatasetLocation location in locations)
        {
            if (HoldsAnyFile(location.DirectoryPath))
            {
                return LoadFrom(location.DirectoryPath, location.Source);
            }

            searched.Add(location.DirectoryPath);
        }

        throw new DirectoryNotFoundException(
            "Fashion-MNIST was not found in any of: " + string.Join(", ", searched) + ". Install the full dataset " +
            "with 'apt-get install -y dataset-fashion-mnist', or pass a directory holding the four idx files.");
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
}
