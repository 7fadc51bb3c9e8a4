namespace HyperGen.Cli.Bench;

/// <summary>
/// Effective memory traffic per parameter and step: the elements an operation must read and write, each counted
/// once, in units of the element size. Caches, write-allocate reads and prefetching are not counted, so a rate
/// computed from these counts is comparable across operations and with the copy.
/// </summary>
/// <remarks>
/// The tower counts follow the algorithm <see cref="Tower{T}"/> runs today (design notes, section 3); whoever
/// changes how the tower moves its data must change <see cref="TowerElements"/> with it.
/// </remarks>
internal static class TrafficModel
{
    /// <summary>A copy reads one element and writes one.</summary>
    public const int CopyElements = 2;

    /// <summary>Plain Adam reads w, g, m, v and writes w, m, v.</summary>
    public const int PlainAdamElements = 7;

    /// <summary>
    /// Elements one tower step moves per parameter at level 1 (the levels above touch a handful of scalars), for a
    /// level-1 optimizer with <c>S</c> state variables and <c>H</c> hyperparameters.
    /// <list type="bullet">
    /// <item>Depth 1, an ordinary optimizer step: reads w, g and the S states, writes w and the S states: <c>3 + 2S</c>.</item>
    /// <item>Depth 2 and more, two passes. The hypergradient reduction reads g and the H partials that the previous
    /// step stored: <c>1 + H</c>. The update reads w, g and the S states and writes w, the S states and H new
    /// partials: <c>3 + 2S + H</c>. Together <c>4 + 2S + 2H</c>, whatever the depth.</item>
    /// </list>
    /// Adam (S = 2, H = 3): 7 elements at depth 1, 14 above; SGD and RMSProp (S = 1, H = 2): 5 and 10.
    /// </summary>
    public static int TowerElements(OptimizerDefinition levelOne, int depth)
    {
        int states = levelOne.StateVariables.Count;
        int hyperparameters = levelOne.HyperParameters.Count;
        return depth == 1 ? 3 + (2 * states) : 4 + (2 * states) + (2 * hyperparameters);
    }
}
