using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using HyperGen.Cli.Commands.Train.Checkpoints;
using HyperGen.Cli.Commands.Train.Distributed;
using HyperGen.Cli.Definitions;
using HyperGen.Training;
using HyperGen.Training.Data;
using HyperGen.Training.Gpu;
using Spectre.Console;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// <c>hypergen train</c>: the main job. Trains the paper's 784-128-10 MLP on Fashion-MNIST with a hyperoptimized
/// tower (optimizers of the user's own from <c>--definitions</c>), and the baselines of <c>--baseline</c> from the same
/// start, shows a progress bar per epoch (plain lines when the output is redirected) and a summary, and writes
/// <c>steps.csv</c>, <c>log.json</c>, <c>summary.json</c> and <c>plot.png</c> under <c>--out</c>, for the whole run
/// when it resumes a checkpoint.
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
        var definitions = new DefinitionsOption();
        var baselines = new BaselineOption();
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seeds the initial weights and the shuffles.", DefaultValueFactory = _ => 1 };
        var device = TrainingDeviceSetup.DeviceOption();
        var gemm = TrainingDeviceSetup.GemmOption();
        var data = TrainingOptionsCommon.DataOption();
        var output = new Option<string>("--out")
        {
            Description = "Folder for steps.csv, log.json, summary.json and plot.png.",
            HelpName = "DIR",
            DefaultValueFactory = _ => Path.Combine("out", "train"),
        };

        var command = new Command("train", "Train the paper's MLP on Fashion-MNIST with a hyperoptimized tower.")
        {
            tower, definitions.Option, baselines.Option, epochs, seed, device, gemm, data, output,
        };
        var checkpoints = new CheckpointOptions();
        checkpoints.AddTo(command);
        var distributed = new DistributedOptions();
        distributed.AddTo(command);
        command.SetAction(result => Execute(
            new TrainSettings(
                result.GetRequiredValue(tower),
                definitions.Read(result),
                baselines.Read(result),
                result.GetValue(epochs),
                result.GetValue(seed),
                result.GetRequiredValue(device),
                TrainingGpu.ParseGemm(result.GetRequiredValue(gemm)),
                result.GetValue(data),
                result.GetRequiredValue(output),
                checkpoints.Read(result),
                distributed.Read(result)),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error));
        return command;
    }

    private static int Execute(TrainSettings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Epochs < 1)
        {
            throw new CliInputException($"--epochs: must be at least 1, not {settings.Epochs}");
        }

        if (settings.Distributed is null)
        {
            return Execute(settings, stdout, stderr, ranks: null);
        }

        if (settings.Device == "gpu")
        {
            throw new CliInputException($"--device gpu: {DistributedOptions.Name} mpi trains on the CPU; use --device cpu (or auto)");
        }

        // Started before anything is read, and after every rank checked its checkpoint folder (CheckpointOptions.Read):
        // rank 0 writes its first checkpoint only after the configuration comparison, which waits for every rank.
        using TrainingRanks ranks = TrainingRanks.Start(settings.Distributed);
        int exitCode = Execute(settings with { Device = "cpu" }, ranks.IsRoot ? stdout : TextWriter.Null, ranks.IsRoot ? stderr : TextWriter.Null, ranks);
        ranks.Finished();
        return exitCode;
    }

    /// <summary>The run, on one process or on every rank of <paramref name="ranks"/>; where the ranks are not rank 0, both writers are null writers.</summary>
    private static int Execute(TrainSettings settings, TextWriter stdout, TextWriter stderr, TrainingRanks? ranks)
    {

        // Compiled first: the tower may name the optimizers, which must stay loaded until the run is over.
        using DefinitionCompilation? compiled = DefinitionsOption.CompileOrThrow(settings.Definitions, stderr);
        TowerSpec spec = TrainingOptionsCommon.ParseTower(
            "--tower", settings.Tower, compiled?.CreateCatalog(), compiled is null ? "an optimizer of your own trains with --definitions FILE.cs" : null);
        (string deviceChoice, string? deviceNote) = ChooseDevice(settings.Device, spec, compiled);
        using TrainingGpu? gpu = deviceChoice == "cpu" ? null : TrainingDeviceSetup.Open(deviceChoice, settings.Gemm, spec, stderr);
        FashionMnistDataset dataset = TrainingOptionsCommon.LoadData(settings.DataDirectory);
        int stepsPerEpoch = TowerRun.StepsPerEpoch(dataset);
        IReadOnlyList<BaselinePlan> baselinePlans = BaselineRuns.Plan(settings.Baselines, spec, settings.Epochs * stepsPerEpoch);
        if (ranks is not null)
        {
            ranks.EnsureSameConfiguration(RunAgreement.Describe(settings, spec, dataset, ranks));
        }

        bool writesFiles = ranks?.IsRoot ?? true;
        if (writesFiles)
        {
            TrainingOptionsCommon.CreateOutputDirectory(settings.OutputDirectory);
        }

        IAnsiConsole console = TerminalOutput.Create(stdout);
        bool interactive = TerminalOutput.IsInteractive(stdout);
        console.WriteLine($"data: {dataset.Description}");
        console.WriteLine($"tower: {spec}");
        console.WriteLine($"device: {TrainingDevice.Describe(gpu?.Device)}{deviceNote}");
        if (ranks is not null)
        {
            string tower = ranks.ShardOptimizer ? "each steps its shard of the tower (--shard-optimizer)" : "each steps the whole tower";
            console.WriteLine($"distributed: {ranks.Size} MPI ranks; each computes its part of every batch, {tower}; rank 0 writes the files");
        }

        if (gpu is not null)
        {
            console.WriteLine($"matrix products: {gpu.GemmDescription}");
        }

        CheckpointSchedule? checkpoints = settings.Checkpoints is { } asked ? asked with { Writes = writesFiles } : null;
        CheckpointHooks? hooks = checkpoints is null ? null : new CheckpointHooks(checkpoints, stdout);
        var options = new RecordedRunOptions(gpu, dataset, settings.Epochs, settings.Seed, ranks);
        var history = new TrainingHistory(spec);
        TowerRunResult thisInvocation = ProgressDisplay.Run(
            console, interactive, settings.Epochs, stepsPerEpoch, progress => RecordedRun.Train(options, spec, progress, history, hooks));

        // A resumed run's history holds the steps and epochs before it too, so every file covers the whole run. A
        // checkpoint without its history (written by an older version, or copied alone) can only continue the step log.
        string? historyProblem = checkpoints is { Resume: true } ? hooks!.Run!.HistoryProblem : null;
        bool nothingToDo = thisInvocation.Training.Epochs.Count == 0;
        if (nothingToDo)
        {
            console.WriteLine(
                $"nothing to do: the checkpoint's run already completed {hooks!.Run!.CompletedEpochs} epochs (raise --epochs to continue it)");

            // With its history, the finished run's files are written again: a run killed while writing them is complete.
            if (historyProblem is not null || history.EpochReports.Count == 0)
            {
                return ExitCodes.Success;
            }
        }

        var outputs = new TrainOutputs(settings.OutputDirectory);
        bool continueStepLog = false;
        if (historyProblem is not null)
        {
            continueStepLog = File.Exists(outputs.StepsPath);
            stderr.WriteLine(
                $"hypergen: warning: the run's history was not restored ({historyProblem}); steps.csv continues, the other files cover only this invocation");
        }

        bool diverged = nothingToDo ? history.EndedDiverged : thisInvocation.Training.Diverged;
        TowerRunResult run = thisInvocation with { Training = new TrainingResult(history.EpochReports, diverged) };
        BaselineResult[] baselineRuns = baselinePlans
            .Select(plan => BaselineRuns.Train(plan, options, console, interactive, stepsPerEpoch))
            .ToArray();

        var info = new TrainRunInfo(spec.ToString(), dataset.Description, settings.Seed);
        if (!writesFiles)
        {
            return run.Training.Diverged ? ExitCodes.Diverged : ExitCodes.Success;
        }

        outputs.Write(info, run, history, baselineRuns, continueStepLog, $"{spec} (seed {settings.Seed})");

        console.WriteLine();
        TrainingSummary.Write(console, run, baselineRuns);
        console.WriteLine($"files: {outputs}");
        return run.Training.Diverged ? ExitCodes.Diverged : ExitCodes.Success;
    }

    /// <summary>
    /// The device to open for <paramref name="device"/>, and a note for the device line. Optimizers compiled from
    /// <c>--definitions</c> have CPU kernels only (the generator writes GPU kernels into projects that reference
    /// HyperGen.Kernels), so a tower using one runs on the CPU: <c>auto</c> says so, <c>gpu</c> is an error.
    /// </summary>
    private static (string Device, string? Note) ChooseDevice(string device, TowerSpec spec, DefinitionCompilation? compiled)
    {
        LevelSpec? compiledLevel = compiled is null ? null : spec.Levels.FirstOrDefault(level => compiled.Contains(level.Definition));
        if (compiledLevel is null || device == "cpu")
        {
            return (device, null);
        }

        string name = compiledLevel.Definition.Name.ToLowerInvariant();
        return device == "gpu"
            ? throw new CliInputException(
                $"--device gpu: {name} comes from --definitions, which compiles CPU kernels only (GPU kernels are generated in a project that references HyperGen.Kernels); use --device cpu")
            : ("cpu", $" ({name} comes from --definitions: CPU kernels only)");
    }

    /// <summary>The options of one <c>train</c> invocation, as parsed.</summary>
    internal sealed record TrainSettings(
        string Tower,
        IReadOnlyList<string> Definitions,
        IReadOnlyList<BaselineKind> Baselines,
        int Epochs,
        int Seed,
        string Device,
        GemmEngine Gemm,
        string? DataDirectory,
        string OutputDirectory,
        CheckpointSchedule? Checkpoints,
        DistributedSettings? Distributed);
}
