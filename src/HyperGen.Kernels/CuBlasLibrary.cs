using System;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace HyperGen.Kernels;

/// <summary>
/// Opens NVIDIA's cuBLAS (ILGPU.Algorithms' <see cref="CuBlas"/>) on an accelerator, for models that run their matrix
/// products there beside a <see cref="GpuTower{T}"/>. Unlike <c>new CuBlas(accelerator)</c> it also finds cuBLAS 13,
/// which ILGPU.Algorithms does not know by name, and it reports a missing library as a reason, not an exception.
/// </summary>
public static class CuBlasLibrary
{
    /// <summary>
    /// cuBLAS on <paramref name="accelerator"/>, bound to its default stream (so its calls run in order with the
    /// accelerator's kernels), or null with <paramref name="reason"/> saying why not: the accelerator is not a CUDA
    /// GPU, or no cuBLAS library (libcublas.so.11 to .13, cublas64_*.dll) loads and starts.
    /// </summary>
    /// <param name="accelerator">Where the products will run.</param>
    /// <param name="reason">Null when cuBLAS opened; otherwise why not, in words a user can act on.</param>
    public static CuBlas? TryOpen(Accelerator accelerator, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (accelerator is not CudaAccelerator cuda)
        {
            reason = $"cuBLAS runs on CUDA GPUs only, and this accelerator is {accelerator.AcceleratorType}";
            return null;
        }

        CudaLibraryResolver.Install();
        try
        {
            reason = null;
            return new CuBlas(cuda);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CuBlasException)
        {
            reason = $"cuBLAS could not be opened: {CudaLibraryResolver.DescribeCuBlasFailure(e)}";
            return null;
        }
    }

    /// <summary>cuBLAS's version as it prints it: <see cref="CuBlas{T}.Version"/> encodes 13.1.0 as 130100.</summary>
    public static string FormatVersion(int version) => $"{version / 10000}.{version / 100 % 100}.{version % 100}";
}
