using System;
using System.Buffers;
using System.IO;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace HyperGen.Cli.Commands.Trace;

/// <summary>
/// Trains a tower on a <see cref="QuadraticProblem"/> and writes, for every step, the loss and the hyperparameters
/// each level used, as one JSON document: <c>{"trace":[{"t":1,"loss":L,"levels":[{..},..]},..],"w":[..]}</c>.
/// </summary>
internal static class TraceRunner
{
    /// <summary>Bytes buffered before they go to the output, so long traces stream instead of piling up.</summary>
    private const int FlushThreshold = 1 << 16;

    /// <summary>Runs the trace in precision <typeparamref name="T"/> (float or double).</summary>
    /// <param name="spec">The tower.</param>
    /// <param name="problem">The problem, with its number of steps.</param>
    /// <param name="output">Receives the JSON document.</param>
    /// <param name="options">Whether to stop at the first non-finite step, and how to lay out the JSON.</param>
    public static TraceOutcome Run<T>(TowerSpec spec, QuadraticProblem problem, TextWriter output, TraceOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // By default the first step that meets a NaN or an infinity ends the trace, and the tower says where it met
        // it (Throw). --keep-going shows a diverging run to its end instead: such a step is skipped and leaves the
        // tower as it was, and the non-finite losses are written as strings.
        var tower = new Tower<T>(spec, problem.Size)
        {
            NonFinitePolicy = options.KeepGoing ? NonFinitePolicy.SkipStep : NonFinitePolicy.Throw,
        };
        var weights = new T[problem.Size];
        var gradient = new T[problem.Size];
        var before = new T[problem.Size];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = T.CreateTruncating(problem.InitialWeights[i]);
        }

        int? firstNonFinite = null;
        TraceStop? stop = null;
        var buffer = new ArrayBufferWriter<byte>(FlushThreshold * 2);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = options.Indented }))
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
                if (options.KeepGoing)
                {
                    tower.Step(weights, gradient);
                }
                else
                {
                    weights.CopyTo(before, 0);
                    stop = StepOrStop(tower, weights, gradient, loss, t);
                    if (stop is not null)
                    {
                        // The tower's refusal changed nothing; an update that overflowed did, and is taken back, so
                        // that "w" holds the weights after the last step written.
                        before.CopyTo(weights, 0);
                        break;
                    }
                }

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
        return new TraceOutcome(firstNonFinite, stop);
    }

    /// <summary>
    /// Takes step <paramref name="t"/>, or says why it is the trace's last: the tower refused it (a NaN or an
    /// infinity in the loss, a gradient, a hyperparameter or a hypergradient, named in the tower's own words), or
    /// it wrote a value the trace cannot hold, which the tower does not check (a weight, or a hyperparameter that
    /// is finite as learned but not in its domain, as <c>r * r</c> overflows for a Squared one).
    /// </summary>
    private static TraceStop? StepOrStop<T>(Tower<T> tower, Span<T> weights, ReadOnlySpan<T> gradient, double loss, int t)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            // The trace reports the loss in double whatever the precision, so it is judged in double: only a loss
            // that is not finite there goes to the tower, to be refused with the tower's description.
            if (double.IsFinite(loss))
            {
                tower.Step(weights, gradient);
            }
            else
            {
                tower.Step(weights, gradient, T.CreateTruncating(loss));
            }
        }
        catch (NonFiniteStepException e)
        {
            return new TraceStop(t, e.Message);
        }

        for (int i = 0; i < weights.Length; i++)
        {
            if (!T.IsFinite(weights[i]))
            {
                return new TraceStop(t, $"Level 1's update of weight {i} is not finite: step {t} was refused and changed nothing.");
            }
        }

        for (int level = 0; level < tower.Levels.Count; level++)
        {
            foreach (var (name, value) in tower.Levels[level].GetValues())
            {
                if (!double.IsFinite(value))
                {
                    return new TraceStop(t, $"Level {level + 1}'s hyperparameter '{name}' is not finite in its domain: step {t} was refused and changed nothing.");
                }
            }
        }

        return null;
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

/// <summary>How <see cref="TraceRunner"/> runs and writes a trace.</summary>
/// <param name="KeepGoing">Trace every step, skipping those the tower refuses, instead of stopping at the first.</param>
/// <param name="Indented">Indent the JSON for a reader rather than a program.</param>
internal sealed record TraceOptions(bool KeepGoing, bool Indented);

/// <summary>How a trace ended.</summary>
/// <param name="FirstNonFiniteLoss">With <see cref="TraceOptions.KeepGoing"/>, the first step whose loss was not finite (written as a string).</param>
/// <param name="Stop">Without it, why the trace stopped before its last step; null when every step was written.</param>
internal sealed record TraceOutcome(int? FirstNonFiniteLoss, TraceStop? Stop);

/// <summary>The step a trace stopped at, which it did not write, and what in it was not finite.</summary>
/// <param name="Step">The 1-based step.</param>
/// <param name="Reason">One sentence: which quantity, of which level, at which step (the tower's words where it refused the step).</param>
internal sealed record TraceStop(int Step, string Reason);
