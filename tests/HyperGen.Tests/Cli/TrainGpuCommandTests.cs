using System;
using System.IO;
using System.Text.Json;
using HyperGen.Tests.Gpu;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>
/// <c>train --device gpu</c> end to end. The runs that use the test hook (HYPERGEN_GPU_ACCELERATOR=cpu: the GPU path
/// on ILGPU's CPU accelerator) start hypergen as a child process with the variable set there only, so no other test
/// running in this process sees it.
/// </summary>
public sealed class TrainGpuCommandTests : IDisposable
{
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hypergen-train-gpu-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void The_gpu_path_on_the_cpu_accelerator_writes_the_same_files_as_the_cpu_path()
    {
        // One step of 48 images (the emulated GPU takes seconds per step), the real 784-128-10 model.
        string data = Path.Combine(_root, "data");
        TinyFashionMnist.Write(data, train: 48, test: 24);
        string gpuOut = Path.Combine(_root, "gpu");
        string cpuOut = Path.Combine(_root, "cpu");

        // A bounded tower: bounds run on both paths.
        const string tower = "adam(alpha=1e-3, alpha in [0, 0.1])/sgd(alpha=1e-5)";
        (int code, string stdout, string stderr) = GpuHookCli.Run(
            "train", "--device", "gpu", "--tower", tower, "--epochs", "1", "--seed", "4", "--data", data, "--out", gpuOut);
        CliResult cpu = CliResult.Run("train", "--device", "cpu", "--tower", tower, "--epochs", "1", "--seed", "4", "--data", data, "--out", cpuOut);

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        Assert.Contains("device: gpu (ILGPU CPU accelerator", stdout, StringComparison.Ordinal);
        Assert.Contains("matrix products: HyperGen's tiled kernels", stdout, StringComparison.Ordinal);
        Assert.Equal(0, cpu.ExitCode);
        Assert.Contains("device: cpu", cpu.Stdout, StringComparison.Ordinal);
        foreach (string file in new[] { "steps.csv", "log.json", "summary.json", "plot.png" })
        {
            Assert.True(File.Exists(Path.Combine(gpuOut, file)), $"{file} is missing");
        }

        using JsonDocument gpuSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(gpuOut, "summary.json")));
        using JsonDocument cpuSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(cpuOut, "summary.json")));
        double error = gpuSummary.RootElement.GetProperty("test_error_pct").GetDouble();
        Assert.InRange(error, 0, 100);
        Assert.Equal(cpuSummary.RootElement.GetProperty("test_error_pct").GetDouble(), error);
        double gpuAlpha = gpuSummary.RootElement.GetProperty("levels")[0].GetProperty("alpha").GetDouble();
        double cpuAlpha = cpuSummary.RootElement.GetProperty("levels")[0].GetProperty("alpha").GetDouble();
        Assert.True(Math.Abs(gpuAlpha - cpuAlpha) <= 1e-6 + (1e-4 * cpuAlpha), $"final alpha: gpu {gpuAlpha}, cpu {cpuAlpha}");

        // The same step log: header and one row per step (values agree to rounding, checked in GpuTrainerTests).
        string[] gpuSteps = File.ReadAllLines(Path.Combine(gpuOut, "steps.csv"));
        string[] cpuSteps = File.ReadAllLines(Path.Combine(cpuOut, "steps.csv"));
        Assert.Equal(cpuSteps[0], gpuSteps[0]);
        Assert.Equal(cpuSteps.Length, gpuSteps.Length);
        Assert.StartsWith("1,1,", gpuSteps[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpu_run_trains_the_plain_baseline_on_the_gpu_and_the_cosine_one_on_the_cpu()
    {
        string data = Path.Combine(_root, "data");
        TinyFashionMnist.Write(data, train: 48, test: 24);
        string gpuOut = Path.Combine(_root, "gpu");
        string cpuOut = Path.Combine(_root, "cpu");

        (int code, string stdout, string stderr) = GpuHookCli.Run(
            "train", "--device", "gpu", "--tower", "adam(alpha=1e-3)/sgd(alpha=1e-5)", "--baseline", "plain,cosine",
            "--seed", "4", "--data", data, "--out", gpuOut);
        CliResult plainOnCpu = CliResult.Run("train", "--device", "cpu", "--tower", "adam(alpha=1e-3)", "--seed", "4", "--data", data, "--out", cpuOut);

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        Assert.Contains("baseline plain: adam(alpha=0.001, beta1=0.9, beta2=0.999)\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("(on the CPU: a schedule sets a CPU tower's values)", stdout, StringComparison.Ordinal);
        Assert.Equal(0, plainOnCpu.ExitCode);
        using JsonDocument gpuSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(gpuOut, "summary.json")));
        using JsonDocument cpuSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(cpuOut, "summary.json")));
        JsonElement baselines = gpuSummary.RootElement.GetProperty("baselines");
        Assert.Equal(2, baselines.GetArrayLength());
        Assert.Equal(cpuSummary.RootElement.GetProperty("test_error_pct").GetDouble(), baselines[0].GetProperty("test_error_pct").GetDouble());
    }

    [Fact]
    public void Gpu_without_a_gpu_is_one_clear_error_line_and_exit_code_2()
    {
        // This machine (and CI) has no CUDA driver; where one exists the GPU would be used and this test says nothing.
        if (File.Exists("/dev/nvidiactl"))
        {
            return;
        }

        CliResult result = CliResult.Run("train", "--device", "gpu", "--data", Subset, "--out", Path.Combine(_root, "out"));

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("hypergen: error: --device gpu: No GPU found: ", line, StringComparison.Ordinal);
        Assert.Contains("--device cpu", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "out")), "nothing is written when the device is refused");
    }

    [Fact]
    public void Cublas_where_it_cannot_run_is_one_clear_error_line_before_any_work()
    {
        // ILGPU's CPU accelerator stands in for the GPU; cuBLAS needs a CUDA one.
        string data = Path.Combine(_root, "data");
        TinyFashionMnist.Write(data, train: 48, test: 24);
        (int code, _, string stderr) = GpuHookCli.Run("train", "--device", "gpu", "--gemm", "cublas", "--data", data, "--out", Path.Combine(_root, "out"));

        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hypergen: error: --gemm cublas: the self-check on gpu (ILGPU CPU accelerator", line, StringComparison.Ordinal);
        Assert.Contains("cuBLAS runs on CUDA GPUs only", line, StringComparison.Ordinal);
        Assert.Contains("use --gemm kernels or auto", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "out")), "nothing is written when the engine is refused");
    }

    [Fact]
    public void A_gpu_runs_checkpoint_resumes_on_the_cpu_and_a_cpu_runs_on_the_gpu()
    {
        // One step per epoch (48 images, batch 256): a checkpoint after epoch 1 on one device, epoch 2 on the other.
        string data = Path.Combine(_root, "data");
        TinyFashionMnist.Write(data, train: 48, test: 24);
        string fromGpu = Path.Combine(_root, "from-gpu");
        string fromCpu = Path.Combine(_root, "from-cpu");

        (int code, _, string stderr) = GpuHookCli.Run(
            "train", "--device", "gpu", "--epochs", "1", "--data", data, "--out", Path.Combine(_root, "gpu-1"), "--checkpoint", fromGpu);
        Assert.True(code == 0, $"exit code {code}: {stderr}");
        CliResult onCpu = CliResult.Run(
            "train", "--device", "cpu", "--epochs", "2", "--data", data, "--out", Path.Combine(_root, "cpu-2"), "--checkpoint", fromGpu, "--resume");
        Assert.Equal(0, onCpu.ExitCode);
        Assert.Contains(onCpu.OutputLines, line => line.StartsWith("resumed: ", StringComparison.Ordinal) && line.EndsWith("at step 1, 1 epochs complete", StringComparison.Ordinal));

        CliResult cpuFirst = CliResult.Run(
            "train", "--device", "cpu", "--epochs", "1", "--data", data, "--out", Path.Combine(_root, "cpu-1"), "--checkpoint", fromCpu);
        Assert.Equal(0, cpuFirst.ExitCode);
        (code, string stdout, stderr) = GpuHookCli.Run(
            "train", "--device", "gpu", "--epochs", "2", "--data", data, "--out", Path.Combine(_root, "gpu-2"), "--checkpoint", fromCpu, "--resume");
        Assert.True(code == 0, $"exit code {code}: {stderr}");
        Assert.Contains("at step 1, 1 epochs complete", stdout, StringComparison.Ordinal);

        // Both resumed runs' files cover the whole run, the epoch the other device trained included.
        foreach (string folder in new[] { "cpu-2", "gpu-2" })
        {
            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, folder, "summary.json")));
            Assert.Equal(2, summary.RootElement.GetProperty("epochs").GetInt32());
            Assert.Equal(1 + 2, File.ReadAllLines(Path.Combine(_root, folder, "steps.csv")).Length);
        }
    }

    [Fact]
    public void A_gpu_tower_whose_state_the_checkpoint_cannot_hold_is_one_clear_error_before_any_training()
    {
        // AdaGrad under a learned level: the GPU recomputes level 1's partials, the CPU (and so the format) stores them.
        string data = Path.Combine(_root, "data");
        TinyFashionMnist.Write(data, train: 48, test: 24);
        (int code, _, string stderr) = GpuHookCli.Run(
            "train", "--device", "gpu", "--tower", "adagrad(alpha=0.05)/sgd(alpha=1e-6)", "--data", data, "--out", Path.Combine(_root, "out"),
            "--checkpoint", Path.Combine(_root, "ckpt"));

        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hypergen: error: --checkpoint: ", line, StringComparison.Ordinal);
        Assert.EndsWith("Use --device cpu to checkpoint this tower.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_without_a_gpu_trains_on_the_cpu_and_says_so()
    {
        if (File.Exists("/dev/nvidiactl"))
        {
            return;
        }

        string data = Path.Combine(_root, "data");
        TinyFashionMnist.Write(data, train: 48, test: 24);
        CliResult result = CliResult.Run("train", "--device", "auto", "--data", data, "--out", Path.Combine(_root, "out"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("device: cpu", result.OutputLines);
    }
}
