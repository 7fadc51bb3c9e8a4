using System;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Runtime;

public sealed class TowerSpecTests
{
    [Fact]
    public void Parses_levels_bottom_first_with_overrides_and_defaults()
    {
        TowerSpec spec = TowerSpec.Parse("adam(alpha=1e-3, beta1=0.8)/sgd(alpha=1e-5)/SGD");

        Assert.Equal(3, spec.Depth);
        Assert.Same(Adam.Definition, spec.Levels[0].Definition);
        Assert.Equal([1e-3, 0.8, 0.999], spec.Levels[0].InitialValues);
        Assert.Equal([1e-5, 0.0], spec.Levels[1].InitialValues);
        Assert.Equal([0.01, 0.0], spec.Levels[2].InitialValues);
    }

    [Theory]
    [InlineData("rmsprop")]
    [InlineData("RmsProp")]
    [InlineData("rms_prop")]
    [InlineData("  rmsprop ( )  ")]
    public void Names_ignore_case_underscores_and_spaces(string text)
    {
        Assert.Same(RmsProp.Definition, TowerSpec.Parse(text).Levels[0].Definition);
    }

    [Fact]
    public void Round_trips_through_its_text()
    {
        TowerSpec spec = TowerSpec.Parse("adam(alpha=0.004)/sgd(alpha=1e-05)");
        TowerSpec again = TowerSpec.Parse(spec.ToString());

        Assert.Equal(spec.ToString(), again.ToString());
        Assert.Equal(0.004, again.Levels[0].InitialValues[0]);
    }

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData("adamm(alpha=1)", 1, "unknown optimizer 'adamm'")]
    [InlineData("adam(gamma=0.5)", 6, "Adam has no hyperparameter 'gamma'")]
    [InlineData("adam(alpha=1, alpha=2)", 15, "'alpha' is given twice")]
    [InlineData("adam(alpha=fast)", 12, "'fast' is not a finite number")]
    [InlineData("adam(beta1=1.5)", 12, "out of range: it must be strictly between 0 and 1")]
    [InlineData("rmsprop(alpha=-1)", 15, "it must be a finite number >= 0")]
    [InlineData("adam(alpha=1", 13, "missing ')'")]
    [InlineData("adam/", 6, "expected an optimizer name")]
    [InlineData("adam sgd", 6, "expected '/' between levels")]
    [InlineData("adam(alpha 1)", 12, "expected '='")]
    [InlineData("sgd/rmsprop(alpha=0)/sgd", 5, "RmsProp.alpha = 0 (level 2) can never move")]
    public void Malformed_text_names_the_problem_and_its_column(string text, int column, string problem)
    {
        var error = Assert.Throws<TowerSpecException>(() => TowerSpec.Parse(text));

        Assert.Equal(column, error.Position + 1);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains($"column {column}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_towers_above_the_maximum_depth()
    {
        string text = string.Join("/", System.Linq.Enumerable.Repeat("sgd", HyperOptimizeAttribute.MaxDepth + 1));

        var error = Assert.Throws<TowerSpecException>(() => TowerSpec.Parse(text));
        Assert.Contains("at most 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Level_spec_rejects_unknown_names_and_values_outside_the_domain()
    {
        Assert.Throws<ArgumentException>(() => new LevelSpec(Adam.Definition, new System.Collections.Generic.Dictionary<string, double> { ["lr"] = 1 }));
        Assert.Throws<ArgumentException>(() => new LevelSpec(Adam.Definition, new System.Collections.Generic.Dictionary<string, double> { ["beta2"] = 1 }));
    }

    [Fact]
    public void A_squared_hyperparameter_at_zero_is_refused_where_it_would_be_learned_and_allowed_at_the_top()
    {
        var atZero = new LevelSpec(RmsProp.Definition, new System.Collections.Generic.Dictionary<string, double> { ["alpha"] = 0 });

        var error = Assert.Throws<ArgumentException>(() => new TowerSpec([atZero, new LevelSpec(Sgd.Definition)]));
        Assert.Contains("RmsProp.alpha = 0 (level 1) can never move", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, new TowerSpec([new LevelSpec(Sgd.Definition), atZero]).Depth);
    }
}
