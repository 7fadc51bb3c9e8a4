using System.Collections.Generic;

namespace HyperGen.Bench;

/// <summary>
/// How the bench builds a tower of a given depth over a level-1 optimizer (with its declared initial values):
/// either one fixed level repeated above it (by default <c>sgd(alpha=1e-5)</c>, so depth 3 is
/// <c>adam/sgd(alpha=1e-5)/sgd(alpha=1e-5)</c>), or the paper's recursive tower of the same optimizer at every
/// level, with step size 1e-5 above level 1 where it has an <c>alpha</c>.
/// </summary>
internal sealed class TowerShape
{
    /// <summary>The step size of the levels above level 1 in the recursive shape.</summary>
    public const double RecursiveUpperAlpha = 1e-5;

    /// <summary>The level above level 1 unless asked otherwise: the paper's hyper-step size for SGD over Adam.</summary>
    public const string DefaultAbove = "sgd(alpha=1e-5)";

    private readonly LevelSpec? _above;

    private TowerShape(LevelSpec? above)
    {
        _above = above;
    }

    /// <summary>The shape with <paramref name="above"/> at every level from 2 up.</summary>
    public static TowerShape FixedAbove(LevelSpec above) => new(above);

    /// <summary>The shape with <see cref="DefaultAbove"/> at every level from 2 up.</summary>
    public static TowerShape Default { get; } = FixedAbove(TowerSpec.Parse(DefaultAbove).Levels[0]);

    /// <summary>The paper's recursive shape: the level-1 optimizer at every level.</summary>
    public static TowerShape Recursive { get; } = new(null);

    /// <summary>The tower of <paramref name="depth"/> levels with <paramref name="levelOne"/> at the bottom.</summary>
    public TowerSpec Build(OptimizerDefinition levelOne, int depth)
    {
        var levels = new LevelSpec[depth];
        levels[0] = new LevelSpec(levelOne);
        LevelSpec upper = _above ?? RecursiveUpperLevel(levelOne);
        for (int i = 1; i < depth; i++)
        {
            levels[i] = upper;
        }

        return new TowerSpec(levels);
    }

    /// <summary>The levels above level 1, for reports: the level spec, or "same" for the recursive shape.</summary>
    public override string ToString() => _above?.ToString() ?? "same";

    private static LevelSpec RecursiveUpperLevel(OptimizerDefinition definition) =>
        definition.IndexOfHyperParameter("alpha") >= 0
            ? new LevelSpec(definition, new Dictionary<string, double> { ["alpha"] = RecursiveUpperAlpha })
            : new LevelSpec(definition);
}
