using System;
using System.IO;
using System.Linq;
using HyperGen.Cli.Commands.Train;
using HyperGen.Cli.Commands.Train.Checkpoints;
using HyperGen.Training;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>The history beside a checkpoint: read back whole, cut back to the checkpoint's step, refused when it does not fit.</summary>
public sealed class TrainingHistoryFileTests : IDisposable
{
    private static readonly TowerSpec Spec = TowerSpec.Parse("sgd(alpha=0.05)/sgd(alpha=1e-3)");
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_history_ahead_of_the_checkpoint_is_cut_back_to_its_step_and_epochs()
    {
        string path = _files.Missing(TrainingHistoryFile.FileName);
        TrainingHistory saved = History(steps: 10, stepsPerEpoch: 4);
        TrainingHistoryFile.Save(path, saved, Spec.ToString());

        var restored = new TrainingHistory(Spec);
        restored.Record(99, 9, 9f, [9, 9, 9, 9]); // replaced, not added to
        Assert.Null(TrainingHistoryFile.Restore(path, restored, Spec.ToString(), steps: 6, epochs: 1));

        Assert.Equal([1, 2, 3, 4, 5, 6], restored.Steps);
        Assert.Equal(saved.Epochs.Take(6), restored.Epochs);
        Assert.Equal(saved.Losses.Take(6), restored.Losses);
        Assert.Equal(saved.ValuesOf(3).Take(6), restored.ValuesOf(3));
        Assert.Equal(saved.EpochReports[0], Assert.Single(restored.EpochReports));
    }

    [Theory]
    [InlineData(11, 2, "holds 10 of the checkpoint's first 11 steps and 2 of its 2 epochs")]
    [InlineData(8, 3, "holds 8 of the checkpoint's first 8 steps and 2 of its 3 epochs")]
    public void A_history_behind_the_checkpoint_is_refused_and_changes_nothing(int steps, int epochs, string problem)
    {
        string path = _files.Missing(TrainingHistoryFile.FileName);
        TrainingHistoryFile.Save(path, History(steps: 10, stepsPerEpoch: 4), Spec.ToString());
        TrainingHistory current = History(steps: 2, stepsPerEpoch: 4);

        Assert.EndsWith(problem, TrainingHistoryFile.Restore(path, current, Spec.ToString(), steps, epochs));
        Assert.Equal([1, 2], current.Steps);
    }

    [Fact]
    public void Another_towers_history_a_damaged_file_and_no_file_are_refused()
    {
        string path = _files.Missing(TrainingHistoryFile.FileName);
        TrainingHistoryFile.Save(path, History(steps: 4, stepsPerEpoch: 4), Spec.ToString());
        var history = new TrainingHistory(Spec);

        Assert.Contains("belongs to the tower", TrainingHistoryFile.Restore(path, history, "sgd(alpha=0.1)/sgd(alpha=0.001, mu=0)", 4, 1));

        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("checksum", TrainingHistoryFile.Restore(path, history, Spec.ToString(), 4, 1));

        Assert.Equal(
            "there is no history.hgc beside the checkpoint",
            TrainingHistoryFile.Restore(_files.Missing("none.hgc"), history, Spec.ToString(), 4, 1));
        Assert.Equal(0, history.Count);
    }

    private static TrainingHistory History(int steps, int stepsPerEpoch)
    {
        var history = new TrainingHistory(Spec);
        for (int step = 1; step <= steps; step++)
        {
            int epoch = ((step - 1) / stepsPerEpoch) + 1;
            history.Record(step, epoch, 2f / step, [0.05 + (step * 1e-4), 0, 1e-3, 0]);
            if (step % stepsPerEpoch == 0)
            {
                history.RecordEpoch(new EpochReport(epoch, stepsPerEpoch, 1.0 / epoch, 1.1 / epoch, 50.0 / epoch, 0.25, 0.125));
            }
        }

        return history;
    }
}
