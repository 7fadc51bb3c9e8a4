using System;
using System.IO;

namespace HyperGen.Tests.Cli;

/// <summary>A private temporary folder for the files a test hands to the command line; deleted on dispose.</summary>
internal sealed class TempFiles : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hypergen-cli-tests", Guid.NewGuid().ToString("N"));

    public TempFiles() => Directory.CreateDirectory(_root);

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in the folder and returns its full path.</summary>
    public string Write(string name, string text)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A path in the folder where no file exists.</summary>
    public string Missing(string name) => Path.Combine(_root, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless; failing the test for it would not be.
        }
    }
}
