using HyperGen.Training.Gpu;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// Every level's hyperparameters after a step, whatever the device: the step log, the plot and the progress read
/// them through this, so the CPU and GPU runs write the same files.
/// </summary>
internal interface ITowerReadout
{
    /// <summary>The tower's levels (optimizers and hyperparameter names).</summary>
    TowerSpec Spec { get; }

    /// <summary>Hyperparameter <paramref name="index"/> of level <paramref name="level"/> (0-based, bottom first), in the user's domain.</summary>
    double GetValue(int level, int index);
}

/// <summary>A CPU tower's current hyperparameters.</summary>
internal sealed class CpuTowerReadout(Tower<float> tower) : ITowerReadout
{
    public TowerSpec Spec => tower.Spec;

    public double GetValue(int level, int index) => tower.Levels[level].GetValue(index);
}

/// <summary>A GPU run's hyperparameters at the step being reported, as read back from the device log.</summary>
internal sealed class GpuTowerReadout(TowerHyperparameters values) : ITowerReadout
{
    public TowerSpec Spec => values.Spec;

    public double GetValue(int level, int index) => values.GetValue(level + 1, index);
}
