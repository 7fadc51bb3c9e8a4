using System.Collections.Generic;
using System.Text.Json;

namespace HyperGen.DeviceCheck;

/// <summary>One tower's MLP training-step time.</summary>
/// <param name="Tower">The tower as written on the command line (scripts/device_table.py matches PyTorch's rows by it).</param>
/// <param name="MsPerStep">Median over the timed blocks of a block's time divided by its steps.</param>
/// <param name="MeanMsPerStep">The mean of the same.</param>
/// <param name="Steps">Steps timed.</param>
/// <param name="Blocks">Blocks timed (one log read each).</param>
/// <param name="Diverged">Whether the run stopped early on a non-finite loss.</param>
internal sealed record MlpCase(string Tower, double MsPerStep, double MeanMsPerStep, int Steps, int Blocks, bool Diverged)
{
    /// <summary>What ran the matrix products: <c>kernels</c> or <c>cublas</c>.</summary>
    public string Gemm { get; init; } = "";

    /// <summary>The engine in words (cuBLAS's version).</summary>
    public string GemmDescription { get; init; } = "";

    /// <summary>Null when the model's loss gradient agreed with the CPU model's on this engine, else where it did not.</summary>
    public string? Agreement { get; init; }
}

/// <summary>An engine that could not run on the device, and why.</summary>
internal sealed record UnavailableGemm(string Gemm, string Reason);

/// <summary>The MLP benchmark's results, written as JSON (snake_case, as the Python side reads it) for scripts/device_table.py.</summary>
internal sealed class MlpResults(string device, MlpBenchmarkSettings settings)
{
    private readonly List<MlpCase> _cases = [];
    private readonly List<UnavailableGemm> _unavailable = [];

    public void Add(MlpCase result) => _cases.Add(result);

    public void AddUnavailable(string gemm, string reason) => _unavailable.Add(new UnavailableGemm(gemm, reason));

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            device,
            batch_size = settings.BatchSize,
            steps_per_readback = settings.StepsPerReadback,
            warm_up_steps = settings.WarmUpBlocks * settings.StepsPerReadback,
            mlp = _cases,
            gemm_unavailable = _unavailable,
        },
        new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
}
