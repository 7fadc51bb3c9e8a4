using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HyperGen.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp;

/// <summary>
/// One group's tower over CPU tensors of one precision, stepping their storage in place: no copy, and after the
/// first step no allocation and no tensor.
/// </summary>
/// <remarks>
/// <para>
/// Flat (the default): the parameters are re-homed at construction onto views of one flat weight tensor, and their
/// gradients onto views of one flat gradient tensor (in the same order), so the tower takes its one-span step. The
/// parameters keep their identity, shapes and values; autograd accumulates into the flat gradient in place.
/// Per tensor: the tower steps each parameter's own storage through a <see cref="NativeMemory{T}"/>.
/// </para>
/// <para>
/// Writes through a span do not go through autograd, so they do not advance a parameter's version counter, and a
/// graph that saved a parameter before the step would silently compute with its new values. After every step
/// that changed the weights, the group runs one in-place operation on an empty view of each parameter (made once,
/// from <c>detach()</c>, which shares the parameter's counter): that advances the counter at no cost, and such a
/// graph then fails in backward as it does after torch.optim's steps.
/// </para>
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal sealed unsafe class GroupTower<T> : GroupTower
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Parameter[] _parameters;
    private readonly int[] _sizes;
    private readonly long[] _offsets;
    private readonly Tower<T> _tower;
    private readonly ScalarType _dtype;

    /// <summary>Where each parameter's weights and gradient were when last bound: what a step checks, one compare each.</summary>
    private readonly IntPtr[] _weightAt;
    private readonly IntPtr[] _gradientAt;

    /// <summary>An empty view of each parameter that shares its version counter (see the remarks).</summary>
    private readonly Tensor[] _versionViews;

    // Flat: the two buffers, and their first elements.
    private readonly Tensor? _flatWeights;
    private readonly Tensor? _flatGradients;
    private readonly T* _w;
    private readonly T* _g;

    // Per tensor: the memories the tower's several-tensor step reads.
    private readonly NativeMemory<T>[] _weightMemory = [];
    private readonly NativeMemory<T>[] _gradientMemory = [];
    private readonly Memory<T>[] _weights = [];
    private readonly ReadOnlyMemory<T>[] _gradients = [];

    public GroupTower(IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names, TowerSpec spec, bool flatten)
        : base(spec, names, flatten)
    {
        int count = parameters.Count;
        _parameters = new Parameter[count];
        _sizes = new int[count];
        _offsets = new long[count];
        _weightAt = new IntPtr[count];
        _gradientAt = new IntPtr[count];
        _versionViews = new Tensor[count];
        _dtype = parameters[0].dtype;
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            _parameters[i] = parameters[i];
            _sizes[i] = checked((int)parameters[i].numel());
            _offsets[i] = total;
            total += _sizes[i];
        }

        _tower = flatten ? new Tower<T>(spec, (int)total) : new Tower<T>(spec, _sizes);
        using (no_grad())
        {
            if (flatten)
            {
                _flatWeights = empty(total, _dtype);
                _flatGradients = zeros(total, _dtype);
                _w = (T*)NativeTensors.Data(_flatWeights.Handle);
                _g = (T*)NativeTensors.Data(_flatGradients.Handle);
                for (int i = 0; i < count; i++)
                {
                    RehomeWeights(i);
                    RehomeGradient(i);
                }
            }
            else
            {
                _weightMemory = new NativeMemory<T>[count];
                _gradientMemory = new NativeMemory<T>[count];
                _weights = new Memory<T>[count];
                _gradients = new ReadOnlyMemory<T>[count];
                for (int i = 0; i < count; i++)
                {
                    _weightMemory[i] = new NativeMemory<T>();
                    _gradientMemory[i] = new NativeMemory<T>();
                    BindWeights(i);

                    // A parameter the loss does not reach gets a zero gradient rather than none, as in the flat
                    // layout, so that every step finds one (and backward accumulates into it in place from then on).
                    using Tensor? gradient = _parameters[i].grad;
                    if (gradient is null)
                    {
                        _parameters[i].grad = zeros_like(_parameters[i]);
                    }

                    BindGradient(i);
                    _weights[i] = _weightMemory[i].Memory;
                    _gradients[i] = _gradientMemory[i].Memory;
                }
            }

            for (int i = 0; i < count; i++)
            {
                using Tensor detached = _parameters[i].detach();
                using Tensor line = detached.view(-1);
                _versionViews[i] = line.narrow(0, 0, 0);
            }
        }
    }

    public override IReadOnlyList<TowerLevel> Levels => _tower.Levels;

    public override Type ElementType => typeof(T);

    public override object Tower => _tower;

    public override NonFinitePolicy NonFinitePolicy
    {
        get => _tower.NonFinitePolicy;
        set => _tower.NonFinitePolicy = value;
    }

    public override int StepCount => _tower.StepCount;

    public override long SkippedStepCount => _tower.SkippedStepCount;

    public override void Prepare()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            IntPtr handle = _parameters[i].Handle;
            if (NativeTensors.Data(handle) != _weightAt[i])
            {
                Rebind(i, weights: true);
            }

            if (!NativeTensors.TryGetGradientData(handle, out IntPtr gradient))
            {
                throw new InvalidOperationException(
                    $"{TensorRules.Describe(Names[i], _parameters[i])} has no gradient: call loss.backward() before step(), and clear gradients " +
                    "with the optimizer's zero_grad() (which zeroes them) rather than setting them to none.");
            }

            if (gradient != _gradientAt[i])
            {
                Rebind(i, weights: false);
            }
        }
    }

    public override void Step(double? loss)
    {
        int before = _tower.StepCount;
        if (IsFlat)
        {
            int total = _tower.ParameterCount;
            var weights = new Span<T>(_w, total);
            var gradients = new ReadOnlySpan<T>(_g, total);
            if (loss is double value)
            {
                _tower.Step(weights, gradients, T.CreateTruncating(value));
            }
            else
            {
                _tower.Step(weights, gradients);
            }
        }
        else if (loss is double value)
        {
            _tower.Step(_weights, _gradients, T.CreateTruncating(value));
        }
        else
        {
            _tower.Step(_weights, _gradients);
        }

        if (_tower.StepCount != before)
        {
            foreach (Tensor view in _versionViews)
            {
                view.abs_();
            }
        }
    }

    public override void ZeroGradients()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            IntPtr handle = _parameters[i].Handle;
            if (!NativeTensors.TryGetGradientData(handle, out IntPtr gradient))
            {
                continue;
            }

            if (gradient == _gradientAt[i])
            {
                if (!IsFlat)
                {
                    new Span<T>((void*)gradient, _sizes[i]).Clear();
                }

                continue;
            }

            // A gradient the group does not hold (replaced since the last step): through torch, whatever its layout.
            using Tensor moved = _parameters[i].grad!;
            moved.zero_().Dispose();
        }

        if (IsFlat)
        {
            new Span<T>(_g, _tower.ParameterCount).Clear();
        }
    }

    public override byte[] SaveState()
    {
        // The weights as they are now, wherever each parameter's storage is (the checkpoint's weight section).
        var weights = new T[_tower.ParameterCount];
        for (int i = 0; i < _parameters.Length; i++)
        {
            var source = new ReadOnlySpan<T>((void*)NativeTensors.Data(_parameters[i].Handle), _sizes[i]);
            source.CopyTo(weights.AsSpan((int)_offsets[i], _sizes[i]));
        }

        var checkpoint = new CheckpointWriter();
        TowerCheckpoint.Write<T>(checkpoint, _tower, weights);
        return checkpoint.ToArray();
    }

    public override void LoadState(byte[] state, string source)
    {
        // The checkpoint's weights are read and dropped: the model's load restores the parameters.
        CheckpointReader checkpoint = CheckpointReader.Parse(source, state);
        TowerCheckpoint.Read(checkpoint, _tower, new T[_tower.ParameterCount]);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        foreach (Tensor view in _versionViews)
        {
            view?.Dispose();
        }

        // The parameters keep the flat storage alive; these are only the group's own handles on it.
        _flatWeights?.Dispose();
        _flatGradients?.Dispose();
    }

    /// <summary>Binds a tensor that moved since the last step, after checking it still follows every rule.</summary>
    private void Rebind(int i, bool weights)
    {
        Parameter p = _parameters[i];
        string what = weights ? "parameter" : "gradient";
        using Tensor? moved = weights ? null : p.grad;
        Tensor tensor = weights ? p : moved!;
        try
        {
            TensorRules.Check(tensor, Names[i], _dtype, what);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }

        if (tensor.numel() != _sizes[i])
        {
            throw new InvalidOperationException(
                $"The {what} of {TensorRules.Describe(Names[i], p)} now has {tensor.numel()} elements; the optimizer was made for {_sizes[i]}.");
        }

        using (no_grad())
        {
            if (IsFlat && weights)
            {
                RehomeWeights(i);
            }
            else if (IsFlat)
            {
                RehomeGradient(i);
            }
            else if (weights)
            {
                BindWeights(i);
            }
            else
            {
                BindGradient(i);
            }
        }
    }

    /// <summary>Copies parameter <paramref name="i"/> into its place in the flat weights and makes that place its storage.</summary>
    private void RehomeWeights(int i)
    {
        Parameter p = _parameters[i];
        using Tensor slice = _flatWeights!.narrow(0, _offsets[i], _sizes[i]);
        using Tensor view = slice.view(p.shape);
        view.copy_(p);
        p.set_(view);
        _weightAt[i] = (IntPtr)(_w + _offsets[i]);
    }

    /// <summary>Copies parameter <paramref name="i"/>'s gradient (if any) into the flat gradients and makes that place its gradient.</summary>
    private void RehomeGradient(int i)
    {
        Parameter p = _parameters[i];
        using Tensor slice = _flatGradients!.narrow(0, _offsets[i], _sizes[i]);
        using Tensor view = slice.view(p.shape);
        using (Tensor? gradient = p.grad)
        {
            if (gradient is null)
            {
                view.zero_().Dispose();
            }
            else
            {
                view.copy_(gradient);
            }
        }

        p.grad = view;
        _gradientAt[i] = (IntPtr)(_g + _offsets[i]);
    }

    private void BindWeights(int i)
    {
        IntPtr at = AddressOf(_parameters[i]);
        _weightAt[i] = at;
        _weightMemory[i].Point(at, _sizes[i]);
    }

    private void BindGradient(int i)
    {
        using Tensor gradient = _parameters[i].grad!;
        IntPtr at = AddressOf(gradient);
        _gradientAt[i] = at;
        _gradientMemory[i].Point(at, _sizes[i]);
    }

    /// <summary>The first element of a checked tensor, through the span TorchSharp gives over its storage.</summary>
    private static IntPtr AddressOf(Tensor tensor)
    {
        Span<T> values = MemoryMarshal.Cast<byte, T>(tensor.bytes);
        return values.IsEmpty ? NativeTensors.Data(tensor.Handle) : (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(values));
    }
}
