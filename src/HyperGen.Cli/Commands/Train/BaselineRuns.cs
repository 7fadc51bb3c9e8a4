using System.Collections.Generic;
using System.Linq;
using Spectre.Console;

namespace HyperGen.Cli.Commands.Train;

/// <summary>One baseline to train beside the tower: what it trains and, for <see cref="BaselineKind.Cosine"/>, its schedule.</summary>
/// <param name="Kind">Which baseline.</param>
/// <param name="Spec">The tower's level 1 alone, at its initial values.</param>
/// <param name="Schedule">The step-size schedule; null for <see cref="BaselineKind.Plain"/>.</param>
internal sealed record BaselinePlan(BaselineKind Kind, TowerSpec Spec, CosineSchedule? Schedule)
{
    /// <summary>The baseline's name in the files and tables.</summary>
    public string Name => BaselineOption.NameOf(Kind);

    /// <summary>What it trains, in words: the optimizer and its values, and the schedule.</summary>
    public string Description => Schedule is null ? Spec.ToString() : $"{Spec}, {Schedule}";
}

/// <summary>What one baseline run produced.</summary>
/// <param name="Plan">The baseline.</param>
/// <param name="Run">Its epochs, final hyperparameters and whether it stopped.</param>
/// <param name="History">Its every step and epoch.</param>
internal sealed record BaselineResult(BaselinePlan Plan, TowerRunResult Run, TrainingHistory History);

/// <summary>
/// The baselines of <c>train --baseline</c>: the tower's level-1 optimizer trained alone from its initial
/// hyperparameters (plain), and with its step size decayed along a cosine (cosine), from the same seed, so from the
/// same initial weights and the same batches as the tower. They answer "is the tower better than what I would have
/// done?"; they are not checkpointed (a resumed run trains them whole in the invocation that ends the tower's run).
/// </summary>
internal static class BaselineRuns
{
    /// <summary>
    /// The plans, checked before anything trains (cosine needs a step size). The optimizer keeps the tower's initial
    /// values but no bounds: nothing learns its hyperparameters, and a decaying step size must reach 0.
    /// </summary>
    /// <exception cref="CliInputException">Level 1 has no step size for <see cref="BaselineKind.Cosine"/>.</exception>
    public static IReadOnlyList<BaselinePlan> Plan(IReadOnlyList<BaselineKind> kinds, TowerSpec tower, int totalSteps)
    {
        LevelSpec bottom = tower.Levels[0];
        var names = bottom.Definition.HyperParameters.Select(h => h.Name).ToArray();
        var level = new LevelSpec(
            bottom.Definition,
            names.Select((name, j) => KeyValuePair.Create(name, bottom.InitialValues[j])).ToDictionary(),
            names.ToDictionary(name => name, _ => HyperBound.None));
        var spec = new TowerSpec([level]);
        return kinds
            .Select(kind => new BaselinePlan(kind, spec, kind == BaselineKind.Cosine ? CosineSchedule.For(level, totalSteps) : null))
            .ToArray();
    }

    /// <summary>
    /// Trains <paramref name="plan"/> as <paramref name="options"/> say (the tower's device, data, epochs and seed),
    /// with its own progress lines. A schedule sets a CPU tower's values, so a cosine baseline of a GPU run trains on the CPU.
    /// </summary>
    public static BaselineResult Train(BaselinePlan plan, RecordedRunOptions options, IAnsiConsole console, bool interactive, int stepsPerEpoch)
    {
        RecordedRunOptions where = plan.Schedule is null ? options : options with { Gpu = null };
        string device = options.Gpu is not null && where.Gpu is null ? " (on the CPU: a schedule sets a CPU tower's values)" : "";
        console.WriteLine($"baseline {plan.Name}: {plan.Description}{device}");
        var history = new TrainingHistory(plan.Spec);
        TowerRunResult run = ProgressDisplay.Run(
            console,
            interactive,
            options.Epochs,
            stepsPerEpoch,
            progress => RecordedRun.Train(where, plan.Spec, progress, history, schedule: plan.Schedule),
            label: plan.Name);
        return new BaselineResult(plan, run, history);
    }
}
