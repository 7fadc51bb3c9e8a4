using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace HyperGen.Kernels;

/// <summary>
/// Resolves one assembly's native imports of one library to the first of several file names that loads: the name
/// asked for, then <see cref="Candidates"/> in order. For libraries that ILGPU asks for by a name that the machine
/// does not have, although it has a compatible one under another name (see <see cref="CudaLibraryResolver"/>).
/// </summary>
internal sealed class NativeLibraryResolver(Assembly assembly, Func<string, bool> handles, string[] candidates)
{
    private readonly object _gate = new();
    private bool _installed;

    /// <summary>The file names tried after the one asked for, in order.</summary>
    public string[] Candidates { get; } = candidates;

    /// <summary>Why the resolver could not be installed (another one was), or null.</summary>
    public string? InstallError { get; private set; }

    /// <summary>Installs the resolver on the assembly, once; thread-safe.</summary>
    public void Install()
    {
        lock (_gate)
        {
            if (_installed)
            {
                return;
            }

            _installed = true;
            try
            {
                NativeLibrary.SetDllImportResolver(assembly, Resolve);
            }
            catch (InvalidOperationException exception)
            {
                // The assembly already has a resolver (ILGPU sets one under WSL): keep it, and say so where it matters.
                InstallError = exception.Message;
            }
        }
    }

    /// <summary>Whether one of <see cref="Candidates"/> loads from the default search path (the handle is freed again).</summary>
    public string? FirstLoadable()
    {
        foreach (string candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
                return candidate;
            }
        }

        return null;
    }

    private IntPtr Resolve(string name, Assembly requester, DllImportSearchPath? searchPath)
    {
        if (!handles(Path.GetFileName(name)))
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryLoad(name, requester, searchPath, out IntPtr handle))
        {
            return handle;
        }

        foreach (string candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, requester, searchPath, out handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }
}
