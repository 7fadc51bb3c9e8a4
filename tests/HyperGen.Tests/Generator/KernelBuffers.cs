using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HyperGen.Tests.Generator;

/// <summary>
/// The buffers one call of a generated kernel updates: n weights, n gradients, each state variable's n values and,
/// optionally, each hyperparameter's n partials (state k of element i at <c>State[k * n + i]</c>, partial j at
/// <c>Partials[j * n + i]</c>).
/// </summary>
internal sealed class KernelBuffers<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public KernelBuffers(int length, int states, int hypers)
    {
        Length = length;
        Weights = new T[length];
        Gradients = new T[length];
        State = new T[states * length];
        Partials = new T[hypers * length];
    }

    public int Length { get; }

    public T[] Weights { get; private init; }

    public T[] Gradients { get; private init; }

    public T[] State { get; private init; }

    public T[] Partials { get; private init; }

    public KernelBuffers<T> Clone() => new(Length, 0, 0)
    {
        Weights = (T[])Weights.Clone(),
        Gradients = (T[])Gradients.Clone(),
        State = (T[])State.Clone(),
        Partials = (T[])Partials.Clone(),
    };

    public KernelBuffers<TOther> Convert<TOther>()
        where TOther : unmanaged, IFloatingPointIeee754<TOther> => new(Length, 0, 0)
        {
            Weights = Array.ConvertAll(Weights, TOther.CreateChecked),
            Gradients = Array.ConvertAll(Gradients, TOther.CreateChecked),
            State = Array.ConvertAll(State, TOther.CreateChecked),
            Partials = Array.ConvertAll(Partials, TOther.CreateChecked),
        };

    public T StateOf(int k, int i) => State[(k * Length) + i];

    public T PartialOf(int j, int i) => Partials[(j * Length) + i];

    /// <summary>Runs the kernel in place, recording partials when <paramref name="withPartials"/>.</summary>
    public void Step(IStepKernel<T> kernel, ReadOnlySpan<T> raw, int stepIndex, bool withPartials)
    {
        ref T state = ref State.Length == 0 ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetArrayDataReference(State);
        ref T weights = ref MemoryMarshal.GetArrayDataReference(Weights);
        ref T gradients = ref MemoryMarshal.GetArrayDataReference(Gradients);

        // As towers do: a step with no partials to record (none wanted, or no hyperparameter) is the plain step.
        LevelChunk<T> chunk = withPartials && Partials.Length > 0
            ? new LevelChunk<T>(ref weights, in gradients, ref state, Length, ref MemoryMarshal.GetArrayDataReference(Partials), Length, Length)
            : new LevelChunk<T>(ref weights, in gradients, ref state, Length, Length);
        kernel.Step(in chunk, raw, stepIndex);
    }
}
