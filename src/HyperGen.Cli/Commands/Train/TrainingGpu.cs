using System;
using HyperGen.Kernels;
using HyperGen.Training.Gpu;

namespace HyperGen.Cli.Commands.Train;

/// <summary>The GPU a run trains on, and the matrix-product engine that passed the self-check there.</summary>
/// <param name="device">The device; disposed with this.</param>
/// <param name="gemm">What runs the model's products (never <see cref="GemmEngine.Auto"/>: the run uses what was checked).</param>
/// <param name="gemmDescription">That engine in words, for the run's header.</param>
internal sealed class TrainingGpu(GpuDevice device, GemmEngine gemm, string gemmDescription) : IDisposable
{
    public GpuDevice Device { get; } = device;

    public GemmEngine Gemm { get; } = gemm;

    public string GemmDescription { get; } = gemmDescription;

    /// <summary>The engine a <c>--gemm</c> value names (the option accepts only engine names).</summary>
    public static GemmEngine ParseGemm(string value) => GemmEngineNames.FromName(value) ?? GemmEngine.Auto;

    public void Dispose() => Device.Dispose();
}
