using System;
using System.Linq;
using HyperGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Tests.Gpu;

/// <summary>A float GPU tower over its own device weights (starting at 0.5) and gradient buffer, stepped from host gradients.</summary>
internal sealed class DeviceTowerRun : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _weights;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _gradients;

    public DeviceTowerRun(Accelerator accelerator, string spec, int count, bool refuseNonFinite = true, float[]? weights = null)
    {
        Tower = new GpuTower<float>(accelerator, TowerSpec.Parse(spec), count, refuseNonFinite);
        _weights = accelerator.Allocate1D(weights ?? Enumerable.Repeat(0.5f, count).ToArray());
        _gradients = accelerator.Allocate1D<float>(count);
    }

    public GpuTower<float> Tower { get; }

    /// <summary>Smooth, step-dependent gradients of moderate size, different in every element.</summary>
    public static float[] Gradients(int count, int step) =>
        Enumerable.Range(0, count).Select(i => (float)(Math.Sin((0.37 * i) + step) * (1 + (i % 7)) * 0.1)).ToArray();

    public void Step(float[] gradients)
    {
        _gradients.CopyFromCPU(gradients);
        Tower.Step(_weights.View, _gradients.View);
    }

    public float[] Weights() => _weights.GetAsArray1D();

    public double[][] Hyperparameters() => Enumerable.Range(0, Tower.Depth).Select(Tower.ReadRawHyperparameters).ToArray();

    public void Dispose()
    {
        Tower.Dispose();
        _weights.Dispose();
        _gradients.Dispose();
    }
}
