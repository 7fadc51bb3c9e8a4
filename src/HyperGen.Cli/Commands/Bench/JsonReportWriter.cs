using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using HyperGen.Bench;

namespace HyperGen.Cli.Commands.Bench;

/// <summary>
/// Writes a <see cref="BenchReport"/> as JSON: <c>copy_gbps</c> (the copy at the largest N), <c>rows</c> (plain
/// Adam as <c>plain-adam</c> at depth 0, then the towers, each with its floor's time and the ratio to it), the copy at
/// every N under <c>copy</c>, the floors under <c>floors</c>, the upper levels' own cost under <c>upper_levels</c>, and
/// what ran where.
/// </summary>
internal static class JsonReportWriter
{
    public static string Write(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            BenchRow[] copies = report.Rows.Where(r => r.IsCopy).ToArray();
            json.WriteStartObject();
            json.WritePropertyName("copy_gbps");
            JsonNumbers.Write(json, copies.MaxBy(r => r.N)!.GigabytesPerSecond);

            json.WriteStartArray("rows");
            foreach (BenchRow row in report.Rows.Where(r => !r.IsCopy))
            {
                json.WriteStartObject();
                json.WriteString("optimizer", row.Operation);
                json.WriteNumber("depth", row.Depth);
                json.WriteNumber("n", row.N);
                WriteMeasurement(json, row);
                json.WritePropertyName("ratio_to_plain_adam");
                JsonNumbers.Write(json, row.RatioToPlainAdam);

                // Null where no floor was measured: plain Adam, and every row on a GPU.
                WriteOptional(json, "floor_ms", row.FloorMilliseconds);
                WriteOptional(json, "ratio_to_floor", row.RatioToFloor);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("copy");
            foreach (BenchRow row in copies)
            {
                json.WriteStartObject();
                json.WriteNumber("n", row.N);
                json.WriteString("stores", row.CopyStores);
                WriteMeasurement(json, row);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("floors");
            foreach (FloorRow floor in report.Floors)
            {
                json.WriteStartObject();
                json.WriteNumber("n", floor.Measurement.N);
                json.WriteNumber("first_pass_reads", floor.Traffic.FirstPassReads);
                json.WriteNumber("update_reads", floor.Traffic.UpdateReads);
                json.WriteNumber("update_overwrites", floor.Traffic.UpdateOverwrites);
                json.WriteNumber("update_write_only", floor.Traffic.UpdateWriteOnly);
                json.WriteString("stores", floor.Stores);
                WriteMeasurement(json, floor.Measurement);
                json.WritePropertyName("ratio_to_plain_adam");
                JsonNumbers.Write(json, floor.Measurement.RatioToPlainAdam);
                json.WriteStartArray("towers");
                foreach (BenchRow tower in floor.Towers)
                {
                    json.WriteStartObject();
                    json.WriteString("optimizer", tower.Operation);
                    json.WriteNumber("depth", tower.Depth);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("upper_levels");
            foreach (UpperLevelCost cost in report.UpperLevels)
            {
                json.WriteStartObject();
                json.WriteString("optimizer", cost.Optimizer);
                json.WriteNumber("shallow_depth", cost.ShallowDepth);
                json.WriteNumber("deep_depth", cost.DeepDepth);
                json.WriteNumber("n", cost.N);
                json.WritePropertyName("shallow_us");
                JsonNumbers.Write(json, cost.ShallowMicroseconds);
                json.WritePropertyName("deep_us");
                JsonNumbers.Write(json, cost.DeepMicroseconds);
                json.WritePropertyName("extra_us");
                JsonNumbers.Write(json, cost.ExtraMicroseconds);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            BenchMachine machine = report.Machine;
            json.WriteString("precision", report.Plan.Precision);
            json.WriteString("above", report.Plan.Shape.ToString());
            json.WriteNumber("budget_ms", report.Plan.Budget.TotalMilliseconds);
            json.WriteString("device", machine.Gpu is null ? "cpu" : "gpu");
            if (machine.Gpu is not null)
            {
                json.WriteString("gpu", machine.Gpu);
            }

            json.WriteString("cpu", machine.Cpu);
            json.WriteNumber("logical_cores", machine.LogicalCores);
            json.WriteNumber("threads", machine.Threads);
            json.WriteNumber("vector_bits", machine.VectorBits);
            json.WriteString("runtime", machine.Runtime);
            json.WriteString("started_utc", machine.StartedUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("elapsed_s", report.Elapsed.TotalSeconds);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, double? value)
    {
        json.WritePropertyName(name);
        if (value is { } number)
        {
            JsonNumbers.Write(json, number);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void WriteMeasurement(Utf8JsonWriter json, BenchRow row)
    {
        json.WritePropertyName("median_ms");
        JsonNumbers.Write(json, row.MedianMilliseconds);
        json.WriteNumber("bytes_per_param", row.BytesPerParameter);
        json.WritePropertyName("gbps");
        JsonNumbers.Write(json, row.GigabytesPerSecond);
        json.WritePropertyName("fraction_of_copy");
        JsonNumbers.Write(json, row.FractionOfCopy);
        json.WritePropertyName("allocated_bytes_per_step");
        JsonNumbers.Write(json, row.Timing.AllocatedBytesPerStep);
        json.WriteNumber("repetitions", row.Timing.Repetitions);
        json.WriteNumber("steps_per_repetition", row.Timing.StepsPerRepetition);
        json.WriteBoolean("interleaved", row.Interleaved);
    }
}
