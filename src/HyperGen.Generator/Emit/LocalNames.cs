using System;
using System.Collections.Generic;
using System.Globalization;

namespace HyperGen.Generator.Emit;

/// <summary>
/// The names of one emitted method's locals: each name is given once, with a numeric suffix where it is already
/// taken (by the method's own parameters and buffers, the file's aliases, or an earlier local), so the user's names
/// never collide with the generator's.
/// </summary>
internal sealed class LocalNames
{
    private readonly HashSet<string> _taken;

    public LocalNames(IEnumerable<string> reserved) => _taken = new HashSet<string>(reserved, StringComparer.Ordinal);

    /// <summary>Marks <paramref name="name"/> as taken, for a name the emitter writes itself.</summary>
    public void Reserve(string name) => _taken.Add(name);

    /// <summary><paramref name="name"/>, or the first of name1, name2, ... that is free; taken from now on.</summary>
    public string Unique(string name)
    {
        string candidate = name;
        for (int suffix = 1; !_taken.Add(candidate); suffix++)
        {
            candidate = name + suffix.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
