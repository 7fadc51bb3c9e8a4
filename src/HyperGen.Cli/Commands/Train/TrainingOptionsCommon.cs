using System;
using System.CommandLine;
using System.IO;
using HyperGen.Training.Data;

namespace HyperGen.Cli.Commands.Train;

/// <summary>The options and input checks that <c>train</c> and <c>reproduce</c> share, with their error messages.</summary>
internal static class TrainingOptionsCommon
{
    /// <summary>The <c>--data DIR</c> option.</summary>
    public static Option<string?> DataOption() => new("--data")
    {
        Description = "A folder of Fashion-MNIST idx files; default: the Debian package, else the shipped subset.",
        HelpName = "DIR",
    };

    /// <summary>
    /// Parses a tower spec against <paramref name="catalog"/> (the built-ins when null), reporting errors against
    /// <paramref name="option"/>; <paramref name="unknownOptimizerHint"/>, when given, follows an unknown optimizer's error.
    /// </summary>
    public static TowerSpec ParseTower(string option, string text, OptimizerCatalog? catalog = null, string? unknownOptimizerHint = null)
    {
        try
        {
            return TowerSpec.Parse(text, catalog);
        }
        catch (TowerSpecException e)
        {
            string hint = unknownOptimizerHint is not null && e.Problem.StartsWith("unknown optimizer", StringComparison.Ordinal)
                ? "; " + unknownOptimizerHint
                : "";
            throw new CliInputException($"{option}: {e.Message}{hint}", e);
        }
    }

    /// <summary>Loads Fashion-MNIST from <paramref name="directory"/>, or from the default places when null.</summary>
    public static FashionMnistDataset LoadData(string? directory)
    {
        try
        {
            return FashionMnist.Load(directory);
        }
        catch (Exception e) when (e is IOException or DatasetFileException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--data: {e.Message}", e);
        }
    }

    /// <summary>Creates the <c>--out</c> folder.</summary>
    public static void CreateOutputDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--out: cannot create '{directory}': {e.Message}", e);
        }
    }
}
