using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using HyperGen.Cli.Commands.Train;
using HyperGen.Training.Data;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>
/// <c>hypergen reproduce table1|towers</c>: the paper's experiments on Fashion-MNIST, written as markdown tables,
/// JSON and PNG plots under <c>--out</c>.
/// </summary>
internal static class ReproduceCommand
{
    private static readonly double[] DefaultStepSizes = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1];

    public static Command Create()
    {
        var command = new Command("reproduce", "Reproduce the paper's experiments on Fashion-MNIST.");
        command.Subcommands.Add(CreateTable1());
        command.Subcommands.Add(CreateTowers());
        return command;
    }

    private static Command CreateTable1()
    {
        var seeds = SeedsOption(3);
        var scale = new Option<double>("--epochs-scale")
        {
            Description = "Multiplies the paper's epochs (30 for SGD rows, 5 for the others); at least 1 epoch per run.",
            HelpName = "X",
            DefaultValueFactory = _ => 1.0,
        };
        var rows = new Option<string[]>("--rows")
        {
            Description = "Only these rows: a family (sgd, adagrad, adam, rmsprop) or a row's label such as \"Adam / SGD(1e-5)\"; repeatable. Re-run rows come with their rows.",
            HelpName = "ROW",
            AllowMultipleArgumentsPerToken = false,
        };
        var data = TrainingOptionsCommon.DataOption();
        var output = OutputOption("table1");
        var device = TrainingDeviceSetup.DeviceOption();
        var gemm = TrainingDeviceSetup.GemmOption();
        var command = new Command("table1", "Table 1: every optimizer stack for N seeds, with the re-runs from the learned hyperparameters.")
        {
            seeds, scale, rows, data, device, gemm, output,
        };
        command.SetAction(result =>
        {
            int seedCount = Positive("--seeds", result.GetValue(seeds));
            double epochScale = result.GetValue(scale);
            if (!(epochScale > 0) || double.IsInfinity(epochScale))
            {
                throw new CliInputException($"--epochs-scale: must be a positive number, not {epochScale.ToString(CultureInfo.InvariantCulture)}");
            }

            string[] filters = result.GetValue(rows) ?? [];
            IReadOnlyList<Table1Row> selected = Table1Selection.Select(filters);

            // The device first: a missing GPU should not wait for the data.
            using TrainingGpu? gpu = OpenDevice(result, device, gemm, TowerSpec.Parse(selected.First(row => !row.IsRerun).Tower!));
            FashionMnistDataset dataset = TrainingOptionsCommon.LoadData(result.GetValue(data));
            string directory = result.GetRequiredValue(output);
            TrainingOptionsCommon.CreateOutputDirectory(directory);

            string commandLine = "hypergen reproduce table1 --seeds " + seedCount.ToString(CultureInfo.InvariantCulture) +
                (epochScale != 1 ? " --epochs-scale " + epochScale.ToString(CultureInfo.InvariantCulture) : "") +
                string.Concat(filters.Select(f => $" --rows \"{f}\"")) + DataArgument(result.GetValue(data)) + DeviceArguments(result, device, gemm);
            TextWriter stdout = result.InvocationConfiguration.Output;
            stdout.WriteLine($"data: {dataset.Description}");
            stdout.WriteLine($"device: {TrainingDevice.Describe(gpu?.Device)}");
            stdout.WriteLine($"{selected.Count} rows x {seedCount} seeds");
            var header = ReproduceHeader.Now(commandLine, dataset.Description, gpu?.Device.Description);
            IReadOnlyList<Table1RowResult> results = new Table1Experiment(Trainer(dataset, gpu), seedCount, epochScale, stdout).Run(selected);
            Table1Report.Write(directory, header, results);
            stdout.WriteLine();
            stdout.Write(Table1Report.Markdown(header, results));
            stdout.WriteLine($"files: {Path.Combine(directory, "table1.md")}, {Path.Combine(directory, "table1.json")}, {Path.Combine(directory, "table1.png")}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateTowers()
    {
        var seeds = SeedsOption(1);
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run (the paper's SGD runs: 30).", HelpName = "N", DefaultValueFactory = _ => 30 };
        var stepSizes = new Option<string>("--step-sizes")
        {
            Description = "Comma-separated initial step sizes of level 1.",
            HelpName = "LIST",
            DefaultValueFactory = _ => string.Join(",", DefaultStepSizes.Select(s => s.ToString("0e0", CultureInfo.InvariantCulture))),
        };
        var heights = new Option<string>("--heights")
        {
            Description = $"Comma-separated tower heights, 1 to {TowersExperiment.MaxHeight}.",
            HelpName = "LIST",
            DefaultValueFactory = _ => "1,2,3,4",
        };
        var data = TrainingOptionsCommon.DataOption();
        var output = OutputOption("towers");
        var device = TrainingDeviceSetup.DeviceOption();
        var gemm = TrainingDeviceSetup.GemmOption();
        var command = new Command("towers", "Section 3.4: SGD towers of height 1..4 over step sizes spanning orders of magnitude.")
        {
            seeds, epochs, stepSizes, heights, data, device, gemm, output,
        };
        command.SetAction(result =>
        {
            int seedCount = Positive("--seeds", result.GetValue(seeds));
            int epochCount = Positive("--epochs", result.GetValue(epochs));
            double[] alphas = ParseList("--step-sizes", result.GetRequiredValue(stepSizes), s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))
                .Select(a => a > 0 && double.IsFinite(a) ? a : throw new CliInputException($"--step-sizes: {a.ToString(CultureInfo.InvariantCulture)} is not a positive step size"))
                .ToArray();
            int[] heightList = ParseList("--heights", result.GetRequiredValue(heights), s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture))
                .Select(h => h is >= 1 and <= TowersExperiment.MaxHeight ? h : throw new CliInputException($"--heights: {h} is not between 1 and {TowersExperiment.MaxHeight}"))
                .Distinct().Order().ToArray();
            using TrainingGpu? gpu = OpenDevice(result, device, gemm, TowersExperiment.SpecFor(alphas[0], heightList[^1]));
            FashionMnistDataset dataset = TrainingOptionsCommon.LoadData(result.GetValue(data));
            string directory = result.GetRequiredValue(output);
            TrainingOptionsCommon.CreateOutputDirectory(directory);

            string commandLine = FormattableString.Invariant(
                $"hypergen reproduce towers --seeds {seedCount} --epochs {epochCount} --step-sizes {result.GetRequiredValue(stepSizes)} --heights {string.Join(",", heightList)}") +
                DataArgument(result.GetValue(data)) + DeviceArguments(result, device, gemm);
            TextWriter stdout = result.InvocationConfiguration.Output;
            stdout.WriteLine($"data: {dataset.Description}");
            stdout.WriteLine($"device: {TrainingDevice.Describe(gpu?.Device)}");
            var header = ReproduceHeader.Now(commandLine, dataset.Description, gpu?.Device.Description);
            IReadOnlyList<TowerCell> cells = new TowersExperiment(Trainer(dataset, gpu), seedCount, epochCount, stdout).Run(alphas, heightList);
            TowersReport.Write(directory, header, epochCount, cells);
            stdout.WriteLine();
            stdout.Write(TowersReport.Markdown(header, epochCount, cells));
            stdout.WriteLine($"files: {Path.Combine(directory, "towers.md")}, {Path.Combine(directory, "towers.json")}, {Path.Combine(directory, "towers.png")}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The GPU the runs train on (after its self-check with a tower they use), or null for the CPU.</summary>
    private static TrainingGpu? OpenDevice(ParseResult result, Option<string> device, Option<string> gemm, TowerSpec checkSpec)
    {
        string where = result.GetRequiredValue(device);
        return where == "cpu"
            ? null
            : TrainingDeviceSetup.Open(where, TrainingGpu.ParseGemm(result.GetRequiredValue(gemm)), checkSpec, result.InvocationConfiguration.Error);
    }

    /// <summary>Each run on the device: the CPU trainer, or the GPU trainer on <paramref name="gpu"/>.</summary>
    private static TrainRun Trainer(FashionMnistDataset data, TrainingGpu? gpu) => gpu is null
        ? (spec, epochs, seed) => TowerRun.Train(data, spec, epochs, seed)
        : (spec, epochs, seed) => GpuTowerRun.Train(gpu, data, spec, epochs, seed);

    /// <summary>The device options as the command line that reproduces the files gives them (none at their defaults).</summary>
    private static string DeviceArguments(ParseResult result, Option<string> device, Option<string> gemm)
    {
        string where = result.GetRequiredValue(device);
        string engine = result.GetRequiredValue(gemm);
        return (where == "auto" ? "" : $" --device {where}") + (engine == "auto" ? "" : $" --gemm {engine}");
    }

    private static Option<int> SeedsOption(int defaultSeeds) => new("--seeds")
    {
        Description = "Runs per configuration, with seeds 1..N.",
        HelpName = "N",
        DefaultValueFactory = _ => defaultSeeds,
    };

    private static Option<string> OutputOption(string experiment) => new("--out")
    {
        Description = "Folder for the markdown table, the JSON results and the plot.",
        HelpName = "DIR",
        DefaultValueFactory = _ => Path.Combine("out", "reproduce", experiment),
    };

    private static int Positive(string option, int value) =>
        value >= 1 ? value : throw new CliInputException($"{option}: must be at least 1, not {value}");

    private static string DataArgument(string? directory) => directory is null ? "" : $" --data {directory}";

    private static T[] ParseList<T>(string option, string text, Func<string, T> parse)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0)
        {
            throw new CliInputException($"{option}: give at least one value");
        }

        return items.Select(item =>
        {
            try
            {
                return parse(item);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new CliInputException($"{option}: '{item}' is not a number", e);
            }
        }).ToArray();
    }
}
