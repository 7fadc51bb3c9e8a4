using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace HyperGen.TorchSharp;

/// <content>A group's options, the group itself, and the per-parameter state entries TorchSharp's state dictionary lists.</content>
public sealed partial class HyperOptimizer
{
    /// <summary>The options of one parameter group: its tower, and whether its parameters are re-homed onto one buffer.</summary>
    /// <remarks>
    /// <see cref="OptimizerOptions.LearningRate"/> is the top level's alpha (see <see cref="HyperOptimizer"/>); it
    /// starts at that alpha's initial value, and a change is written into the tower at the next step.
    /// </remarks>
    public sealed class Options : OptimizerOptions
    {
        /// <summary>The group's tower; the optimizer's default when null.</summary>
        public TowerSpec? Tower { get; set; }

        /// <summary>Whether to re-home the group's parameters onto one flat buffer; the optimizer's default when null.</summary>
        public bool? Flatten { get; set; }

        /// <summary>Writes the learning rates and the tower's text (checked on load).</summary>
        public override void SaveStateDict(BinaryWriter writer)
        {
            ArgumentNullException.ThrowIfNull(writer);
            base.SaveStateDict(writer);
            writer.Write(Tower?.ToString() ?? "");
            writer.Write(Flatten ?? true);
        }

        /// <summary>Reads what <see cref="SaveStateDict(BinaryWriter)"/> wrote, checking it was saved for the same tower.</summary>
        /// <exception cref="InvalidDataException">The options were saved for another tower or layout.</exception>
        public override void LoadStateDict(BinaryReader reader)
        {
            ArgumentNullException.ThrowIfNull(reader);
            double initial = reader.ReadDouble();
            double current = reader.ReadDouble();
            string tower = reader.ReadString();
            bool flatten = reader.ReadBoolean();
            Check(tower, flatten);
            InitialLearningRate = initial;
            LearningRate = current;
        }

        /// <summary>Takes the learning rates of another optimizer's group of the same tower.</summary>
        /// <exception cref="ArgumentException">The source is not a HyperOptimizer group's options, or is for another tower.</exception>
        public override void LoadStateDict(OptimizerOptions source)
        {
            if (source is not Options options)
            {
                throw new ArgumentException($"A HyperOptimizer group loads HyperOptimizer.Options, not {source?.GetType().Name ?? "null"}.", nameof(source));
            }

            Check(options.Tower?.ToString() ?? "", options.Flatten ?? true);
            base.LoadStateDict(source);
        }

        private void Check(string tower, bool flatten)
        {
            if (tower != (Tower?.ToString() ?? ""))
            {
                throw new InvalidDataException($"The optimizer state was saved for the tower {tower}, not {Tower}.");
            }

            if (flatten != (Flatten ?? true))
            {
                throw new InvalidDataException(
                    $"The optimizer state was saved with flatten: {flatten.ToString().ToLowerInvariant()}; this optimizer has flatten: {(Flatten ?? true).ToString().ToLowerInvariant()}.");
            }
        }
    }

    /// <summary>A parameter group with its own tower.</summary>
    public sealed class ParamGroup : ParamGroup<Options>, IBetas
    {
        /// <summary>An empty group; set <see cref="global::TorchSharp.Modules.ParamGroup.Parameters"/> (and options) before adding it.</summary>
        public ParamGroup()
        {
        }

        /// <summary>A group of <paramref name="parameters"/> with the given options (the optimizer's defaults where they say nothing).</summary>
        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null)
            : base(parameters, options ?? new Options())
        {
        }

        /// <summary>A group of <paramref name="parameters"/> with its own tower.</summary>
        /// <param name="parameters">The group's parameters.</param>
        /// <param name="tower">The group's tower, e.g. <c>adam(alpha=1e-4)/sgd(alpha=1e-6)</c>.</param>
        /// <param name="catalog">The optimizers the text may name; the built-in ones when null.</param>
        /// <param name="flatten">Whether to re-home the group's parameters onto one flat buffer.</param>
        public ParamGroup(IEnumerable<Parameter> parameters, string tower, OptimizerCatalog? catalog = null, bool flatten = true)
            : base(parameters, new Options { Tower = TowerSpec.Parse(tower, catalog), Flatten = flatten })
        {
        }

        /// <summary>The group's running tower's levels, bottom first (once the group is in an optimizer).</summary>
        /// <exception cref="InvalidOperationException">The group has not been added to an optimizer.</exception>
        public IReadOnlyList<TowerLevel> Levels => RunningTower.Levels;

        /// <summary>Whether the group's parameters were re-homed onto one flat weight buffer and one flat gradient buffer.</summary>
        public bool IsFlat => RunningTower.IsFlat;

        /// <summary>The group's top-level (beta1, beta2).</summary>
        /// <exception cref="InvalidOperationException">The top level has no betas, or the group has not been added to an optimizer.</exception>
        public (double, double) Betas
        {
            get => RunningTower.Betas;
            set => RunningTower.Betas = value;
        }

        internal GroupTower? Tower { get; set; }

        private GroupTower RunningTower =>
            Tower ?? throw new InvalidOperationException("The group has no tower until it is added to a HyperOptimizer.");
    }

    /// <summary>
    /// A parameter's entry in the state dictionary. A tower's state belongs to its whole group, so the group's first
    /// parameter carries it (as a HyperGen checkpoint: every level's hyperparameters, optimizer state, partials,
    /// hypergradients and step counts); every other parameter's entry records only where it is in the group, which a
    /// load checks.
    /// </summary>
    public sealed class State : OptimizerState
    {
        private const string Marker = "HyperGen.TorchSharp";
        private const int Version = 1;

        internal State(Parameter parameter, GroupTower tower, int group, int index)
            : base(parameter)
        {
            Tower = tower;
            Group = group;
            Index = index;
        }

        /// <summary>The group's index in the optimizer.</summary>
        public int Group { get; }

        /// <summary>The parameter's index in its group.</summary>
        public int Index { get; }

        internal GroupTower Tower { get; }

        private bool CarriesTower => Index == 0;

        /// <inheritdoc/>
        public override void Initialize(OptimizerOptions options)
        {
            // The group's tower is made, and starts from its spec's values, when the group is added.
        }

        /// <summary>Writes this entry: the group's tower (first parameter) or the parameter's place in its group.</summary>
        public override void SaveStateDict(BinaryWriter writer)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.Write(Marker);
            writer.Write(Version);
            writer.Write(Group);
            writer.Write(Index);
            writer.Write(_parameter.numel());
            if (CarriesTower)
            {
                writer.Write(Tower.AppliedLearningRate);
                byte[] state = Tower.SaveState();
                writer.Write(state.Length);
                writer.Write(state);
            }
        }

        /// <summary>Reads what <see cref="SaveStateDict(BinaryWriter)"/> wrote, checking it belongs to the same place of the same tower.</summary>
        /// <exception cref="InvalidDataException">The entry is not HyperGen's, or is for another group, parameter or tower.</exception>
        public override void LoadStateDict(BinaryReader reader)
        {
            ArgumentNullException.ThrowIfNull(reader);
            string where = $"the state of parameter {Index} of group {Group}";
            if (reader.ReadString() != Marker)
            {
                throw new InvalidDataException($"{where} is not a HyperOptimizer's.");
            }

            int version = reader.ReadInt32();
            if (version != Version)
            {
                throw new InvalidDataException($"{where} has format version {version}; this library reads version {Version}.");
            }

            int group = reader.ReadInt32();
            int index = reader.ReadInt32();
            long count = reader.ReadInt64();
            if (group != Group || index != Index || count != _parameter.numel())
            {
                throw new InvalidDataException(
                    $"{where} was saved as parameter {index} of group {group} with {count} elements; this one has {_parameter.numel()}.");
            }

            if (CarriesTower)
            {
                double applied = reader.ReadDouble();
                int length = reader.ReadInt32();
                byte[] state = reader.ReadBytes(length);
                if (state.Length != length)
                {
                    throw new EndOfStreamException($"{where} ends before its tower's state.");
                }

                Tower.LoadState(state, $"optimizer state (group {Group})");
                Tower.AppliedLearningRate = applied;
            }
        }

        /// <summary>Takes the state of the same place in another HyperOptimizer of the same tower.</summary>
        public override void LoadStateDict(OptimizerState source)
        {
            if (source is not State state || state.Group != Group || state.Index != Index)
            {
                throw new ArgumentException($"The state of parameter {Index} of group {Group} loads the same place of another HyperOptimizer.", nameof(source));
            }

            if (CarriesTower)
            {
                Tower.LoadState(state.Tower.SaveState(), $"the state of another optimizer's group {Group}");
                Tower.AppliedLearningRate = state.Tower.AppliedLearningRate;
            }
        }

        /// <summary>Whether <paramref name="other"/> holds the same tower state, bit for bit.</summary>
        public override bool ApproximatelyEquals(OptimizerState other) =>
            other is State state && state.Group == Group && state.Index == Index
            && (!CarriesTower || Tower.SaveState().AsSpan().SequenceEqual(state.Tower.SaveState()));

        /// <summary>Only the CPU: a tower steps CPU tensors in place.</summary>
        /// <exception cref="NotSupportedException">The device is not the CPU.</exception>
        public override void to(Device device)
        {
            ArgumentNullException.ThrowIfNull(device);
            if (device.type != DeviceType.CPU)
            {
                throw new NotSupportedException($"HyperGen.TorchSharp steps CPU tensors in place; it does not yet move a tower to {device}.");
            }
        }
    }
}
