using System;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace HyperGen.Kernels;

/// <summary>
/// An ILGPU context and the accelerator towers run on: the first CUDA device when there is one, otherwise ILGPU's
/// CPU accelerator, which emulates GPU threads and is meant for testing kernels (the fast CPU path is
/// <see cref="Tower{T}"/>'s SIMD code).
/// </summary>
public sealed class GpuDevice : IDisposable
{
    private readonly Context _context;

    private GpuDevice(Context context, Accelerator accelerator, string? noCudaReason)
    {
        _context = context;
        Accelerator = accelerator;
        NoCudaReason = noCudaReason;
    }

    /// <summary>The accelerator kernels run on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Whether <see cref="Accelerator"/> is a CUDA GPU.</summary>
    public bool IsCuda => Accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>Why no CUDA device is used (null when one is).</summary>
    public string? NoCudaReason { get; }

    /// <summary>The accelerator in words, with the reason when it is not a GPU.</summary>
    public string Description => IsCuda
        ? $"CUDA: {Accelerator.Name} ({Accelerator.MemorySize / (1024 * 1024)} MiB, {Accelerator.NumMultiprocessors} multiprocessors)"
        : $"ILGPU CPU accelerator (a GPU emulator for tests; {NoCudaReason})";

    /// <summary>Opens the first CUDA device, or ILGPU's CPU accelerator when there is none (see <see cref="NoCudaReason"/>).</summary>
    public static GpuDevice Open()
    {
        CudaLibraryResolver.Install();
        Context context = CreateContext(builder => builder.Cuda().CPU());
        try
        {
            if (context.GetCudaDevices().Count > 0)
            {
                return new GpuDevice(context, context.CreateCudaAccelerator(0), null);
            }

            return new GpuDevice(context, context.CreateCPUAccelerator(0), CudaLibraryResolver.DescribeMissingGpu());
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Opens the first CUDA device.</summary>
    /// <exception cref="InvalidOperationException">No CUDA device was found; the message says what was looked for.</exception>
    public static GpuDevice OpenCuda()
    {
        GpuDevice device = Open();
        if (!device.IsCuda)
        {
            string reason = device.NoCudaReason ?? "no CUDA device";
            device.Dispose();
            throw new InvalidOperationException($"No GPU found: {reason}.");
        }

        return device;
    }

    /// <summary>Opens ILGPU's CPU accelerator, for testing kernels without a GPU.</summary>
    public static GpuDevice OpenCpu()
    {
        Context context = CreateContext(builder => builder.CPU());
        try
        {
            return new GpuDevice(context, context.CreateCPUAccelerator(0), "CPU accelerator requested");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Algorithms enabled: kernels call System.MathF/Math (Exp, Log, Pow, Tanh), which CUDA gets from ILGPU.Algorithms'
    /// XMath; and the optimizations that make the generated straight-line code fast.
    /// </summary>
    private static Context CreateContext(Action<Context.Builder> devices) => Context.Create(builder =>
    {
        devices(builder);
        builder.EnableAlgorithms().Optimize(OptimizationLevel.O2);
    });

    /// <inheritdoc/>
    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => Description;
}
