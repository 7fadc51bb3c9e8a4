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
        SkipSpaces();
        if (AtEnd)
        {
            throw Error("the spec is empty; expected an optimizer name such as adam(alpha=1e-3)");
        }

        while (true)
        {
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
            if (overrides.ContainsKey(canonical))
            {
                throw new TowerSpecException(_text, keyStart, $"'{key}' is given twice");
            }

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

            overrides.Add(canonical, value);
            SkipSpaces();
            if (AtEnd)
            {
                throw Error("missing ')'");
            }

            char next = _text[_position++];
            if (next == ')')
            {
                return new LevelSpec(definition, overrides);
            }

            if (next != ',')
            {
                _position--;
                throw Error($"expected ',' or ')', found '{next}'");
            }
        }
    }

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
