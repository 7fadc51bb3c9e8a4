using System;
using HyperGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Bench;

/// <summary>
/// An operation that runs on an accelerator: <see cref="IMeasuredStep.Step"/> only enqueues, so the timer waits for
/// the device (<see cref="Synchronize"/>) before it reads the clock at the end of a repetition.
/// </summary>
internal interface IDeviceStep
{
    /// <summary>Waits until every step enqueued so far has run.</summary>
    void Synchronize();
}

/// <summary>The weights and gradients every GPU operation at one N steps, on the device: the CPU rows' data, uploaded once.</summary>
internal sealed class GpuBenchData : IDisposable
{
    public GpuBenchData(Accelerator accelerator, float[] weights, float[] gradients)
    {
        Accelerator = accelerator;
        Weights = accelerator.Allocate1D(weights);
        Gradients = accelerator.Allocate1D(gradients);
    }

    public Accelerator Accelerator { get; }

    public MemoryBuffer1D<float, Stride1D.Dense> Weights { get; }

    public MemoryBuffer1D<float, Stride1D.Dense> Gradients { get; }

    public int Count => (int)Weights.Length;

    public void Dispose()
    {
        Weights.Dispose();
        Gradients.Dispose();
    }
}

/// <summary>A device-to-device copy of the gradients into a buffer of its own: the GPU's bandwidth reference.</summary>
internal sealed class GpuCopy : IMeasuredStep, IDeviceStep, IDisposable
{
    private readonly GpuBenchData _data;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _destination;

    public GpuCopy(GpuBenchData data)
    {
        _data = data;
        _destination = data.Accelerator.Allocate1D<float>(data.Count);
    }

    public void Step() => _data.Gradients.View.CopyTo(_destination.View);

    public void Synchronize() => _data.Accelerator.Synchronize();

    public void Dispose() => _destination.Dispose();
}

/// <summary>
/// A hand-written Adam step on the device, as an engineer would write one kernel for it: one thread per element in
/// a grid-stride loop, reading w, g, m, v and writing w, m, v (28 B per parameter); the same formula and constants as
/// the CPU's <see cref="PlainAdam{T}"/>. The GPU rows' "x plain Adam" is against this.
/// </summary>
internal sealed class GpuPlainAdam : IMeasuredStep, IDeviceStep, IDisposable
{
    private const double Alpha = 1e-3;
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const float Epsilon = 1e-8f;

    private readonly GpuBenchData _data;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _m;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _v;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStepScalars> _kernel;
    private readonly int _threads;
    private int _stepIndex;

    public GpuPlainAdam(GpuBenchData data)
    {
        _data = data;
        Accelerator accelerator = data.Accelerator;
        _m = accelerator.Allocate1D<float>(data.Count);
        _m.MemSetToZero();
        _v = accelerator.Allocate1D(BenchBuffers.Filled(data.Count, Epsilon));
        _kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStepScalars>(Kernel);

        // Enough threads to fill the device (every multiprocessor at full occupancy), each walking the elements.
        long full = accelerator.AcceleratorType == AcceleratorType.Cuda
            ? (long)accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerMultiprocessor
            : 1024;
        _threads = (int)Math.Max(1, Math.Min(data.Count, full));
    }

    public void Step()
    {
        _stepIndex++;
        var scalars = new AdamStepScalars(
            (float)(Alpha / (1 - Math.Pow(Beta1, _stepIndex))),
            (float)(1 / (1 - Math.Pow(Beta2, _stepIndex))),
            _data.Count,
            _threads);
        _kernel(_threads, _data.Weights.View, _data.Gradients.View, _m.View, _v.View, scalars);
    }

    public void Synchronize() => _data.Accelerator.Synchronize();

    public void Dispose()
    {
        _m.Dispose();
        _v.Dispose();
    }

    /// <summary>The kernel: w -= (alpha / c1) m / (sqrt(v / c2) + eps), with c_k = 1 - beta_k^t folded on the host.</summary>
    internal static void Kernel(Index1D index, ArrayView<float> w, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, AdamStepScalars s)
    {
        const float beta1 = (float)Beta1;
        const float beta2 = (float)Beta2;
        for (int i = index; i < s.Count; i += s.Threads)
        {
            float gi = g[i];
            float mi = (beta1 * m[i]) + ((1 - beta1) * gi);
            float vi = (beta2 * v[i]) + ((1 - beta2) * gi * gi);
            m[i] = mi;
            v[i] = vi;
            w[i] -= s.StepSize * mi / (MathF.Sqrt(vi * s.InverseCorrection2) + Epsilon);
        }
    }
}

/// <summary>The per-step scalars of <see cref="GpuPlainAdam"/>'s kernel.</summary>
/// <param name="StepSize">alpha / (1 - beta1^t).</param>
/// <param name="InverseCorrection2">1 / (1 - beta2^t).</param>
/// <param name="Count">The elements.</param>
/// <param name="Threads">The threads launched (the grid stride).</param>
internal readonly record struct AdamStepScalars(float StepSize, float InverseCorrection2, int Count, int Threads);

/// <summary>
/// One step of a <see cref="GpuTower{T}"/> over the device's weights, through its public API, with the non-finite
/// checks on, as towers are created by default.
/// </summary>
internal sealed class GpuTowerStep : IMeasuredStep, IDeviceStep, IRefusingStep, IDisposable
{
    private readonly GpuBenchData _data;
    private readonly GpuTower<float> _tower;

    public GpuTowerStep(TowerSpec spec, GpuBenchData data)
    {
        _data = data;
        _tower = new GpuTower<float>(data.Accelerator, spec, data.Count);
    }

    public void Step() => _tower.Step(_data.Weights.View, _data.Gradients.View);

    public void Synchronize() => _data.Accelerator.Synchronize();

    /// <summary>
    /// Steps the tower refused. A GPU tower refuses every step after a non-finite one until asked, so this takes the
    /// refusal (which re-arms the tower) once the measurement is over.
    /// </summary>
    public long CountRefusedSteps() => _tower.TakeRefusal()?.RefusedSteps ?? 0;

    public void Dispose() => _tower.Dispose();
}
