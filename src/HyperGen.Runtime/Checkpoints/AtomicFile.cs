using System;
using System.IO;

namespace HyperGen.Checkpoints;

/// <summary>
/// Replaces a file so that a reader, or a process killed at any moment, sees either the old content or the new one,
/// never a mixture: the new content goes to a temporary file in the same folder, is flushed to the disk, and is then
/// renamed over the target (a rename within one file system is atomic).
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);

                // Down to the disk, not just the OS cache: otherwise a power cut after the rename could leave the
                // new name pointing at a file whose blocks were never written.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write already failed; a leftover temporary file must not hide that error.
        }
    }
}
