using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;

namespace HyperGen.Kernels;

/// <summary>
/// Lets ILGPU find the CUDA driver where only <c>libcuda.so.1</c> exists (the usual case on GPU machines and in
/// containers without the CUDA development files): without this ILGPU finds no library and silently reports
/// zero devices.
/// </summary>
internal static class CudaLibraryResolver
{
    private static readonly object s_gate = new();
    private static bool s_installed;
    private static string? s_installError;

    /// <summary>The driver file names tried, in order.</summary>
    private static readonly string[] s_driverNames = OperatingSystem.IsWindows()
        ? ["nvcuda.dll"]
        : ["libcuda.so.1", "libcuda.so"];

    public static void Install()
    {
        lock (s_gate)
        {
            if (s_installed)
            {
                return;
            }

            s_installed = true;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
            }
            catch (InvalidOperationException exception)
            {
                // ILGPU set its own resolver (it does under WSL): keep it, and say so if no GPU is found.
                s_installError = exception.Message;
            }
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!IsDriverName(name))
        {
            return IntPtr.Zero;
        }

        foreach (string candidate in s_driverNames)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out IntPtr handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    private static bool IsDriverName(string name)
    {
        string file = Path.GetFileName(name);
        return file.Equals("nvcuda", StringComparison.OrdinalIgnoreCase)
            || file.Equals("cuda", StringComparison.OrdinalIgnoreCase)
            || file.StartsWith("libcuda.so", StringComparison.Ordinal)
            || file.Equals("nvcuda.dll", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Why no CUDA device was found, in words a user can act on.</summary>
    public static string DescribeMissingGpu()
    {
        foreach (string candidate in s_driverNames)
        {
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
                return $"the CUDA driver {candidate} loads but reports no usable device";
            }
        }

        string resolver = s_installError is null ? "" : $"; the driver resolver could not be installed: {s_installError}";
        return $"no CUDA driver found ({string.Join(" or ", s_driverNames)} not on the library path; is this a GPU machine, and is LD_LIBRARY_PATH set to the driver's folder?){resolver}";
    }
}
