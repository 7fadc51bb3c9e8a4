using System;
using HyperGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Training.Gpu;

/// <summary>
/// Every level's hyperparameters after each of up to <c>capacity</c> steps, copied on the device by the tower and
/// read back together, so that logging them does not make every step wait for the device.
/// </summary>
internal sealed class StepLog : IDisposable
{
    private readonly GpuTower<float> _tower;
    private readonly int _width;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _device;
    private readonly float[] _host;

    public StepLog(Accelerator accelerator, GpuTower<float> tower, int capacity)
    {
        _tower = tower;
        _width = tower.HyperparameterCount;
        _device = accelerator.Allocate1D<float>(Math.Max(1, (long)capacity * _width));
        _host = new float[Math.Max(1, capacity * _width)];
        Snapshot = new TowerHyperparameters(tower.Spec);
    }

    /// <summary>The step loaded last by <see cref="Load"/>.</summary>
    public TowerHyperparameters Snapshot { get; }

    /// <summary>Enqueues the copy of the hyperparameters (after the step just enqueued) into slot <paramref name="slot"/>.</summary>
    public void Record(int slot) => _tower.CopyRawHyperparameters(_device.View.SubView((long)slot * _width, _width));

    /// <summary>Copies the first <paramref name="count"/> slots to the host; the caller has synchronised.</summary>
    public void Read(int count) =>
        _device.View.AsContiguous().SubView(0, (long)count * _width).CopyToCPU(_host.AsSpan(0, count * _width));

    /// <summary>Makes <see cref="Snapshot"/> hold slot <paramref name="slot"/> of the last <see cref="Read"/>.</summary>
    public void Load(int slot) => Snapshot.SetRaw(_host.AsSpan(slot * _width, _width));

    public void Dispose() => _device.Dispose();
}
