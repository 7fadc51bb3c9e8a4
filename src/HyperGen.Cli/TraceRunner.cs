using System;
using System.Buffers;
using System.IO;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace HyperGen.Cli;

/// <summary>
/// Trains a tower on a <see cref="QuadraticProblem"/> and writes, for every step, the loss and the hyperparameters
/// each level used, as one JSON document: <c>{"trace":[{"t":1,"loss":L,"levels":[{..},..]},..],"w":[..]}</c>.
/// </summary>
internal static class TraceRunner
{
    /// <summary>Bytes buffered before they go to the output, so long traces stream instead of piling up.</summary>
    private const int FlushThreshold = 1 << 16;

    /// <summary>Runs the trace in precision <typeparamref name="T"/> (float or double).</summary>
    /// <returns>The first step whose loss is not finite, or null when every loss is finite.</returns>
    public static int? Run<T>(TowerSpec spec, QuadraticProblem problem, TextWriter output)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // A trace shows a diverging run to its end, with its non-finite losses, rather than stopping at the first
        // non-finite gradient: such a step is skipped and leaves the tower as it was.
        var tower = new Tower<T>(spec, problem.Size) { NonFinitePolicy = NonFinitePolicy.SkipStep };
        var weights = new T[problem.Size];
        var gradient = new T[problem.Size];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = T.CreateTruncating(problem.InitialWeights[i]);
        }

        int? firstNonFinite = null;
        var buffer = new ArrayBufferWriter<byte>(FlushThreshold * 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("trace");
            for (int t = 1; t <= problem.Steps; t++)
            {
                // The loss is the one the step trains on: at the weights before the update.
                double loss = problem.Loss<T>(weights, t);
                if (!double.IsFinite(loss))
                {
                    firstNonFinite ??= t;
                }

                problem.Gradient<T>(weights, t, gradient);
                tower.Step(weights, gradient);
                WriteStep(writer, tower, t, loss);
                if (writer.BytesPending + buffer.WrittenCount >= FlushThreshold)
                {
                    Drain(writer, buffer, output);
                }
            }

            writer.WriteEndArray();
            writer.WriteStartArray("w");
            foreach (T w in weights)
            {
                JsonNumbers.Write(writer, double.CreateTruncating(w));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            Drain(writer, buffer, output);
        }

        output.WriteLine();
        output.Flush();
        return firstNonFinite;
    }

    /// <summary>
    /// One trace entry. Hyperparameters are read after <see cref="Tower{T}.Step(Span{T}, ReadOnlySpan{T})"/>:
    /// the tower updates them top-down before the weights, so these are the values that step used.
    /// </summary>
    private static void WriteStep<T>(Utf8JsonWriter writer, Tower<T> tower, int t, double loss)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        writer.WriteStartObject();
        writer.WriteNumber("t", t);
        writer.WritePropertyName("loss");
        JsonNumbers.Write(writer, loss);
        writer.WriteStartArray("levels");
        foreach (TowerLevel level in tower.Levels)
        {
            writer.WriteStartObject();
            foreach (var (name, value) in level.GetValues())
            {
                writer.WritePropertyName(name);
                JsonNumbers.Write(writer, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Drain(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, TextWriter output)
    {
        writer.Flush();
        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        buffer.ResetWrittenCount();
    }
}
