using System;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace HyperGen.Kernels;

/// <summary>
/// Lets ILGPU find the CUDA libraries that machines have under other names than it asks for:
/// <list type="bullet">
/// <item>the driver, where only <c>libcuda.so.1</c> exists (the usual case on GPU machines and in containers without
/// the CUDA development files): without this ILGPU finds no library and silently reports zero devices;</item>
/// <item>cuBLAS 13: ILGPU.Algorithms asks for cuBLAS 10 to 12 by their versioned names and knows no newer one. The
/// functions it calls (cublasCreate_v2, cublasSgemm_v2...) are the same in every version since 10, so any of them
/// serves.</item>
/// </list>
/// </summary>
internal static class CudaLibraryResolver
{
    private static readonly NativeLibraryResolver s_driver = new(
        typeof(Context).Assembly,
        name => name.Equals("nvcuda", StringComparison.OrdinalIgnoreCase)
            || name.Equals("cuda", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("libcuda.so", StringComparison.Ordinal)
            || name.Equals("nvcuda.dll", StringComparison.OrdinalIgnoreCase),
        OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"]);

    private static readonly NativeLibraryResolver s_cuBlas = new(
        typeof(CuBlas).Assembly,
        name => name.Contains("cublas", StringComparison.OrdinalIgnoreCase),
        OperatingSystem.IsWindows()
            ? ["cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll"]
            : ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"]);

    /// <summary>Installs the driver's and cuBLAS's resolvers, once.</summary>
    public static void Install()
    {
        s_driver.Install();
        s_cuBlas.Install();
    }

    /// <summary>Why no CUDA device was found, in words a user can act on.</summary>
    public static string DescribeMissingGpu()
    {
        if (s_driver.FirstLoadable() is { } driver)
        {
            return $"the CUDA driver {driver} loads but reports no usable device";
        }

        string resolver = s_driver.InstallError is null ? "" : $"; the driver resolver could not be installed: {s_driver.InstallError}";
        return $"no CUDA driver found ({string.Join(" or ", s_driver.Candidates)} not on the library path; is this a GPU machine, and is LD_LIBRARY_PATH set to the driver's folder?){resolver}";
    }

    /// <summary>Why opening cuBLAS failed, in words a user can act on.</summary>
    public static string DescribeCuBlasFailure(Exception exception)
    {
        string resolver = s_cuBlas.InstallError is null ? "" : $"; the cuBLAS resolver could not be installed: {s_cuBlas.InstallError}";

        // ILGPU.Algorithms also reports a library that loads but whose cublasCreate fails as not found.
        return exception is DllNotFoundException
            ? $"no cuBLAS library loaded and started (looked for {string.Join(", ", s_cuBlas.Candidates)}; is its folder on the library path? {exception.Message}){resolver}"
            : $"{exception.GetType().Name}: {exception.Message}{resolver}";
    }
}
