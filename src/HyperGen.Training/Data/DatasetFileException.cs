using System;
using System.IO;

namespace HyperGen.Training.Data;

/// <summary>
/// A dataset file is missing, unreadable, truncated or not in the expected idx layout. The message names the file
/// and says what was wrong with it; <see cref="FilePath"/> holds the path on its own.
/// </summary>
public sealed class DatasetFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a description of the problem.</summary>
    /// <param name="filePath">The file that could not be used.</param>
    /// <param name="problem">What is wrong with it, as a sentence fragment (e.g. "is truncated: ...").</param>
    /// <param name="innerException">The underlying I/O or decompression error, if any.</param>
    public DatasetFileException(string filePath, string problem, Exception? innerException = null)
        : base($"Dataset file '{filePath}' {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The path of the file that could not be used.</summary>
    public string FilePath { get; }
}
