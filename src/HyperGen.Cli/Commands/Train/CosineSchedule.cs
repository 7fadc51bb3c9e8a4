using System;
using System.Globalization;
using System.Linq;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// Cosine decay without restarts (Loshchilov and Hutter's SGDR, one cycle, floor 0): step t of T uses
/// <c>initial * (1 + cos(pi * (t - 1) / T)) / 2</c>: the initial value at the first step, half of it midway, and
/// <c>initial * (1 - cos(pi / T)) / 2</c>, nearly 0, at the last. It sets level 1's step size of a Depth-1 tower between steps.
/// </summary>
internal sealed class CosineSchedule : ITowerSchedule
{
    /// <summary>The names a step size goes by (compared case-insensitively, underscores ignored), in order of preference.</summary>
    private static readonly string[] StepSizeNames = ["alpha", "lr", "learningrate", "stepsize", "eta"];

    private CosineSchedule(int index, string name, double initial, int totalSteps)
    {
        Index = index;
        Name = name;
        Initial = initial;
        TotalSteps = totalSteps;
    }

    /// <summary>The step size's index among level 1's hyperparameters.</summary>
    public int Index { get; }

    /// <summary>The step size's name.</summary>
    public string Name { get; }

    /// <summary>The value at the first step.</summary>
    public double Initial { get; }

    /// <summary>The steps the decay spans (the whole run).</summary>
    public int TotalSteps { get; }

    /// <summary>The schedule of <paramref name="level"/>'s step size over <paramref name="totalSteps"/> steps.</summary>
    /// <exception cref="CliInputException">The optimizer has no hyperparameter named like a step size.</exception>
    public static CosineSchedule For(LevelSpec level, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(level);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        var hypers = level.Definition.HyperParameters;
        foreach (string wanted in StepSizeNames)
        {
            for (int j = 0; j < hypers.Count; j++)
            {
                if (string.Equals(hypers[j].Name.Replace("_", "", StringComparison.Ordinal), wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return new CosineSchedule(j, hypers[j].Name, level.InitialValues[j], totalSteps);
                }
            }
        }

        string names = hypers.Count == 0 ? "none" : string.Join(", ", hypers.Select(h => h.Name));
        throw new CliInputException(
            $"--baseline cosine: {level.Definition.Name.ToLowerInvariant()} has no step size to decay (a hyperparameter named alpha, lr, learning_rate, step_size or eta; it has: {names})");
    }

    /// <summary>
    /// The step size of 1-based step <paramref name="step"/>. Past the last step it stays at the last step's value, so
    /// that the value a run ends with is the one its last step used.
    /// </summary>
    public double StepSize(int step)
    {
        int done = Math.Clamp(step - 1, 0, TotalSteps - 1);
        return Initial * (1 + Math.Cos(Math.PI * done / TotalSteps)) / 2;
    }

    /// <inheritdoc/>
    public void Apply(Tower<float> tower, int step) => tower.Levels[0].SetValue(Index, StepSize(step));

    /// <summary>The schedule in words, for the run's header and summary.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"{Name} decayed from {Initial:G6} towards 0 along a half cosine over {TotalSteps} steps");
}
