using System;
using System.Globalization;
using System.Linq;
using HyperGen.Training.Data;
using TorchSharpCnn;

// dotnet run --project samples/TorchSharpCnn -c Release -- [--tower SPEC] [--epochs N] [--seed S] [--batch B] [--data DIR]
// dotnet run --project samples/TorchSharpCnn -c Release -- compare [--seeds 3] [--epochs 5] [--out docs/results] [--data DIR]
string command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "train";
string Option(string name, string fallback)
{
    int at = Array.IndexOf(args, "--" + name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

int epochs = int.Parse(Option("epochs", "5"), CultureInfo.InvariantCulture);
int batchSize = int.Parse(Option("batch", "128"), CultureInfo.InvariantCulture);
string? dataDirectory = Option("data", "") is { Length: > 0 } given ? given : null;

// The Debian package's full set when it is installed (scripts/install-fashion-mnist.sh), else the shipped subset.
FashionMnistDataset data = FashionMnist.Load(dataDirectory);
Console.WriteLine($"Data: {data.Description}");
using var train = new ImageTensors(data.Train);
using var test = new ImageTensors(data.Test);

switch (command)
{
    case "train":
        string tower = Option("tower", "adam(alpha=1e-3)/sgd(alpha=1e-5)");
        int seed = int.Parse(Option("seed", "1"), CultureInfo.InvariantCulture);
        Console.WriteLine($"LeNet, {tower}, seed {seed}, batch {batchSize}");
        Training.Run(tower, seed, epochs, batchSize, train, test, r => Console.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"epoch {r.Epoch}: {r.Seconds:F1} s, train loss {r.TrainLoss:F4}, test error {r.TestErrorPercent:F2} %") +
            (r.Alpha is double alpha ? string.Create(CultureInfo.InvariantCulture, $", alpha {alpha:G4}") : "") +
            (r.RefusedStep is long step ? $": diverged, step {step} refused (a NaN or an infinity), stopped with the last good weights" : "")));
        break;

    case "compare":
        int seeds = int.Parse(Option("seeds", "3"), CultureInfo.InvariantCulture);
        string output = Option("out", "docs/results");
        Comparison.Run(Comparison.PaperRows, Enumerable.Range(1, seeds).ToArray(), epochs, batchSize, train, test, data.Description, output);
        break;

    default:
        Console.Error.WriteLine($"Unknown command '{command}': use train or compare.");
        return 2;
}

return 0;
