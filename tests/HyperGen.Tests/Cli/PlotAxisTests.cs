using System;
using System.Linq;
using HyperGen.Cli.Commands.Reproduce;
using HyperGen.Cli.Commands.Train;
using HyperGen.Training;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>The plots' axis decisions: an offset for values that barely move, the epoch marks, Table 1's value axis.</summary>
public sealed class PlotAxisTests
{
    [Fact]
    public void A_beta_that_moves_by_one_millionth_is_shown_from_a_round_offset()
    {
        double[] beta2 = [.. Enumerable.Range(0, 50).Select(i => 0.999 - (i * 2e-8))]; // 0.999 down to 0.99899902

        AxisOffset axis = AxisOffset.Choose(beta2);

        Assert.Equal(new AxisOffset(0.999, -7), axis);
        Assert.Equal("(level1.beta2 − 0.999) / 1e-7", axis.Label("level1.beta2"));
        Assert.Equal(0, axis.Apply(0.999), 9);
        Assert.Equal(-9.8, axis.Apply(beta2[^1]), 6);
    }

    [Theory]
    [InlineData(0.9, 9e-7)]
    [InlineData(0.999, 1e-6)]
    [InlineData(-0.5, 3e-9)]
    [InlineData(1234.5, 0.001)]
    [InlineData(1e-3, 1e-9)]
    public void Offset_values_are_a_few_units_and_the_offset_has_few_digits(double start, double spread)
    {
        double[] values = [.. Enumerable.Range(0, 11).Select(i => start + (spread * i / 10))];

        AxisOffset axis = AxisOffset.Choose(values);

        Assert.False(axis.IsNone);
        Assert.All(values, v => Assert.InRange(axis.Apply(v), -10, 10));
        Assert.True(values.Max(axis.Apply) - values.Min(axis.Apply) >= 1, "the values spread over at least one unit");
        Assert.True(axis.Label("x").Length <= "(x − 0.0000000000) / 1e-10".Length, axis.Label("x"));
    }

    [Fact]
    public void Values_that_move_a_lot_or_not_at_all_are_shown_as_they_are()
    {
        Assert.True(AxisOffset.Choose([1e-3, 2.5e-3, 4.3e-3]).IsNone); // a step size the tower tuned
        Assert.True(AxisOffset.Choose([0.9, 0.9, 0.9]).IsNone); // a constant
        Assert.True(AxisOffset.Choose([0.999, 0.998]).IsNone); // a thousandth of the value: four digits suffice
        Assert.True(AxisOffset.Choose([double.NaN]).IsNone);
        Assert.Equal("level1.alpha", AxisOffset.None.Label("level1.alpha"));
        Assert.Equal(0.25, AxisOffset.None.Apply(0.25));

        // A diverged run's NaN does not hide the offset the finite values need.
        Assert.Equal(new AxisOffset(0.999, -6), AxisOffset.Choose([0.999, 0.999001, double.NaN, double.PositiveInfinity]));
        Assert.Equal("(x + 0.5) / 1e-9", AxisOffset.Choose([-0.5, -0.5 + 3e-9]).Label("x"));
    }

    [Fact]
    public void Epoch_marks_are_between_epochs_and_the_test_errors_at_each_epochs_last_step()
    {
        TrainingHistory history = History(epochs: 3, stepsPerEpoch: 24);

        EpochMarks marks = EpochMarks.Of(history);

        Assert.Equal([24.5, 48.5], marks.Boundaries);
        Assert.Equal([(24.0, 30.0), (48.0, 20.0), (72.0, 10.0)], marks.TestErrors);
    }

    [Fact]
    public void A_run_stopped_mid_epoch_marks_its_last_step_and_a_history_without_the_earlier_steps_marks_only_its_own()
    {
        TrainingHistory history = History(epochs: 1, stepsPerEpoch: 24);
        history.Record(25, 2, float.NaN, [0.05, 0, 1e-3, 0]);
        history.RecordEpoch(new EpochReport(2, 1, double.NaN, 2.3, 90, 0.1, 0.1));
        Assert.Equal([24.5], EpochMarks.Of(history).Boundaries);
        Assert.Equal((25.0, 90.0), EpochMarks.Of(history).TestErrors[^1]);

        // A checkpoint without its history resumed at epoch 2: epoch 1's report, if any, has no steps to stand at.
        var resumed = new TrainingHistory(Spec);
        resumed.RecordEpoch(new EpochReport(1, 24, 1, 1, 30, 0.1, 0.1));
        resumed.Record(25, 2, 1f, [0.05, 0, 1e-3, 0]);
        resumed.RecordEpoch(new EpochReport(2, 24, 1, 1, 25, 0.1, 0.1));
        Assert.Empty(EpochMarks.Of(resumed).Boundaries);
        Assert.Equal([(25.0, 25.0)], EpochMarks.Of(resumed).TestErrors);
    }

    [Fact]
    public void Table_1s_axis_starts_at_a_round_number_below_the_lowest_error_bar_not_at_zero()
    {
        BarAxisRange range = BarAxisRange.Around([(31.0, 1.5), (55.0, 2.0), (70.6, 14.4)])!.Value;

        Assert.Equal(25, range.Min, 9); // lowest error bar 29.5, data extent 55.5: steps of 5
        Assert.Equal(90, range.Max, 9); // highest error bar 85
    }

    [Theory]
    [InlineData(new[] { 12.1, 12.4, 12.9 }, new[] { 0.1, 0.2, 0.1 })]
    [InlineData(new[] { 0.8, 1.9 }, new[] { 0.5, 0.3 })]
    [InlineData(new[] { 88.0 }, new[] { 0.0 })]
    [InlineData(new[] { 30.0, 31.0, 95.0 }, new[] { 3.0, 0.0, 2.0 })]
    public void Table_1s_axis_holds_every_error_bar_close_to_the_data_and_never_below_zero(double[] means, double[] deviations)
    {
        BarAxisRange range = BarAxisRange.Around(means.Zip(deviations))!.Value;
        double low = means.Zip(deviations).Min(b => b.First - b.Second);
        double high = means.Zip(deviations).Max(b => b.First + b.Second);
        double extent = Math.Max(high - low, 1);

        Assert.InRange(range.Min, 0, low);
        Assert.True(range.Max >= high);
        Assert.True(range.Min >= low - (0.3 * extent) || range.Min == 0, $"the axis starts at {range.Min}, far below the data at {low}");
        Assert.True(range.Max <= high + (0.3 * extent), $"the axis ends at {range.Max}, far above the data at {high}");
    }

    [Fact]
    public void Table_1s_axis_without_any_bar_is_left_to_the_plot()
    {
        Assert.Null(BarAxisRange.Around([]));
        Assert.Null(BarAxisRange.Around([(double.NaN, 0.0)]));
    }

    private static readonly TowerSpec Spec = TowerSpec.Parse("sgd(alpha=0.05)/sgd(alpha=1e-3)");

    private static TrainingHistory History(int epochs, int stepsPerEpoch)
    {
        var history = new TrainingHistory(Spec);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            for (int i = 1; i <= stepsPerEpoch; i++)
            {
                history.Record(((epoch - 1) * stepsPerEpoch) + i, epoch, 1f, [0.05, 0, 1e-3, 0]);
            }

            history.RecordEpoch(new EpochReport(epoch, stepsPerEpoch, 1, 1, 40 - (10 * epoch), 0.1, 0.1));
        }

        return history;
    }
}
