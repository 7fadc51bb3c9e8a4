using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace HyperGen.Tests.Cli;

[Collection(ProcessWideAllocationCollection.Name)]
public sealed class BenchCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hypergen-bench-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void On_a_gpu_the_rows_are_a_device_copy_the_ilgpu_plain_adam_and_gpu_towers()
    {
        // ILGPU's CPU accelerator stands in for the GPU: the rows' times mean nothing there, their shape does.
        (int code, string stdout, string stderr) = GpuHookCli.Run(
            "bench", "--device", "gpu", "--n", "2^10", "--optimizers", "adam,sgd", "--depths", "1,2,3", "--budget-ms", "5", "--json");

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        using JsonDocument report = JsonDocument.Parse(stdout);
        JsonElement root = report.RootElement;
        Assert.Equal("gpu", root.GetProperty("device").GetString());
        Assert.StartsWith("ILGPU CPU accelerator", root.GetProperty("gpu").GetString(), StringComparison.Ordinal);
        Assert.Equal("device", Assert.Single(root.GetProperty("copy").EnumerateArray()).GetProperty("stores").GetString());
        Assert.Equal(
            [("plain-adam", 0, 28), ("adam", 1, 32), ("adam", 2, 48), ("adam", 3, 48), ("sgd", 1, 24), ("sgd", 2, 36), ("sgd", 3, 36)],
            root.GetProperty("rows").EnumerateArray()
                .Select(r => (r.GetProperty("optimizer").GetString()!, r.GetProperty("depth").GetInt32(), r.GetProperty("bytes_per_param").GetInt32())));
        Assert.All(root.GetProperty("rows").EnumerateArray(), row => Assert.True(row.GetProperty("median_ms").GetDouble() > 0));
        Assert.Equal(2, root.GetProperty("upper_levels").GetArrayLength());

        // The floor is a CPU kernel: on a GPU no row has one.
        Assert.Equal(0, root.GetProperty("floors").GetArrayLength());
        Assert.All(root.GetProperty("rows").EnumerateArray(), row =>
        {
            Assert.Equal(JsonValueKind.Null, row.GetProperty("floor_ms").ValueKind);
            Assert.Equal(JsonValueKind.Null, row.GetProperty("ratio_to_floor").ValueKind);
        });
    }

    [Fact]
    public void Gpu_without_a_gpu_is_one_clear_error_line_and_exit_code_2()
    {
        // This machine (and CI) has no CUDA driver; where one exists the GPU would be used and this test says nothing.
        if (File.Exists("/dev/nvidiactl"))
        {
            return;
        }

        CliResult result = CliResult.Run("bench", "--device", "gpu", "--n", "2^10", "--budget-ms", "5");

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("hypergen: error: --device gpu: No GPU found: ", line, StringComparison.Ordinal);
        Assert.EndsWith("Use --device cpu on this machine.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gpu_bench_runs_in_float_and_says_so_for_double()
    {
        CliResult result = CliResult.Run("bench", "--device", "gpu", "--precision", "double", "--n", "2^10");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("hypergen: error: --precision: the GPU bench runs in float (--device gpu)", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Json_has_plain_Adam_and_every_requested_tower_at_every_size_with_consistent_fields()
    {
        CliResult result = CliResult.Run(
            "bench", "--n", "1000,2^12", "--optimizers", "sgd,adam,rmsprop", "--depths", "3,1,2", "--budget-ms", "5", "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        JsonElement root = report.RootElement;
        Assert.True(root.GetProperty("copy_gbps").GetDouble() > 0);
        Assert.Equal("float", root.GetProperty("precision").GetString());

        JsonElement[] rows = [.. root.GetProperty("rows").EnumerateArray()];
        var expected = new List<(string Optimizer, int Depth, int N)>();
        foreach (int n in new[] { 1000, 4096 })
        {
            expected.Add(("plain-adam", 0, n));
            foreach (string optimizer in new[] { "sgd", "adam", "rmsprop" })
            {
                expected.AddRange(new[] { 1, 2, 3 }.Select(depth => (optimizer, depth, n)));
            }
        }

        // Sizes ascending, plain Adam first at each, towers in the order asked, depths ascending.
        Assert.Equal(expected, rows.Select(r => (r.GetProperty("optimizer").GetString()!, r.GetProperty("depth").GetInt32(), r.GetProperty("n").GetInt32())));
        foreach (JsonElement row in rows)
        {
            double median = row.GetProperty("median_ms").GetDouble();
            int bytes = row.GetProperty("bytes_per_param").GetInt32();
            int n = row.GetProperty("n").GetInt32();
            Assert.True(median > 0, $"median {median}");
            Assert.Equal(bytes * (double)n / (median * 1e-3) / 1e9, row.GetProperty("gbps").GetDouble(), 1e-9);
            Assert.Equal(0, row.GetProperty("allocated_bytes_per_step").GetDouble());
            Assert.True(row.GetProperty("repetitions").GetInt32() >= 5);
            Assert.True(double.IsFinite(row.GetProperty("ratio_to_plain_adam").GetDouble()));
            Assert.True(row.GetProperty("interleaved").GetBoolean()); // a few small buffers always fit together
        }

        Assert.All(rows.Where(r => r.GetProperty("optimizer").GetString() == "plain-adam"), r =>
        {
            Assert.Equal(28, r.GetProperty("bytes_per_param").GetInt32());
            Assert.Equal(1, r.GetProperty("ratio_to_plain_adam").GetDouble());
            Assert.Equal(JsonValueKind.Null, r.GetProperty("floor_ms").ValueKind);
        });

        // Every tower row has its floor, measured in the same run: one per N and distinct traffic (depth 1 and the
        // depths above of each state count: SGD and RMSProp share theirs), with the towers' bytes and no allocations.
        JsonElement[] floors = [.. root.GetProperty("floors").EnumerateArray()];
        Assert.Equal(2 * 4, floors.Length);
        foreach (JsonElement row in rows.Where(r => r.GetProperty("optimizer").GetString() != "plain-adam"))
        {
            (string optimizer, int depth, int n) = (row.GetProperty("optimizer").GetString()!, row.GetProperty("depth").GetInt32(), row.GetProperty("n").GetInt32());
            JsonElement floor = Assert.Single(floors, f => f.GetProperty("n").GetInt32() == n && f.GetProperty("towers").EnumerateArray()
                .Any(t => t.GetProperty("optimizer").GetString() == optimizer && t.GetProperty("depth").GetInt32() == depth));
            double floorMs = row.GetProperty("floor_ms").GetDouble();
            Assert.Equal(floor.GetProperty("median_ms").GetDouble(), floorMs);
            Assert.Equal(row.GetProperty("median_ms").GetDouble() / floorMs, row.GetProperty("ratio_to_floor").GetDouble(), 1e-12);
            Assert.Equal(row.GetProperty("bytes_per_param").GetInt32(), floor.GetProperty("bytes_per_param").GetInt32());
        }

        Assert.All(floors, f =>
        {
            int elements = f.GetProperty("first_pass_reads").GetInt32() + f.GetProperty("update_reads").GetInt32()
                + f.GetProperty("update_overwrites").GetInt32() + f.GetProperty("update_write_only").GetInt32();
            Assert.Equal(4 * elements, f.GetProperty("bytes_per_param").GetInt32());
            Assert.Equal(0, f.GetProperty("allocated_bytes_per_step").GetDouble());
            Assert.Equal("ordinary", f.GetProperty("stores").GetString()); // far below the 8 MiB the tower streams from
            Assert.True(f.GetProperty("median_ms").GetDouble() > 0);
        });
        JsonElement adamAbove = Assert.Single(floors, f => f.GetProperty("n").GetInt32() == 4096 && f.GetProperty("bytes_per_param").GetInt32() == 48);
        Assert.Equal(
            (4, 4, 1, 3),
            (adamAbove.GetProperty("first_pass_reads").GetInt32(), adamAbove.GetProperty("update_reads").GetInt32(),
             adamAbove.GetProperty("update_overwrites").GetInt32(), adamAbove.GetProperty("update_write_only").GetInt32()));
        Assert.Equal(new[] { ("adam", 2), ("adam", 3) }, adamAbove.GetProperty("towers").EnumerateArray().Select(t => (t.GetProperty("optimizer").GetString()!, t.GetProperty("depth").GetInt32())));

        // The byte model: Adam 8 floats at depth 1 (the gradient scan, then 7) and 12 above it (recomputed partials);
        // SGD and RMSProp 6 and 9.
        Assert.Equal(new[] { 32, 48, 48 }, BytesOf(rows, "adam", 4096));
        Assert.Equal(new[] { 24, 36, 36 }, BytesOf(rows, "sgd", 4096));
        Assert.Equal(new[] { 24, 36, 36 }, BytesOf(rows, "rmsprop", 4096));

        JsonElement[] copies = [.. root.GetProperty("copy").EnumerateArray()];
        Assert.Equal(new[] { 1000, 4096 }, copies.Select(c => c.GetProperty("n").GetInt32()));
        Assert.All(copies, c => Assert.Equal(8, c.GetProperty("bytes_per_param").GetInt32()));
        Assert.All(copies, c => Assert.Contains(c.GetProperty("stores").GetString(), new[] { "ordinary", "streaming" }));
        Assert.Equal(copies[1].GetProperty("gbps").GetDouble(), root.GetProperty("copy_gbps").GetDouble());

        // Depths 2 and 3 were asked for: each optimizer's upper level is also measured on its own, over a handful of
        // weights, as the difference between the two towers.
        JsonElement[] upper = [.. root.GetProperty("upper_levels").EnumerateArray()];
        Assert.Equal(new[] { "sgd", "adam", "rmsprop" }, upper.Select(u => u.GetProperty("optimizer").GetString()));
        Assert.All(upper, u =>
        {
            Assert.Equal(2, u.GetProperty("shallow_depth").GetInt32());
            Assert.Equal(3, u.GetProperty("deep_depth").GetInt32());
            Assert.Equal(16, u.GetProperty("n").GetInt32());
            double shallow = u.GetProperty("shallow_us").GetDouble(), deep = u.GetProperty("deep_us").GetDouble();
            Assert.True(shallow > 0 && deep > 0, $"{shallow} us, {deep} us");
            Assert.Equal(deep - shallow, u.GetProperty("extra_us").GetDouble(), 1e-9);
        });

        // Progress goes to stderr, a line per N and per row, so stdout stays pure JSON.
        Assert.Equal(2, result.ErrorLines.Count(l => l.StartsWith("bench: N = ", StringComparison.Ordinal) && l.Contains("interleaved", StringComparison.Ordinal)));
        // Both copies are measured at each N; the faster is reported. Each floor has its line too.
        Assert.Equal(4 + rows.Length + floors.Length, result.ErrorLines.Count(l => l.StartsWith("bench: ", StringComparison.Ordinal) && l.Contains(" ms (median of ", StringComparison.Ordinal)));
        Assert.Contains(result.ErrorLines, l => l.StartsWith("bench: floor (4 read; 4 read, 1 overwritten, 3 written), N = 2^12: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Double_precision_doubles_the_bytes_and_the_recursive_shape_runs()
    {
        CliResult result = CliResult.Run(
            "bench", "--n", "3000", "--optimizers", "adam", "--depths", "1,4", "--above", "same", "--precision", "double", "--budget-ms", "5", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        Assert.Equal("same", report.RootElement.GetProperty("above").GetString());
        JsonElement[] rows = [.. report.RootElement.GetProperty("rows").EnumerateArray()];
        Assert.Equal(new[] { 56, 64, 96 }, rows.Select(r => r.GetProperty("bytes_per_param").GetInt32()));
        Assert.All(rows, r => Assert.Equal(0, r.GetProperty("allocated_bytes_per_step").GetDouble()));
    }

    [Fact]
    public void Markdown_is_the_default_and_out_writes_the_same_report()
    {
        string path = Path.Combine(_folder, "nested", "bench.md");
        CliResult result = CliResult.Run("bench", "--n", "2000", "--optimizers", "adam", "--depths", "1,2,3", "--budget-ms", "5", "--out", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(result.Stdout, File.ReadAllText(path));
        string[] lines = result.OutputLines;
        Assert.Contains("| operation | depth | N | median ms | B/param | GB/s | x plain Adam | floor ms | x floor | of copy BW | alloc B/step |", lines);
        Assert.Single(lines, l => l.StartsWith("| copy (", StringComparison.Ordinal) && l.Contains(" stores) | - | 2000 |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| plain-adam | - | 2000 |", StringComparison.Ordinal) && Cells(l)[7] == "-" && Cells(l)[8] == "-");

        // A tower row carries its floor's time and the ratio to it; the floors have their own table.
        string[] adam3 = Cells(Assert.Single(lines, l => l.StartsWith("| adam | 3 | 2000 |", StringComparison.Ordinal)));
        double ratio = double.Parse(adam3[8], CultureInfo.InvariantCulture);
        Assert.True(ratio > 0, adam3[8]);
        // The ratio is computed before rounding, so it must lie within what the rounded cells allow.
        (double median, double medianHalfUnit) = Printed(adam3[3]);
        (double floorMs, double floorHalfUnit) = Printed(adam3[7]);
        (_, double ratioHalfUnit) = Printed(adam3[8]);
        Assert.InRange(ratio, (median - medianHalfUnit) / (floorMs + floorHalfUnit) - ratioHalfUnit, (median + medianHalfUnit) / (floorMs - floorHalfUnit) + ratioHalfUnit);
        Assert.Contains("| floor of | N | passes | stores | median ms | B/param | GB/s | x plain Adam | of copy BW | alloc B/step |", lines);
        Assert.Contains(lines, l => l.StartsWith("| adam depth 1 | 2000 | 1 read; 4 read, 3 overwritten, 0 written | ordinary | ", StringComparison.Ordinal));
        string[] floor = Cells(Assert.Single(lines, l => l.StartsWith("| adam depth 2, 3 | 2000 | 4 read; 4 read, 1 overwritten, 3 written | ordinary | ", StringComparison.Ordinal)));
        Assert.Equal(adam3[7], floor[4]);
        Assert.Equal("48", floor[5]);
        Assert.Contains(lines, l => l.StartsWith("- Adam tower at depth 3: ", StringComparison.Ordinal) && l.Contains("x plain Adam (target", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("- Adam tower at depth 3: ", StringComparison.Ordinal) && l.Contains("x its floor, which moves the same bytes", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("- adam depth 3 vs depth 2, the two rows: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("- adam depth 3 vs depth 2, the extra levels on their own (towers of 16 weights): ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("- bytes allocated per step, largest over all rows and floors: 0 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--n", "0", "--n: 0 is out of range")]
    [InlineData("--n", "2^29", "--n: 2^29 is out of range")]
    [InlineData("--n", "3^4", "--n: '3^4' is not a size")]
    [InlineData("--n", "1000,,2000", "--n: '1000,,2000' has an empty entry")]
    [InlineData("--n", "many", "--n: 'many' is not a size")]
    [InlineData("--depths", "0", "--depths: '0' is not a depth between 1 and 64")]
    [InlineData("--depths", "65", "--depths: '65' is not a depth between 1 and 64")]
    [InlineData("--optimizers", "adam,lion", "--optimizers: unknown optimizer 'lion' (known: AdaGrad, Adam,")]
    [InlineData("--above", "sgd/sgd", "--above: 'sgd/sgd' has 2 levels")]
    [InlineData("--above", "sgd(alpha=", "--above: Tower spec 'sgd(alpha=', column")]
    [InlineData("--budget-ms", "0", "--budget-ms: must be between 1 and 3600000, not 0")]
    [InlineData("--precision", "half", "half")]
    public void Bad_input_is_one_error_line_and_exit_code_2(string option, string value, string message)
    {
        var args = new List<string> { "bench" };
        foreach ((string name, string usual) in new[] { ("--n", "1000"), ("--budget-ms", "1") })
        {
            args.AddRange(name == option ? [] : [name, usual]);
        }

        args.AddRange([option, value]);
        CliResult result = CliResult.Run([.. args]);

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("hypergen: error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void An_output_file_that_cannot_be_written_is_reported_before_measuring()
    {
        Directory.CreateDirectory(_folder);
        string blocker = Path.Combine(_folder, "file");
        File.WriteAllText(blocker, "not a folder");

        CliResult result = CliResult.Run("bench", "--n", "1000", "--budget-ms", "1", "--out", Path.Combine(blocker, "bench.md"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out: cannot write", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    /// <summary>The cells of a markdown table row, without the outer bars.</summary>
    private static string[] Cells(string row) => [.. row.Trim('|').Split('|').Select(c => c.Trim())];

    /// <summary>A printed number and half a unit of its last printed digit: the most its rounding can have moved it.</summary>
    private static (double Value, double HalfUnit) Printed(string cell)
    {
        int point = cell.IndexOf('.', StringComparison.Ordinal);
        int decimals = point < 0 ? 0 : cell.Length - point - 1;
        return (double.Parse(cell, CultureInfo.InvariantCulture), 0.5 * Math.Pow(10, -decimals));
    }

    private static int[] BytesOf(JsonElement[] rows, string optimizer, int n) =>
        [.. rows.Where(r => r.GetProperty("optimizer").GetString() == optimizer && r.GetProperty("n").GetInt32() == n)
            .Select(r => r.GetProperty("bytes_per_param").GetInt32())];
}
