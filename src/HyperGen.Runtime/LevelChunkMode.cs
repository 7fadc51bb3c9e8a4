namespace HyperGen;

/// <summary>What a <see cref="LevelChunk{T}"/>'s kernel writes besides the new weights and state.</summary>
public enum LevelChunkMode
{
    /// <summary>Nothing more: the weights and the state, in place (no level above learns the hyperparameters).</summary>
    Plain,

    /// <summary>The partial of each new weight with respect to each raw hyperparameter, for the level above.</summary>
    RecordPartials,

    /// <summary>The new state to another buffer, keeping the old one (and, when asked, a copy of the gradients), for the next step to recompute the partials.</summary>
    KeepInputs,
}
