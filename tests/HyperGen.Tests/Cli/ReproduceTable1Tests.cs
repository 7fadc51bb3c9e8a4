using System;
using System.Linq;
using HyperGen.Cli;
using HyperGen.Cli.Commands.Reproduce;
using Xunit;

namespace HyperGen.Tests.Cli;

public sealed class ReproduceTable1Tests
{
    [Fact]
    public void Every_row_parses_and_every_rerun_follows_a_hyperoptimized_row_of_its_family()
    {
        var rows = Table1Rows.All;
        Assert.Equal(32, rows.Count); // the paper's 14 + 18 entries
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].IsRerun)
            {
                Assert.True(rows[i - 1].IsHyperoptimized, rows[i].Label);
                Assert.Equal(rows[i - 1].Group, rows[i].Group);
            }
            else
            {
                TowerSpec spec = TowerSpec.Parse(rows[i].Tower!);
                Assert.Equal(rows[i].IsHyperoptimized ? 2 : 1, spec.Depth);
            }

            Assert.Equal(rows[i].Group == "sgd" ? 30 : 5, rows[i].Epochs);
        }
    }

    [Fact]
    public void The_papers_notation_maps_onto_the_built_in_optimizers()
    {
        Assert.Equal("AdamAlpha", Level(TowerFor("Adam^alpha / SGD(1e-5)"), 0).Definition.Name);
        Assert.Equal(1e-5, Level(TowerFor("Adam^alpha / SGD(1e-5)"), 1).InitialValues[0]);
        Assert.Equal("RmsPropAlpha", Level(TowerFor("RMSProp^alpha / RMSProp(1e-4)"), 0).Definition.Name);
        Assert.Equal("RmsProp", Level(TowerFor("RMSProp^alpha,gamma / SGD(1e-4)"), 0).Definition.Name);
        Assert.Equal(0.1, Level(TowerFor("SGD / Adam(0.1)"), 1).InitialValues[0]);
        Assert.Equal(0.01, Level(TowerFor("SGD / SGD"), 1).InitialValues[0]); // unspecified: PyTorch's default
    }

    [Fact]
    public void A_selected_row_brings_its_rerun_and_a_selected_rerun_brings_its_row()
    {
        Assert.Equal(["Adam / Adam", "Adam / Adam re-run"], Table1Selection.Select(["adam/adam"]).Select(r => r.Label));
        Assert.Equal(["SGD / AdaGrad", "SGD / AdaGrad re-run"], Table1Selection.Select(["sgd / adagrad re-run"]).Select(r => r.Label));
        Assert.Equal(5, Table1Selection.Select(["adagrad"]).Count);
        Assert.Equal(["SGD", "Adam"], Table1Selection.Select(["adam", "sgd"]).Where(r => !r.IsHyperoptimized && !r.IsRerun).Select(r => r.Label));
        Assert.Equal(Table1Rows.All, Table1Selection.Select([]));
    }

    [Fact]
    public void An_unknown_row_is_reported_with_the_labels_that_exist()
    {
        var error = Assert.Throws<CliInputException>(() => Table1Selection.Select(["adam/sgd"]));
        Assert.Contains("'adam/sgd' names no row", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"Adam / SGD(1e-5)\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30, 1.0, 30)]
    [InlineData(5, 0.2, 1)]
    [InlineData(5, 0.01, 1)]
    [InlineData(30, 0.5, 15)]
    public void Scaled_epochs_round_and_never_drop_below_one(int paper, double scale, int expected) =>
        Assert.Equal(expected, Table1Experiment.ScaledEpochs(paper, scale));

    [Fact]
    public void Seed_statistics_use_the_sample_standard_deviation()
    {
        SeedStatistics statistics = SeedStatistics.Of([10.0, 12.0, 14.0]);
        Assert.Equal(12.0, statistics.Mean, 12);
        Assert.Equal(2.0, statistics.StandardDeviation, 12);
        Assert.Equal("12.00 ± 2.00", statistics.Format());
        Assert.Equal(0.0, SeedStatistics.Of([3.0]).StandardDeviation);
        Assert.Equal("–", SeedStatistics.Of([]).Format());
    }

    [Theory]
    [InlineData(1e-6, new[] { 1e-6, 1e-4, 1e-6, 1e-8 })]
    [InlineData(1e-2, new[] { 1e-2, 1e-5, 1e-6, 1e-8 })]
    public void Tower_levels_start_as_in_the_papers_section_3_4(double alpha, double[] expected)
    {
        TowerSpec spec = TowersExperiment.SpecFor(alpha, 4);
        double[] initial = spec.Levels.Select(l => l.InitialValues[0]).ToArray();
        Assert.Equal(expected.Length, initial.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], initial[i], expected[i] * 1e-12);
        }

        Assert.All(spec.Levels, l => Assert.Equal("Sgd", l.Definition.Name));
        Assert.Equal(1, TowersExperiment.SpecFor(alpha, 1).Depth);
    }

    private static TowerSpec TowerFor(string label) => TowerSpec.Parse(Table1Rows.All.Single(r => r.Label == label).Tower!);

    private static LevelSpec Level(TowerSpec spec, int index) => spec.Levels[index];
}
