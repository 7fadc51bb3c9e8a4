using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;

namespace HyperGen.Cli.Commands.Train;

/// <summary>What a <c>train --baseline</c> run trains beside the tower, from the same initial weights and batches.</summary>
internal enum BaselineKind
{
    /// <summary>The tower's level-1 optimizer alone, at its initial hyperparameters (nothing tunes them).</summary>
    Plain,

    /// <summary>As <see cref="Plain"/>, with the step size decayed from its initial value to 0 along a half cosine.</summary>
    Cosine,
}

/// <summary>The <c>--baseline plain|cosine</c> option of <c>train</c>: several values, as separate words, repeated options or a comma list.</summary>
internal sealed class BaselineOption
{
    /// <summary>The option itself, for the command's initializer.</summary>
    public Option<string[]> Option { get; } = new("--baseline")
    {
        Description = "Also train, from the same start, the tower's level-1 optimizer untuned (plain) and with its step size decayed along a cosine (cosine), and compare them in the summary and the plot.",
        HelpName = "plain|cosine",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>The baselines asked for, each once, plain first; empty when the option is absent.</summary>
    /// <exception cref="CliInputException">A value that names no baseline.</exception>
    public IReadOnlyList<BaselineKind> Read(ParseResult result) => Parse(result.GetValue(Option) ?? []);

    /// <summary>Parses the option's values (<c>plain</c>, <c>cosine</c>, <c>plain,cosine</c>, case-insensitive).</summary>
    /// <exception cref="CliInputException">A value that names no baseline.</exception>
    public static IReadOnlyList<BaselineKind> Parse(IEnumerable<string> values)
    {
        var kinds = new SortedSet<BaselineKind>();
        foreach (string word in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            kinds.Add(word.ToLowerInvariant() switch
            {
                "plain" => BaselineKind.Plain,
                "cosine" => BaselineKind.Cosine,
                _ => throw new CliInputException($"--baseline: '{word}' is not a baseline (plain, cosine)"),
            });
        }

        return [.. kinds];
    }

    /// <summary>The baseline's name in the files and tables.</summary>
    public static string NameOf(BaselineKind kind) => kind == BaselineKind.Plain ? "plain" : "cosine";
}
