using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HyperGen.Checkpoints;
using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train.Checkpoints;

/// <summary>
/// A run's <see cref="TrainingHistory"/> in a file beside its checkpoint (<c>history.hgc</c>), so that a resumed run
/// writes <c>steps.csv</c>, <c>log.json</c>, <c>summary.json</c> and <c>plot.png</c> for the whole run. It uses the
/// checkpoint's container (sections, CRC-32, written to a temporary file and renamed), so a killed run leaves the
/// previous history or the new one, whole. It is written just before each checkpoint: it is never behind the
/// checkpoint, and a history ahead of it (a run killed between the two writes) is cut back to the checkpoint's step.
/// </summary>
/// <remarks>
/// Sections: <c>HIST</c> (the tower's text, the column names, then per step: step, epoch, loss as float, each
/// column's value as double) and <c>EPCH</c> (per epoch: epoch, steps, train loss, test loss, test error %, train
/// seconds, evaluation seconds). The history is not in the checkpoint itself because its timings differ from run to
/// run, and the checkpoint of a resumed run must equal an uninterrupted run's byte for byte.
/// </remarks>
internal static class TrainingHistoryFile
{
    /// <summary>The history's file name, in the checkpoint's folder.</summary>
    public const string FileName = "history.hgc";

    private const string StepsTag = "HIST";
    private const string EpochsTag = "EPCH";

    /// <summary>The history file that goes with the checkpoint at <paramref name="checkpointPath"/>.</summary>
    public static string BesideCheckpoint(string checkpointPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, FileName);

    /// <summary>Writes <paramref name="history"/> of the tower <paramref name="tower"/> to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="IOException">The folder is not writable; the previous file is untouched.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable; the previous file is untouched.</exception>
    public static void Save(string path, TrainingHistory history, string tower)
    {
        var file = new CheckpointWriter();
        file.AddSection(StepsTag, writer =>
        {
            writer.Write(tower);
            writer.Write(history.Columns.Count);
            foreach (HyperColumn column in history.Columns)
            {
                writer.Write(column.Key);
            }

            writer.Write(history.Count);
            for (int row = 0; row < history.Count; row++)
            {
                writer.Write(history.Steps[row]);
                writer.Write(history.Epochs[row]);
                writer.Write(history.Losses[row]);
                for (int column = 0; column < history.Columns.Count; column++)
                {
                    writer.Write(history.ValuesOf(column)[row]);
                }
            }
        });
        file.AddSection(EpochsTag, writer =>
        {
            writer.Write(history.EpochReports.Count);
            foreach (EpochReport epoch in history.EpochReports)
            {
                writer.Write(epoch.Epoch);
                writer.Write(epoch.Steps);
                writer.Write(epoch.TrainLoss);
                writer.Write(epoch.TestLoss);
                writer.Write(epoch.TestErrorPercent);
                writer.Write(epoch.TrainSeconds);
                writer.Write(epoch.EvaluationSeconds);
            }
        });
        file.Save(path);
    }

    /// <summary>
    /// Replaces <paramref name="history"/> with the saved one, cut back to the first <paramref name="steps"/> steps
    /// and <paramref name="epochs"/> epochs (where the checkpoint stands). On any problem the history is unchanged.
    /// </summary>
    /// <returns>Null when restored; otherwise why not (no file, another tower, fewer steps than the checkpoint, a damaged file).</returns>
    public static string? Restore(string path, TrainingHistory history, string tower, int steps, int epochs)
    {
        if (!File.Exists(path))
        {
            return $"there is no {FileName} beside the checkpoint";
        }

        Saved saved;
        try
        {
            saved = Read(path, history.Columns.Count);
        }
        catch (Exception e) when (e is CheckpointException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }

        string[] keys = history.Columns.Select(c => c.Key).ToArray();
        if (saved.Tower != tower)
        {
            return $"{path} belongs to the tower {saved.Tower}, not {tower}";
        }

        if (!saved.Keys.SequenceEqual(keys))
        {
            return $"{path} records the columns {string.Join(", ", saved.Keys)}, not this run's {string.Join(", ", keys)}";
        }

        int rows = saved.Rows.TakeWhile(row => row.Step <= steps).Count();
        if (rows != steps || saved.Epochs.Count < epochs)
        {
            return $"{path} holds {rows} of the checkpoint's first {steps} steps and {saved.Epochs.Count} of its {epochs} epochs";
        }

        history.Clear();
        foreach (Row row in saved.Rows.Take(rows))
        {
            history.Record(row.Step, row.Epoch, row.Loss, row.Values);
        }

        foreach (EpochReport epoch in saved.Epochs.Take(epochs))
        {
            history.RecordEpoch(epoch);
        }

        return null;
    }

    private static Saved Read(string path, int columnCount)
    {
        CheckpointReader file = CheckpointReader.Open(path);
        (string tower, string[] keys, List<Row> rows) = file.ReadSection(StepsTag, reader =>
        {
            string tower = reader.ReadString();
            int columns = reader.ReadInt32();
            if (columns != columnCount)
            {
                throw new CheckpointException(path, $"it has {columns} hyperparameter columns, this tower {columnCount}");
            }

            string[] keys = new string[columns];
            for (int c = 0; c < columns; c++)
            {
                keys[c] = reader.ReadString();
            }

            int count = reader.ReadInt32();
            long rowBytes = (3 * sizeof(int)) + ((long)columns * sizeof(double));
            if (count < 0 || count > (reader.BaseStream.Length - reader.BaseStream.Position) / rowBytes)
            {
                throw new CheckpointException(path, $"the history claims {count} steps");
            }

            var rows = new List<Row>(count);
            for (int i = 0; i < count; i++)
            {
                int step = reader.ReadInt32();
                int epoch = reader.ReadInt32();
                float loss = reader.ReadSingle();
                double[] values = new double[columns];
                for (int c = 0; c < columns; c++)
                {
                    values[c] = reader.ReadDouble();
                }

                rows.Add(new Row(step, epoch, loss, values));
            }

            return (tower, keys, rows);
        });

        List<EpochReport> epochs = file.ReadSection(EpochsTag, reader =>
        {
            int count = reader.ReadInt32();
            if (count < 0 || count > reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new CheckpointException(path, $"the history claims {count} epochs");
            }

            var epochs = new List<EpochReport>(count);
            for (int i = 0; i < count; i++)
            {
                epochs.Add(new EpochReport(
                    reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(),
                    reader.ReadDouble(), reader.ReadDouble()));
            }

            return epochs;
        });

        return new Saved(tower, keys, rows, epochs);
    }

    private sealed record Row(int Step, int Epoch, float Loss, double[] Values);

    private sealed record Saved(string Tower, string[] Keys, List<Row> Rows, List<EpochReport> Epochs);
}
