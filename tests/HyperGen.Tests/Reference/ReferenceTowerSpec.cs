using System;
using System.Collections.Generic;
using System.Globalization;

namespace HyperGen.Tests.Reference;

/// <summary>One level of a parsed tower spec: the optimizer name as written and its key=value settings.</summary>
public sealed record ReferenceLevelSpec(string Name, IReadOnlyList<KeyValuePair<string, double>> Settings);

/// <summary>
/// A small hand-written parser for tower specs such as <c>adam(alpha=1e-3)/sgd(alpha=1e-5)/sgd</c>
/// (bottom level first). Grammar, whitespace allowed between tokens:
/// <code>
/// spec  := level ('/' level)*
/// level := name ( '(' [ key '=' number (',' key '=' number)* ] ')' )?
/// name, key := [A-Za-z_][A-Za-z0-9_]*
/// number := a double in invariant culture (e.g. 1e-5, 0.9, -3)
/// </code>
/// Any deviation throws <see cref="FormatException"/>.
/// </summary>
public static class ReferenceTowerSpec
{
    public static IReadOnlyList<ReferenceLevelSpec> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var levels = new List<ReferenceLevelSpec> { parser.Level() };
        while (parser.TryConsume('/'))
        {
            levels.Add(parser.Level());
        }

        parser.ExpectEnd();
        return levels;
    }

    /// <summary>Optimizer-name normal form: lower case, underscores removed.</summary>
    public static string NormalizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public ReferenceLevelSpec Level()
        {
            string name = Identifier("optimizer name");
            var settings = new List<KeyValuePair<string, double>>();
            if (TryConsume('('))
            {
                if (!TryConsume(')'))
                {
                    do
                    {
                        string key = Identifier("hyperparameter name");
                        Expect('=');
                        settings.Add(new(key, Number()));
                    }
                    while (TryConsume(','));

                    Expect(')');
                }
            }

            return new ReferenceLevelSpec(name, settings);
        }

        public bool TryConsume(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos != text.Length)
            {
                throw Error($"unexpected '{text[_pos]}'");
            }
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        private string Identifier(string what)
        {
            SkipSpace();
            int start = _pos;
            while (_pos < text.Length && (text[_pos] == '_' || char.IsAsciiLetter(text[_pos])
                || (_pos > start && char.IsAsciiDigit(text[_pos]))))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw Error($"expected {what}");
            }

            return text[start.._pos];
        }

        private double Number()
        {
            SkipSpace();
            int start = _pos;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' or '+' or '-'))
            {
                _pos++;
            }

            if (!double.TryParse(text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                || !double.IsFinite(value))
            {
                throw Error("expected a number", start);
            }

            return value;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private FormatException Error(string message, int? at = null) =>
            new($"Tower spec '{text}': {message} at position {at ?? _pos}.");
    }
}
