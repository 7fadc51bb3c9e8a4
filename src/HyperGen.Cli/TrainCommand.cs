using System;
using System.CommandLine;
using System.IO;
using HyperGen.Cli.Training;
using HyperGen.Training.Data;
using Spectre.Console;

namespace HyperGen.Cli;

/// <summary>
/// <c>hypergen train</c>: the main job. Trains the paper's 784-128-10 MLP on Fashion-MNIST with a hyperoptimized
/// tower, shows a progress bar per epoch (plain lines when the output is redirected) and a summary, and writes
/// <c>steps.csv</c>, <c>log.json</c>, <c>summary.json</c> and <c>plot.png</c> under <c>--out</c>.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var tower = new Option<string>("--tower")
        {
            Description = "The tower, bottom level first.",
            HelpName = "SPEC",
            DefaultValueFactory = _ => "adam(alpha=1e-3)/sgd(alpha=1e-5)",
        };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seeds the initial weights and the shuffles.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "Where to train (auto: the GPU when this build has a GPU path, else the CPU).", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("cpu", "gpu", "auto");
        var data = TrainingOptionsCommon.DataOption();
        var output = new Option<string>("--out")
        {
            Description = "Folder for steps.csv, log.json, summary.json and plot.png.",
            HelpName = "DIR",
            DefaultValueFactory = _ => Path.Combine("out", "train"),
        };

        var command = new Command("train", "Train the paper's MLP on Fashion-MNIST with a hyperoptimized tower.")
        {
            tower, epochs, seed, device, data, output,
        };
        command.SetAction(result => Execute(
            new TrainSettings(
                result.GetRequiredValue(tower),
                result.GetValue(epochs),
                result.GetValue(seed),
                result.GetRequiredValue(device),
                result.GetValue(data),
                result.GetRequiredValue(output)),
            result.InvocationConfiguration.Output));
        return command;
    }

    private static int Execute(TrainSettings settings, TextWriter stdout)
    {
        if (settings.Epochs < 1)
        {
            throw new CliInputException($"--epochs: must be at least 1, not {settings.Epochs}");
        }

        if (settings.Device == "gpu")
        {
            throw new CliInputException("--device gpu: GPU training is not available yet in this build; use --device cpu");
        }

        TowerSpec spec = TrainingOptionsCommon.ParseTower("--tower", settings.Tower);
        FashionMnistDataset dataset = TrainingOptionsCommon.LoadData(settings.DataDirectory);
        TrainingOptionsCommon.CreateOutputDirectory(settings.OutputDirectory);

        IAnsiConsole console = TerminalOutput.Create(stdout);
        bool interactive = TerminalOutput.IsInteractive(stdout);
        console.WriteLine($"data: {dataset.Description}");
        console.WriteLine($"tower: {spec}");
        console.WriteLine("device: cpu");

        var history = new TrainingHistory(spec);
        TowerRunResult run = EpochProgress.Run(console, interactive, settings.Epochs, TowerRun.StepsPerEpoch(dataset), progress =>
            TowerRun.Train(
                dataset,
                spec,
                settings.Epochs,
                settings.Seed,
                onStep: (step, t) =>
                {
                    history.Record(step, t);
                    progress.OnStep(step, t);
                },
                onEpoch: progress.OnEpoch));

        var info = new TrainRunInfo(spec.ToString(), dataset.Description, settings.Seed);
        string stepsPath = Path.Combine(settings.OutputDirectory, "steps.csv");
        string logPath = Path.Combine(settings.OutputDirectory, "log.json");
        string summaryPath = Path.Combine(settings.OutputDirectory, "summary.json");
        string plotPath = Path.Combine(settings.OutputDirectory, "plot.png");
        TrainingLogWriter.WriteStepsCsv(stepsPath, history);
        TrainingLogWriter.WriteLogJson(logPath, info, run.Training, history);
        TrainingLogWriter.WriteSummary(summaryPath, info, run);
        TrainingPlot.Save(plotPath, $"{spec} (seed {settings.Seed})", history);

        console.WriteLine();
        TrainingSummary.Write(console, run);
        console.WriteLine($"files: {stepsPath}, {logPath}, {summaryPath}, {plotPath}");
        return run.Training.Diverged ? ExitCodes.CheckFailed : ExitCodes.Success;
    }

    /// <summary>The options of one <c>train</c> invocation, as parsed.</summary>
    private sealed record TrainSettings(
        string Tower, int Epochs, int Seed, string Device, string? DataDirectory, string OutputDirectory);
}
