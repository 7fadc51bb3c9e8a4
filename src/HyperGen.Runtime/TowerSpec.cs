using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace HyperGen;

/// <summary>
/// One level of a tower: an optimizer and the initial values of its hyperparameters (in the user's domain).
/// </summary>
public sealed class LevelSpec
{
    private readonly double[] _initialValues;
    private readonly HyperBound[] _bounds;

    /// <summary>
    /// A level with the definition's declared initial values and bounds, replaced where <paramref name="overrides"/>
    /// and <paramref name="bounds"/> say.
    /// </summary>
    /// <param name="definition">The optimizer of this level.</param>
    /// <param name="overrides">Initial values by hyperparameter name (case-insensitive), in the user's domain.</param>
    /// <param name="bounds">Bounds by hyperparameter name (case-insensitive), in the user's domain; they replace the declared ones.</param>
    /// <exception cref="ArgumentException">
    /// An unknown name, a value outside the hyperparameter's domain, a lower bound above the upper one, or an initial
    /// value outside its bounds.
    /// </exception>
    public LevelSpec(
        OptimizerDefinition definition,
        IReadOnlyDictionary<string, double>? overrides = null,
        IReadOnlyDictionary<string, HyperBound>? bounds = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        _initialValues = definition.HyperParameters.Select(h => h.Initial).ToArray();
        _bounds = definition.HyperParameters.Select(h => h.Bound).ToArray();
        foreach (var (name, value) in overrides ?? new Dictionary<string, double>())
        {
            int index = IndexOf(definition, name, nameof(overrides));
            HyperParameterInfo info = definition.HyperParameters[index];
            if (!HyperDomains.Contains(info.Domain, value))
            {
                throw new ArgumentException(
                    $"{definition.Name}.{info.Name} = {value.ToString("R", CultureInfo.InvariantCulture)} is out of range: it must be {HyperDomains.Describe(info.Domain)}.",
                    nameof(overrides));
            }

            _initialValues[index] = value;
        }

        foreach (var (name, bound) in bounds ?? new Dictionary<string, HyperBound>())
        {
            _bounds[IndexOf(definition, name, nameof(bounds))] = bound;
        }

        for (int j = 0; j < _bounds.Length; j++)
        {
            if (_bounds[j].Validate(_initialValues[j]) is { } problem)
            {
                throw new ArgumentException(
                    $"{definition.Name}.{definition.HyperParameters[j].Name}: {problem}.",
                    bounds is null ? nameof(overrides) : nameof(bounds));
            }
        }
    }

    /// <summary>The optimizer of this level.</summary>
    public OptimizerDefinition Definition { get; }

    /// <summary>Initial hyperparameter values in the user's domain, in the definition's order.</summary>
    public IReadOnlyList<double> InitialValues => _initialValues;

    /// <summary>The bounds of each hyperparameter in the user's domain, in the definition's order.</summary>
    public IReadOnlyList<HyperBound> Bounds => _bounds;

    /// <summary>The textual form, for example <c>adam(alpha=0.001, beta1=0.9, beta2=0.999)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Definition.Name.ToLowerInvariant());
        text.Append('(');
        for (int i = 0; i < _initialValues.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(Definition.HyperParameters[i].Name).Append('=')
                .Append(_initialValues[i].ToString("R", CultureInfo.InvariantCulture));
        }

        for (int i = 0; i < _bounds.Length; i++)
        {
            if (!_bounds[i].IsNone)
            {
                text.Append(", ").Append(Definition.HyperParameters[i].Name).Append(" in ").Append(_bounds[i]);
            }
        }

        return text.Append(')').ToString();
    }

    private static int IndexOf(OptimizerDefinition definition, string name, string argument)
    {
        int index = definition.IndexOfHyperParameter(name);
        if (index < 0)
        {
            throw new ArgumentException(
                $"{definition.Name} has no hyperparameter '{name}' (it has: {DescribeNames(definition)}).", argument);
        }

        return index;
    }

    internal static string DescribeNames(OptimizerDefinition definition) =>
        definition.HyperParameters.Count == 0
            ? "none"
            : string.Join(", ", definition.HyperParameters.Select(h => h.Name));
}

/// <summary>
/// A tower of optimizers, bottom first: level 1 trains the weights and level k + 1 trains level k's
/// hyperparameters. The textual form is <c>adam(alpha=1e-3)/sgd(alpha=1e-5)/sgd(alpha=1e-5)</c>; a level may bound
/// its hyperparameters, as in <c>adam(alpha=1e-3, alpha in [0, 0.1])</c> (<c>-inf</c> and <c>inf</c> leave a side open).
/// </summary>
public sealed class TowerSpec
{
    private readonly LevelSpec[] _levels;

    /// <summary>A tower of the given levels, bottom first.</summary>
    /// <exception cref="ArgumentException">
    /// No level, more than <see cref="HyperOptimizeAttribute.MaxDepth"/>, or a learned hyperparameter that starts at
    /// a point it can never leave (see <see cref="FindFixedPoint"/>).
    /// </exception>
    public TowerSpec(IEnumerable<LevelSpec> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        _levels = levels.ToArray();
        if (_levels.Length is 0 or > HyperOptimizeAttribute.MaxDepth)
        {
            throw new ArgumentException(
                $"A tower has between 1 and {HyperOptimizeAttribute.MaxDepth} levels, not {_levels.Length}.",
                nameof(levels));
        }

        if (FindFixedPoint(_levels) is { } fixedPoint)
        {
            throw new ArgumentException(fixedPoint.Problem + ".", nameof(levels));
        }
    }

    /// <summary>
    /// The first hyperparameter that a level above learns but that can never move: a Squared one starting at 0,
    /// learned as r with value r * r, whose derivative 2r is 0 there (the generator reports the same start in an
    /// attribute as HG0020). A hyperparameter declared <see cref="HyperAttribute.InactiveAtZero"/> is held at 0 on
    /// purpose, and the top level's are not learned, so neither is a problem.
    /// </summary>
    internal static (int Level, string Problem)? FindFixedPoint(IReadOnlyList<LevelSpec> levels)
    {
        for (int k = 0; k < levels.Count - 1; k++)
        {
            LevelSpec level = levels[k];
            for (int j = 0; j < level.InitialValues.Count; j++)
            {
                HyperParameterInfo info = level.Definition.HyperParameters[j];
                if (info.Domain == HyperDomain.Squared && level.InitialValues[j] == 0 && !info.InactiveAtZero)
                {
                    return (k, $"{level.Definition.Name}.{info.Name} = 0 (level {k + 1}) can never move: level {k + 2} learns it as r with " +
                        $"{info.Name} = r * r, and d(r * r)/dr is 0 at r = 0; start it above 0, or make it the top level's, which is fixed");
                }
            }
        }

        return null;
    }

    /// <summary>The levels, bottom (weights) first.</summary>
    public IReadOnlyList<LevelSpec> Levels => _levels;

    /// <summary>The number of levels.</summary>
    public int Depth => _levels.Length;

    /// <summary>Parses the textual form against <paramref name="catalog"/> (the built-ins when null).</summary>
    /// <exception cref="TowerSpecException">The text is malformed or names something unknown.</exception>
    public static TowerSpec Parse(string text, OptimizerCatalog? catalog = null) =>
        TowerSpecParser.Parse(text, catalog ?? OptimizerCatalog.BuiltIn);

    /// <inheritdoc/>
    public override string ToString() => string.Join("/", _levels.Select(l => l.ToString()));
}

/// <summary>A tower specification that cannot be parsed; the message says what is wrong and where.</summary>
public sealed class TowerSpecException : FormatException
{
    /// <summary>Creates the exception for a problem at 0-based <paramref name="position"/> of <paramref name="text"/>.</summary>
    public TowerSpecException(string text, int position, string problem)
        : base($"Tower spec '{text}', column {position + 1}: {problem}")
    {
        Text = text;
        Position = position;
        Problem = problem;
    }

    /// <summary>The whole specification.</summary>
    public string Text { get; }

    /// <summary>The 0-based position of the problem.</summary>
    public int Position { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }
}
