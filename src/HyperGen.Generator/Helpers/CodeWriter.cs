using System;
using System.Text;

namespace HyperGen.Generator.Helpers;

/// <summary>Writes C# source with four-space indentation, brace blocks and multi-line text.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4);
        }

        _text.Append(line).Append('\n');
    }

    /// <summary>
    /// Writes each line of <paramref name="text"/> (a raw string literal, say) at the current indentation, so a
    /// block of text keeps its shape inside any block; a trailing line break adds no empty line.
    /// </summary>
    public void Lines(string text)
    {
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        int count = lines.Length > 0 && lines[lines.Length - 1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (int i = 0; i < count; i++)
        {
            Line(lines[i]);
        }
    }

    public IDisposable Block(string header)
    {
        Line(header);
        Line("{");
        _depth++;
        return new Closer(this);
    }

    public override string ToString() => _text.ToString();

    private sealed class Closer : IDisposable
    {
        private readonly CodeWriter _writer;

        public Closer(CodeWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._depth--;
            _writer.Line("}");
        }
    }
}
