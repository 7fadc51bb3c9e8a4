namespace HyperGen.Training.Data;

/// <summary>A place where a copy of Fashion-MNIST may be, and what kind of copy it would be.</summary>
/// <param name="DirectoryPath">Directory expected to hold the four idx files (raw or .gz).</param>
/// <param name="Source">What to report as the source when the copy is taken from here.</param>
public readonly record struct DatasetLocation(string DirectoryPath, DatasetSource Source);
