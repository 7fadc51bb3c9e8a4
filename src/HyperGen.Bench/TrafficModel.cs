namespace HyperGen.Bench;

/// <summary>
/// Effective memory traffic per parameter and step: the elements an operation must read and write, each counted
/// once, in units of the element size. Caches, write-allocate reads and prefetching are not counted, so a rate
/// computed from these counts is comparable across operations and with the copy.
/// </summary>
/// <remarks>
/// The tower counts follow the algorithm <see cref="Tower{T}"/> runs today (docs/performance.md, "The byte model"); whoever
/// changes how the tower moves its data must change <see cref="TowerTraffic"/> with it. <see cref="TrafficFloor{T}"/>
/// moves exactly these elements, pass by pass, so the bench measures what the counts cost without the arithmetic.
/// </remarks>
internal static class TrafficModel
{
    /// <summary>A copy reads one element and writes one.</summary>
    public const int CopyElements = 2;

    /// <summary>Plain Adam reads w, g, m, v and writes w, m, v.</summary>
    public const int PlainAdamElements = 7;

    /// <summary>
    /// Elements one tower step moves per parameter at level 1 (the levels above touch a handful of scalars), for a
    /// level-1 optimizer with <c>S</c> state variables and <c>H</c> hyperparameters, under the default non-finite
    /// policy (checked): the sum of <see cref="TowerTraffic"/>'s two passes.
    /// <list type="bullet">
    /// <item>Depth 1, an ordinary optimizer step: a scan of g for NaN and infinity (1), then the update reads w, g and
    /// the S states and writes w and the S states: <c>4 + 2S</c>.</item>
    /// <item>Depth 2 and more, two passes, whatever the depth, in one of two ways the generator chooses per optimizer
    /// (whichever moves fewer elements). Stored partials: the reduction reads g and the H partials the previous step
    /// wrote (<c>1 + H</c>); the update reads w, g and the S states and writes w, the S states and H new partials
    /// (<c>3 + 2S + H</c>): <c>4 + 2S + 2H</c>. Recomputed partials: the reduction reads g, the previous gradient and
    /// the S states from before the previous update (the other half of the double buffer) (<c>2 + S</c>); the update
    /// reads w, g and the S states and writes w, the S new states (into the other buffer) and its copy of g
    /// (<c>4 + 2S</c>): <c>6 + 3S</c>, one fewer with <see cref="Tower{T}.StepWithNextGradients(System.Span{T})"/>.</item>
    /// </list>
    /// Adam (S = 2, H = 3): 8 elements at depth 1, 12 above (recomputed); SGD with momentum and RMSProp (S = 1,
    /// H = 2): 6 and 9.
    /// </summary>
    /// <param name="levelOne">Level 1's optimizer.</param>
    /// <param name="depth">The tower's depth.</param>
    /// <param name="recomputes">
    /// Whether level 1 recomputes its partials; null for the CPU tower's choice. A GPU tower recomputes wherever the
    /// generator could write it, which is every built-in.
    /// </param>
    public static int TowerElements(OptimizerDefinition levelOne, int depth, bool? recomputes = null) =>
        TowerTraffic(levelOne, depth, recomputes).Elements;

    /// <summary>
    /// <see cref="TowerElements"/> pass by pass: what level 1's first pass (the non-finite scan at depth 1, the
    /// hypergradient reduction above) reads, and what the update then reads and writes.
    /// </summary>
    /// <param name="levelOne">Level 1's optimizer.</param>
    /// <param name="depth">The tower's depth.</param>
    /// <param name="recomputes">Whether level 1 recomputes its partials; null for the CPU tower's choice.</param>
    public static PassTraffic TowerTraffic(OptimizerDefinition levelOne, int depth, bool? recomputes = null)
    {
        int states = levelOne.StateVariables.Count;
        int hyperparameters = levelOne.HyperParameters.Count;
        if (depth == 1)
        {
            // The scan reads g; the update reads w, g, the states and writes w and the states over what it read.
            return new PassTraffic(FirstPassReads: 1, UpdateReads: 2 + states, UpdateOverwrites: 1 + states, UpdateWriteOnly: 0);
        }

        bool recomputing = recomputes ?? levelOne.GetKernel<float>() is IRecomputingStepKernel<float>;
        return recomputing
            // The reduction reads g, the previous gradient and the previous states; the update overwrites only w and
            // writes the new states (into the other half of the double buffer) and its copy of g, which the next
            // reduction reads.
            ? new PassTraffic(FirstPassReads: 2 + states, UpdateReads: 2 + states, UpdateOverwrites: 1, UpdateWriteOnly: 1 + states)
            // The reduction reads g and the stored partials; the update overwrites w and the states and writes the
            // new partials.
            : new PassTraffic(FirstPassReads: 1 + hyperparameters, UpdateReads: 2 + states, UpdateOverwrites: 1 + states, UpdateWriteOnly: hyperparameters);
    }
}

/// <summary>
/// The elements per parameter of a two-pass step, by pass: the first pass only reads; the second reads, writes some
/// of what it read in place, and writes buffers it does not read (which nothing reads again within the step, so the
/// tower writes them with streaming stores once they outgrow the caches).
/// </summary>
/// <param name="FirstPassReads">Elements the first pass reads: g, and at depth 2 and above what the previous update kept for it.</param>
/// <param name="UpdateReads">Elements the update reads: w, g and the state.</param>
/// <param name="UpdateOverwrites">Elements the update writes over ones it read: w, and the state where it is not double-buffered.</param>
/// <param name="UpdateWriteOnly">Elements the update writes without reading them: what the next step's first pass reads.</param>
internal readonly record struct PassTraffic(int FirstPassReads, int UpdateReads, int UpdateOverwrites, int UpdateWriteOnly)
{
    /// <summary>Every element both passes move.</summary>
    public int Elements => FirstPassReads + UpdateReads + UpdateOverwrites + UpdateWriteOnly;

    /// <summary>The two passes in words, for reports: "4 read; 4 read, 1 overwritten, 3 written".</summary>
    public string Describe() =>
        string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{FirstPassReads} read; {UpdateReads} read, {UpdateOverwrites} overwritten, {UpdateWriteOnly} written");
}
