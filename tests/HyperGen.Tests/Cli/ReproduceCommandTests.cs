using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace HyperGen.Tests.Cli;

public sealed class ReproduceCommandTests : IDisposable
{
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");
    private readonly string _out = Path.Combine(Path.GetTempPath(), "hypergen-reproduce-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public void Table1_runs_a_row_and_its_rerun_from_the_mean_learned_hyperparameters()
    {
        CliResult result = CliResult.Run(
            "reproduce", "table1", "--rows", "Adam / SGD(1e-5)", "--seeds", "2", "--epochs-scale", "0.2", "--data", Subset, "--out", _out);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(4, result.OutputLines.Count(l => l.StartsWith('[') && l.Contains(" seed ", StringComparison.Ordinal))); // 2 rows x 2 seeds

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "table1.json")));
        JsonElement rows = json.RootElement.GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        JsonElement hyper = rows[0];
        Assert.Equal("Adam / SGD(1e-5)", hyper.GetProperty("stack").GetString());
        Assert.Equal(1, hyper.GetProperty("epochs").GetInt32()); // 5 epochs x 0.2
        double[] learnedAlphas = hyper.GetProperty("seeds").EnumerateArray()
            .Select(s => s.GetProperty("levels")[0].GetProperty("alpha").GetDouble()).ToArray();
        Assert.Equal(2, learnedAlphas.Length);

        JsonElement rerun = rows[1];
        TowerSpec rerunSpec = TowerSpec.Parse(rerun.GetProperty("tower").GetString()!);
        Assert.Equal(1, rerunSpec.Depth);
        Assert.Equal("Adam", rerunSpec.Levels[0].Definition.Name);
        Assert.Equal(learnedAlphas.Average(), rerunSpec.Levels[0].InitialValues[0], 12);
        Assert.NotEqual(1e-3, rerunSpec.Levels[0].InitialValues[0], 6);
        double[] rerunErrors = rerun.GetProperty("seeds").EnumerateArray().Select(s => s.GetProperty("test_error_pct").GetDouble()).ToArray();
        Assert.Equal(rerunErrors.Average(), rerun.GetProperty("test_error_pct").GetProperty("mean").GetDouble(), 9);

        string[] markdown = File.ReadAllLines(Path.Combine(_out, "table1.md"));
        Assert.Contains(markdown, l => l.StartsWith("Command: `hypergen reproduce table1 --seeds 2", StringComparison.Ordinal));
        Assert.Contains(markdown, l => l.StartsWith("| Adam / SGD(1e-5) | `adam(", StringComparison.Ordinal));
        Assert.Contains(markdown, l => l.StartsWith("| ↳ Adam(alpha=", StringComparison.Ordinal));
        AssertPng(Path.Combine(_out, "table1.png"));
    }

    [Fact]
    public void Towers_on_the_gpu_path_give_the_cpu_paths_test_errors_and_say_where_they_trained()
    {
        // ILGPU's CPU accelerator stands in for the GPU: one step per run on 48 images, two heights.
        string data = Path.Combine(_out, "data");
        Gpu.TinyFashionMnist.Write(data, train: 48, test: 24);
        string[] args = ["reproduce", "towers", "--seeds", "1", "--epochs", "1", "--step-sizes", "1e-3", "--heights", "1,2", "--data", data];
        (int code, string stdout, string stderr) = GpuHookCli.Run([.. args, "--device", "gpu", "--out", Path.Combine(_out, "gpu")]);
        CliResult cpu = CliResult.Run([.. args, "--device", "cpu", "--out", Path.Combine(_out, "cpu")]);

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        Assert.Contains("device: gpu (ILGPU CPU accelerator", stdout, StringComparison.Ordinal);
        Assert.Equal(0, cpu.ExitCode);
        using JsonDocument gpuJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "gpu", "towers.json")));
        using JsonDocument cpuJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "cpu", "towers.json")));
        Assert.Contains("trained on ILGPU CPU accelerator", gpuJson.RootElement.GetProperty("machine").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("--device gpu", gpuJson.RootElement.GetProperty("command").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            cpuJson.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("test_error_pct").GetProperty("mean").GetDouble()),
            gpuJson.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("test_error_pct").GetProperty("mean").GetDouble()));
    }

    [Fact]
    public void Towers_writes_a_cell_per_step_size_and_height_with_the_papers_initialisation()
    {
        CliResult result = CliResult.Run(
            "reproduce", "towers", "--step-sizes", "1e-5,1e-2", "--heights", "1,3", "--epochs", "1", "--data", Subset, "--out", _out);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "towers.json")));
        JsonElement[] cells = json.RootElement.GetProperty("cells").EnumerateArray().ToArray();
        Assert.Equal(4, cells.Length);
        JsonElement small = cells.Single(c => c.GetProperty("step_size").GetDouble() == 1e-5 && c.GetProperty("height").GetInt32() == 3);
        TowerSpec smallSpec = TowerSpec.Parse(small.GetProperty("tower").GetString()!);
        Assert.Equal([1e-5, 1e-3, 1e-5], smallSpec.Levels.Select(l => l.InitialValues[0]).ToArray());
        Assert.InRange(small.GetProperty("test_error_pct").GetProperty("mean").GetDouble(), 0, 100);

        string[] markdown = File.ReadAllLines(Path.Combine(_out, "towers.md"));
        Assert.Contains("| step size | height 1 | height 3 |", markdown);
        Assert.Contains(markdown, l => l.StartsWith("| 1e-5 | ", StringComparison.Ordinal));
        Assert.Contains(markdown, l => l.StartsWith("| 1e-2 | ", StringComparison.Ordinal));
        AssertPng(Path.Combine(_out, "towers.png"));
    }

    [Theory]
    [InlineData("table1", "--rows", "adam/nothing", "--rows: 'adam/nothing' names no row")]
    [InlineData("table1", "--seeds", "0", "--seeds: must be at least 1")]
    [InlineData("table1", "--epochs-scale", "0", "--epochs-scale: must be a positive number")]
    [InlineData("towers", "--heights", "1,5", "--heights: 5 is not between 1 and 4")]
    [InlineData("towers", "--step-sizes", "1e-3,fast", "--step-sizes: 'fast' is not a number")]
    [InlineData("towers", "--step-sizes", "-1e-3", "--step-sizes: -0.001 is not a positive step size")]
    [InlineData("towers", "--epochs", "0", "--epochs: must be at least 1")]
    public void Bad_options_are_one_error_line_and_exit_code_2(string experiment, string option, string value, string message)
    {
        CliResult result = CliResult.Run("reproduce", experiment, "--data", Subset, "--out", _out, option, value);

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("hypergen: error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_out)); // checked before anything is trained or written
    }

    private static void AssertPng(string path)
    {
        byte[] png = File.ReadAllBytes(path);
        Assert.True(png.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
    }
}
