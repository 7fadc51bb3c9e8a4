using System;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Kernels;

/// <content>Moving a running tower's state to and from a CPU <see cref="Tower{T}"/> (checkpoints, or a change of device).</content>
public sealed partial class GpuTower<T>
{
    /// <summary>
    /// Waits for the device and copies this tower's running state into <paramref name="tower"/>, a CPU tower built from
    /// the same specification over as many weights (one tensor): every level's step count, hyperparameters,
    /// hypergradient, state, stored partials and bound hits, and what level 1 keeps for its next hypergradient. The
    /// CPU tower then continues the same run (to the rounding in which the two devices differ), and
    /// <c>TowerCheckpoint</c> saves it: a GPU run checkpoints in the CPU's format, and either device resumes it.
    /// </summary>
    /// <exception cref="ArgumentException">The CPU tower has another specification, size or tensor layout, or keeps level 1's partials another way.</exception>
    /// <exception cref="InvalidOperationException">A refused step has not been taken yet (<see cref="TakeRefusal"/>).</exception>
    public void CopyStateTo(Tower<T> tower)
    {
        CheckCompatible(tower);
        _accelerator.Synchronize();
        _refusal.View.AsContiguous().CopyToCPU(_refusalHost);
        if (_refusalHost[Refusal.Step] != 0)
        {
            throw new InvalidOperationException(
                $"Step {_refusalHost[Refusal.Step]} was refused and not taken yet: call TakeRefusal first, so the state copied is that of the last step taken.");
        }

        for (int index = 0; index < Depth; index++)
        {
            LevelState<T> cpu = tower.LevelStateAt(index);
            GpuLevelViews<T> gpu = _levels[index].Views;
            cpu.StepCount = StepCount;
            Download(gpu.Raw, cpu.Raw);
            Download(gpu.Hypergradient.SubView(0, cpu.Hypergradient.Length), cpu.Hypergradient);
            ArrayView<T> state = index == 0 && RecomputesPartials ? _inputs[_parity] : gpu.State;
            for (int k = 0; k < cpu.StateCount; k++)
            {
                Download(state.SubView((long)k * cpu.Count, cpu.Count), cpu.StateVariable(k));
            }

            for (int j = 0; j < cpu.PartialCount; j++)
            {
                Download(gpu.Partials.SubView((long)j * cpu.Count, cpu.Count), cpu.Partial(j));
            }

            if (cpu.RecomputesPartials)
            {
                // The next reduction reads the state before the last update, its gradient and its hyperparameters,
                // which are still level 1's (the upper levels change them only in the next step).
                for (int k = 0; k < cpu.StateCount; k++)
                {
                    Download(_inputs[1 - _parity].SubView((long)k * cpu.Count, cpu.Count), cpu.PreviousStateVariable(k));
                }

                Download(_savedGradients[_parity], cpu.PreviousGradients);
                cpu.Raw.CopyTo(cpu.PreviousRaw, 0);
                cpu.PreviousStepIndex = StepCount;
            }

            var hits = new int[cpu.HyperCount];
            _boundHits.View.SubView(_plan.Levels[index].HyperAt, hits.Length).CopyToCPU(hits);
            tower.Levels[index].Bounds.SetHits(Array.ConvertAll(hits, count => (long)count));
        }
    }

    /// <summary>
    /// Replaces this tower's running state with <paramref name="tower"/>'s (a CPU tower built from the same
    /// specification over as many weights, restored from a checkpoint, say): the next <see cref="Step"/> continues
    /// that run. Clears any refusal not taken.
    /// </summary>
    /// <exception cref="ArgumentException">The CPU tower has another specification, size or tensor layout, or keeps level 1's partials another way.</exception>
    public void CopyStateFrom(Tower<T> tower)
    {
        CheckCompatible(tower);
        _accelerator.Synchronize();
        StepCount = tower.StepCount;
        _parity = 0;
        for (int index = 0; index < Depth; index++)
        {
            LevelState<T> cpu = tower.LevelStateAt(index);
            GpuLevelViews<T> gpu = _levels[index].Views;
            Upload(cpu.Raw, gpu.Raw);
            Upload(cpu.Hypergradient, gpu.Hypergradient.SubView(0, cpu.Hypergradient.Length));
            ArrayView<T> state = index == 0 && RecomputesPartials ? _inputs[0] : gpu.State;
            for (int k = 0; k < cpu.StateCount; k++)
            {
                Upload(cpu.StateVariable(k), state.SubView((long)k * cpu.Count, cpu.Count));
            }

            for (int j = 0; j < cpu.PartialCount; j++)
            {
                Upload(cpu.Partial(j), gpu.Partials.SubView((long)j * cpu.Count, cpu.Count));
            }

            if (cpu.RecomputesPartials)
            {
                // Parity 0: the current state in the first buffer, the previous one in the second, and the previous
                // gradient after the first buffer's state, where the next reduction reads them.
                for (int k = 0; k < cpu.StateCount; k++)
                {
                    Upload(cpu.PreviousStateVariable(k), _inputs[1].SubView((long)k * cpu.Count, cpu.Count));
                }

                Upload(cpu.PreviousGradients, _savedGradients[0]);
            }

            int[] hits = new int[cpu.HyperCount];
            for (int j = 0; j < hits.Length; j++)
            {
                hits[j] = (int)Math.Min(int.MaxValue, tower.Levels[index].GetBoundHits(j));
            }

            _boundHits.View.SubView(_plan.Levels[index].HyperAt, hits.Length).CopyFromCPU(hits);
        }

        // What a refused step puts back is now this state.
        SaveUpperPart();
        _refusal.View.AsContiguous().CopyFromCPU(Refusal.Clear());
        _accelerator.Synchronize();
    }

    /// <summary>
    /// Enqueues a copy of the upper part (every raw hyperparameter and hypergradient, the upper levels' state and
    /// partials) into what EndUpperStep puts back after a refused step, in its packing.
    /// </summary>
    private void SaveUpperPart()
    {
        if (Depth == 1)
        {
            return;
        }

        long at = 0;
        foreach (ArrayView<T> live in new[] { _raw, _hypergradients, _upperState, _upperPartials })
        {
            live.CopyTo(_savedUpper.SubView(at, live.Length));
            at += live.Length;
        }
    }

    private void CheckCompatible(Tower<T> tower)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tower);
        if (tower.Spec.ToString() != Spec.ToString() || tower.ParameterCount != ParameterCount || tower.TensorSizes.Count != 1)
        {
            throw new ArgumentException(
                $"The CPU tower ({tower.Spec}, {tower.ParameterCount} weights in {tower.TensorSizes.Count} tensors) is not this GPU tower's shape ({Spec}, {ParameterCount} weights in one tensor).",
                nameof(tower));
        }

        if (Depth > 1 && tower.LevelStateAt(0).RecomputesPartials != RecomputesPartials)
        {
            throw new ArgumentException(
                $"The CPU tower {(RecomputesPartials ? "stores" : "recomputes")} level 1's partials ({Spec.Levels[0].Definition.Name}) where this GPU tower " +
                $"{(RecomputesPartials ? "recomputes" : "stores")} them; their running states do not translate.",
                nameof(tower));
        }
    }

    private static void Download(ArrayView<T> source, Span<T> destination)
    {
        if (!destination.IsEmpty)
        {
            source.CopyToCPU(destination);
        }
    }

    private static void Upload(ReadOnlySpan<T> source, ArrayView<T> destination)
    {
        if (!source.IsEmpty)
        {
            destination.CopyFromCPU(source);
        }
    }
}
