using System;
using System.Collections.Generic;
using System.Globalization;

namespace HyperGen;

/// <summary>Recursive-descent parser of <c>name(key=value, ...)/name(...)</c>.</summary>
internal sealed class TowerSpecParser
{
    private readonly string _text;
    private readonly OptimizerCatalog _catalog;
    private int _position;

    private TowerSpecParser(string text, OptimizerCatalog catalog)
    {
        _text = text;
        _catalog = catalog;
    }

    public static TowerSpec Parse(string text, OptimizerCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TowerSpecParser(text, catalog).ParseTower();
    }

    private TowerSpec ParseTower()
    {
        var levels = new List<LevelSpec>();
        var starts = new List<int>();
        SkipSpaces();
        if (AtEnd)
        {
            throw Error("the spec is empty; expected an optimizer name such as adam(alpha=1e-3)");
        }

        while (true)
        {
            SkipSpaces();
            starts.Add(_position);
            levels.Add(ParseLevel());
            SkipSpaces();
            if (AtEnd)
            {
                break;
            }

            if (_text[_position] != '/')
            {
                throw Error($"expected '/' between levels, found '{_text[_position]}'");
            }

            _position++;
        }

        if (levels.Count > HyperOptimizeAttribute.MaxDepth)
        {
            throw new TowerSpecException(
                _text, 0, $"a tower has at most {HyperOptimizeAttribute.MaxDepth} levels, this one has {levels.Count}");
        }

        if (TowerSpec.FindFixedPoint(levels) is { } fixedPoint)
        {
            throw new TowerSpecException(_text, starts[fixedPoint.Level], fixedPoint.Problem);
        }

        return new TowerSpec(levels);
    }

    private LevelSpec ParseLevel()
    {
        SkipSpaces();
        int nameStart = _position;
        string name = ReadIdentifier("an optimizer name");
        OptimizerDefinition definition = _catalog.Find(name)
            ?? throw new TowerSpecException(
                _text, nameStart, $"unknown optimizer '{name}' (known: {string.Join(", ", _catalog.Names)})");

        var overrides = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        var bounds = new Dictionary<string, HyperBound>(StringComparer.OrdinalIgnoreCase);
        var positions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        SkipSpaces();
        if (AtEnd || _text[_position] != '(')
        {
            return new LevelSpec(definition);
        }

        _position++;
        SkipSpaces();
        if (!AtEnd && _text[_position] == ')')
        {
            _position++;
            return new LevelSpec(definition);
        }

        while (true)
        {
            SkipSpaces();
            int keyStart = _position;
            string key = ReadIdentifier("a hyperparameter name");
            int index = definition.IndexOfHyperParameter(key);
            if (index < 0)
            {
                throw new TowerSpecException(
                    _text, keyStart,
                    $"{definition.Name} has no hyperparameter '{key}' (it has: {LevelSpec.DescribeNames(definition)})");
            }

            string canonical = definition.HyperParameters[index].Name;
            SkipSpaces();
            if (StartsWithKeyword("in"))
            {
                if (bounds.ContainsKey(canonical))
                {
                    throw new TowerSpecException(_text, keyStart, $"the bounds of '{key}' are given twice");
                }

                _position += 2;
                bounds.Add(canonical, ReadBound());
                positions[canonical] = keyStart;
            }
            else
            {
                if (overrides.ContainsKey(canonical))
                {
                    throw new TowerSpecException(_text, keyStart, $"'{key}' is given twice");
                }

                overrides.Add(canonical, ReadInitialValue(definition, index));
                positions.TryAdd(canonical, keyStart);
            }

            SkipSpaces();
            if (AtEnd)
            {
                throw Error("missing ')'");
            }

            char next = _text[_position++];
            if (next == ')')
            {
                return CreateLevel(definition, overrides, bounds, positions);
            }

            if (next != ',')
            {
                _position--;
                throw Error($"expected ',' or ')', found '{next}'");
            }
        }
    }

    private double ReadInitialValue(OptimizerDefinition definition, int index)
    {
        Expect('=');
        int valueStart = _position;
        double value = ReadNumber();
        HyperParameterInfo info = definition.HyperParameters[index];
        if (!HyperDomains.Contains(info.Domain, value))
        {
            throw new TowerSpecException(
                _text, valueStart,
                $"{definition.Name}.{info.Name} = {value.ToString("R", CultureInfo.InvariantCulture)} is out of range: it must be {HyperDomains.Describe(info.Domain)}");
        }

        return value;
    }

    /// <summary>Reads <c>[low, high]</c> after the keyword <c>in</c>; <c>-inf</c> and <c>inf</c> leave a side open.</summary>
    private HyperBound ReadBound()
    {
        Expect('[');
        int lowStart = _position;
        double low = ReadBoundValue();
        Expect(',');
        double high = ReadBoundValue();
        Expect(']');
        if (low > high)
        {
            throw new TowerSpecException(
                _text, lowStart, $"the lower bound {Format(low)} is above the upper bound {Format(high)}");
        }

        return new HyperBound(double.IsNegativeInfinity(low) ? double.NaN : low, double.IsPositiveInfinity(high) ? double.NaN : high);
    }

    private double ReadBoundValue()
    {
        foreach (var (word, value) in new[] { ("-inf", double.NegativeInfinity), ("+inf", double.PositiveInfinity), ("inf", double.PositiveInfinity) })
        {
            if (StartsWithKeyword(word))
            {
                _position += word.Length;
                SkipSpaces();
                return value;
            }
        }

        double number = ReadNumber();
        SkipSpaces();
        return number;
    }

    /// <summary>Builds the level once it is closed, so bounds and initial values given in any order are checked together.</summary>
    private LevelSpec CreateLevel(
        OptimizerDefinition definition,
        Dictionary<string, double> overrides,
        Dictionary<string, HyperBound> bounds,
        Dictionary<string, int> positions)
    {
        foreach (var (name, bound) in bounds)
        {
            int index = definition.IndexOfHyperParameter(name);
            double initial = overrides.TryGetValue(name, out double value) ? value : definition.HyperParameters[index].Initial;
            if (bound.Validate(initial) is { } problem)
            {
                throw new TowerSpecException(_text, positions[name], $"{definition.Name}.{name}: {problem}");
            }
        }

        // Declared bounds still apply to values overridden here; check them with the new initial values.
        foreach (var (name, initial) in overrides)
        {
            int index = definition.IndexOfHyperParameter(name);
            HyperBound declared = definition.HyperParameters[index].Bound;
            if (!bounds.ContainsKey(name) && declared.Validate(initial) is { } problem)
            {
                throw new TowerSpecException(_text, positions[name], $"{definition.Name}.{name}: {problem} declared by the optimizer");
            }
        }

        return new LevelSpec(definition, overrides, bounds);
    }

    /// <summary>Whether <paramref name="word"/> starts here and is not the start of a longer identifier.</summary>
    private bool StartsWithKeyword(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            return false;
        }

        int end = _position + word.Length;
        return end >= _text.Length || !(char.IsLetterOrDigit(_text[end]) || _text[end] == '_');
    }

    private static string Format(double value) =>
        double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf") : value.ToString("R", CultureInfo.InvariantCulture);

    private bool AtEnd => _position >= _text.Length;

    private void SkipSpaces()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private void Expect(char expected)
    {
        SkipSpaces();
        if (AtEnd || _text[_position] != expected)
        {
            throw Error(AtEnd ? $"expected '{expected}', found the end" : $"expected '{expected}', found '{_text[_position]}'");
        }

        _position++;
        SkipSpaces();
    }

    private string ReadIdentifier(string what)
    {
        int start = _position;
        while (!AtEnd && (char.IsLetterOrDigit(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        if (start == _position || char.IsDigit(_text[start]))
        {
            _position = start;
            throw Error(AtEnd ? $"expected {what}, found the end" : $"expected {what}, found '{_text[start]}'");
        }

        return _text[start.._position];
    }

    private double ReadNumber()
    {
        int start = _position;
        while (!AtEnd && (char.IsLetterOrDigit(_text[_position]) || _text[_position] is '.' or '-' or '+'))
        {
            _position++;
        }

        string token = _text[start.._position];
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value))
        {
            _position = start;
            throw Error(token.Length == 0 ? "expected a number" : $"'{token}' is not a finite number");
        }

        return value;
    }

    private TowerSpecException Error(string problem) => new(_text, _position, problem);
}
