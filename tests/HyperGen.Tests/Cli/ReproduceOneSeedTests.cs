using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Cli.Commands.Reproduce;
using HyperGen.Cli.Commands.Train;
using HyperGen.Training;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>A reproduction with one seed has no spread: it says n = 1 rather than "± 0.00", and bolds no difference.</summary>
public sealed class ReproduceOneSeedTests
{
    private static readonly ReproduceHeader Header = new("hypergen reproduce table1 --seeds 1", "test data", new DateTime(2025, 1, 1), "test machine");

    [Fact]
    public void One_value_is_formatted_with_n_equals_1_instead_of_a_zero_spread()
    {
        Assert.Equal("12.35 (n = 1)", SeedStatistics.Of([12.345]).Format());
        Assert.Equal("12.00 ± 2.00", SeedStatistics.Of([10.0, 12.0, 14.0]).Format());
        Assert.False(SeedStatistics.Of([3.0]).HasSpread);
        Assert.True(SeedStatistics.Of([3.0, 4.0]).HasSpread);
    }

    [Fact]
    public void Table1_with_one_seed_shows_n_equals_1_and_bolds_no_difference()
    {
        // Adam at 5 %, Adam / SGD at 3 %: a 2-point gap, "beyond" a spread of 0 + 0 if one took it for measured.
        string markdown = Table1Report.Markdown(Header, AdamFamily([5.0], [3.0], [3.5]));

        // The last column is the paper's MNIST result, with its own ± over the paper's seeds.
        Assert.DoesNotContain("± 0.00", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**", TableLines(markdown), StringComparison.Ordinal);
        Assert.Contains("| 3.00 (n = 1) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| -2.00 | -0.50 |", markdown, StringComparison.Ordinal);
        Assert.Contains("nothing is bold", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Table1_with_seeds_still_bolds_a_gap_beyond_the_spread()
    {
        string markdown = Table1Report.Markdown(Header, AdamFamily([5.0, 5.2], [3.0, 3.2], [3.05, 3.15]));

        Assert.Contains("| 3.10 ± 0.14 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| **-2.00** | 0.00 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing is bold", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Towers_with_one_seed_show_n_equals_1()
    {
        TowerCell cell = new(1e-3, 1, TowersExperiment.SpecFor(1e-3, 1), [Run(TowersExperiment.SpecFor(1e-3, 1), 7.25)]);

        string markdown = TowersReport.Markdown(Header, 1, [cell]);

        Assert.Contains("| 1e-3 | 7.25 (n = 1) |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("± 0.00", markdown, StringComparison.Ordinal);
    }

    /// <summary>Adam, Adam / SGD(1e-5) and its re-run, with the given test errors per seed.</summary>
    private static IReadOnlyList<Table1RowResult> AdamFamily(double[] plain, double[] hyper, double[] rerun)
    {
        Table1Row[] rows = [.. Table1Rows.All.Where(r => r.Group == "adam").Take(3)];
        Assert.Equal(["Adam", "Adam / SGD(1e-5)", "Adam / SGD(1e-5) re-run"], rows.Select(r => r.Label));
        TowerSpec adam = TowerSpec.Parse("adam");
        TowerSpec adamSgd = TowerSpec.Parse(rows[1].Tower!);
        return
        [
            new(rows[0], rows[0].Label, adam, 1, [.. plain.Select(e => Run(adam, e))]),
            new(rows[1], rows[1].Label, adamSgd, 1, [.. hyper.Select(e => Run(adamSgd, e))]),
            new(rows[2], "Adam(alpha=0.001)", adam, 1, [.. rerun.Select(e => Run(adam, e))]),
        ];
    }

    private static TowerRunResult Run(TowerSpec spec, double testError) => new(
        spec,
        new TrainingResult([new EpochReport(1, 10, 0.5, 0.5, testError, 1.0, 0.1)], Diverged: false),
        [.. spec.Levels.Select(l => (IReadOnlyList<KeyValuePair<string, double>>)[.. l.Definition.HyperParameters.Select((h, i) => KeyValuePair.Create(h.Name, l.InitialValues[i]))])],
        []);

    /// <summary>The table's rows, without the header and the footnote (whose explanation mentions bold).</summary>
    private static string TableLines(string markdown) =>
        string.Join('\n', markdown.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)));
}
