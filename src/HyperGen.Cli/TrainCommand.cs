using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using HyperGen.Training;
using HyperGen.Training.Data;

namespace HyperGen.Cli;

/// <summary>
/// <c>hypergen train</c>: the main job. Trains the paper's 784-128-10 MLP on Fashion-MNIST with a hyperoptimized
/// tower, prints a line per epoch with the current level-1 hyperparameters and a summary, and writes a per-step
/// log and a summary JSON under <c>--out</c>.
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
        var device = new Option<string>("--device") { Description = "Where to train.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("cpu", "gpu", "auto");
        var data = new Option<string?>("--data")
        {
            Description = "A folder of Fashion-MNIST idx files; default: the Debian package, else the shipped subset.",
            HelpName = "DIR",
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder for steps.csv and summary.json.",
            HelpName = "DIR",
            DefaultValueFactory = _ => Path.Combine("out", "train"),
        };

        var command = new Command("train", "Train the paper's MLP on Fashion-MNIST with a hyperoptimized tower.")
        {
            tower, epochs, seed, device, data, output,
        };
        var checkpoints = new CheckpointOptions();
        checkpoints.AddTo(command);
        command.SetAction(result => Execute(
            result.GetRequiredValue(tower),
            result.GetValue(epochs),
            result.GetValue(seed),
            result.GetRequiredValue(device),
            result.GetValue(data),
            result.GetRequiredValue(output),
            checkpoints.Read(result),
            result.InvocationConfiguration.Output));
        return command;
    }

    private static int Execute(string towerText, int epochs, int seed, string device, string? dataDirectory, string outputDirectory, TrainCheckpoints? checkpoints, TextWriter stdout)
    {
        if (epochs < 1)
        {
            throw new CliInputException($"--epochs: must be at least 1, not {epochs}");
        }

        if (device == "gpu")
        {
            throw new CliInputException("--device gpu: GPU training is not available yet in this build; use --device cpu");
        }

        TowerSpec spec;
        try
        {
            spec = TowerSpec.Parse(towerText);
        }
        catch (TowerSpecException e)
        {
            throw new CliInputException($"--tower: {e.Message}", e);
        }

        FashionMnistDataset dataset;
        try
        {
            dataset = FashionMnist.Load(dataDirectory);
        }
        catch (Exception e) when (e is IOException or DatasetFileException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--data: {e.Message}", e);
        }

        string stepsPath = Path.Combine(outputDirectory, "steps.csv");
        string summaryPath = Path.Combine(outputDirectory, "summary.json");
        try
        {
            Directory.CreateDirectory(outputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--out: cannot create '{outputDirectory}': {e.Message}", e);
        }

        stdout.WriteLine($"data: {dataset.Description}");
        stdout.WriteLine($"tower: {spec}");

        using var trainer = new Trainer(dataset, new TrainingOptions { Epochs = epochs, Seed = seed });
        var tower = new Tower<float>(spec, trainer.Model.Parameters.Length);
        checkpoints?.Start(trainer, tower, stdout);

        // A resumed run continues the step log; steps after the last checkpoint may appear twice.
        bool appendLog = checkpoints is { Resume: true } && File.Exists(stepsPath);
        using StreamWriter log = OutputFile(stepsPath, () => new StreamWriter(stepsPath, append: appendLog, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));
        if (!appendLog)
        {
            log.WriteLine(StepsHeader(tower));
        }

        TrainingResult result = trainer.Train(
            new TowerOptimizer(tower),
            onStep: step =>
            {
                log.WriteLine(StepLine(step, tower));
                checkpoints?.AfterStep(step, trainer, tower);
            },
            onEpoch: epoch =>
            {
                stdout.WriteLine(
                    $"epoch {epoch.Epoch}/{epochs}  {epoch.Steps / epoch.TrainSeconds,7:F1} steps/s  train loss {epoch.TrainLoss:F4}  " +
                    $"test error {epoch.TestErrorPercent:F2} %  level 1: {tower.Levels[0]}");
                checkpoints?.AfterEpoch(trainer, tower);
            });
        if (result.Epochs.Count == 0)
        {
            stdout.WriteLine($"nothing to do: the checkpoint's run already completed {trainer.CompletedEpochs} epochs (raise --epochs to continue it)");
            return ExitCodes.Success;
        }

        OutputFile(summaryPath, () =>
        {
            WriteSummary(summaryPath, result, tower);
            return true;
        });
        stdout.WriteLine();
        stdout.WriteLine(result.Diverged ? "stopped: the loss became non-finite (a hyper-step size too large?)" : "done");
        stdout.WriteLine($"test error      {result.TestErrorPercent:F2} %");
        stdout.WriteLine($"seconds/epoch   {result.MeanSecondsPerEpoch:F2}");
        foreach (TowerLevel level in tower.Levels)
        {
            stdout.WriteLine($"level {level.Index}         {level}{BoundHitReport.Describe(level)}");
        }

        stdout.WriteLine($"files           {stepsPath}, {summaryPath}");
        return result.Diverged ? ExitCodes.CheckFailed : ExitCodes.Success;
    }

    /// <summary>Runs <paramref name="open"/>, reporting a file that cannot be written as bad --out input.</summary>
    private static TResult OutputFile<TResult>(string path, Func<TResult> open)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--out: cannot write '{path}': {e.Message}", e);
        }
    }

    private static string StepsHeader(Tower<float> tower) =>
        "step,epoch,loss," + string.Join(",", tower.Levels.SelectMany(l =>
            l.Definition.HyperParameters.Select(h => $"level{l.Index}.{h.Name}")));

    private static string StepLine(StepReport step, Tower<float> tower)
    {
        var line = new StringBuilder();
        line.Append(step.Step.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(step.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(step.Loss.ToString("R", CultureInfo.InvariantCulture));
        foreach (TowerLevel level in tower.Levels)
        {
            for (int j = 0; j < level.Definition.HyperParameters.Count; j++)
            {
                line.Append(',').Append(level.GetValue(j).ToString("R", CultureInfo.InvariantCulture));
            }
        }

        return line.ToString();
    }

    private static void WriteSummary(string path, TrainingResult result, Tower<float> tower)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("test_error_pct", result.TestErrorPercent);
        json.WriteNumber("seconds_per_epoch", result.MeanSecondsPerEpoch);
        json.WriteNumber("epochs", result.Epochs.Count);
        json.WriteBoolean("diverged", result.Diverged);
        json.WriteString("tower", tower.Spec.ToString());
        json.WriteStartArray("levels");
        foreach (TowerLevel level in tower.Levels)
        {
            json.WriteStartObject();
            foreach ((string name, double value) in level.GetValues())
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Lets the trainer step its flat parameter vector with a tower.</summary>
    private sealed class TowerOptimizer(Tower<float> tower) : IParameterOptimizer
    {
        public void Step(Span<float> weights, ReadOnlySpan<float> gradients) => tower.Step(weights, gradients);
    }
}
