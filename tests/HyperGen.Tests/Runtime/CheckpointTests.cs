using System;
using System.IO;
using System.Linq;
using HyperGen.Checkpoints;
using Xunit;

namespace HyperGen.Tests.Runtime;

public sealed class CheckpointTests : IDisposable
{
    // Small hyper-step sizes: the 40,000-term hypergradients are large, and the run must stay finite to mean anything.
    private const string Spec = "adam(alpha=0.01, alpha in [0, 0.012])/sgd(alpha=1e-8)/sgd(alpha=1e-9)";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hypergen-checkpoint-tests", Guid.NewGuid().ToString("N"));

    public CheckpointTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_restored_tower_continues_bit_for_bit()
    {
        const int n = 40_000; // more than one block, so the parallel reduction is part of what must repeat exactly
        var uninterrupted = new Tower<float>(TowerSpec.Parse(Spec), n);
        float[] w = Start(n);
        for (int step = 0; step < 12; step++)
        {
            uninterrupted.Step(w, Gradient(w, step));
        }

        var first = new Tower<float>(TowerSpec.Parse(Spec), n);
        float[] v = Start(n);
        for (int step = 0; step < 5; step++)
        {
            first.Step(v, Gradient(v, step));
        }

        string path = Path.Combine(_folder, "tower.hgc");
        TowerCheckpoint.Save(path, first, v);
        var resumed = new Tower<float>(TowerSpec.Parse(Spec), n);
        float[] u = new float[n];
        TowerCheckpoint.Load(path, resumed, u);
        Assert.Equal(5, resumed.StepCount);
        for (int step = 5; step < 12; step++)
        {
            resumed.Step(u, Gradient(u, step));
        }

        Assert.Equal(w, u);
        for (int level = 0; level < 3; level++)
        {
            Assert.Equal(uninterrupted.Levels[level].GetValues(), resumed.Levels[level].GetValues());
            Assert.Equal(uninterrupted.Levels[level].StepCount, resumed.Levels[level].StepCount);
        }
    }

    [Fact]
    public void Bound_hits_survive_a_checkpoint()
    {
        var tower = new Tower<double>(TowerSpec.Parse("sgd(alpha=0.1, alpha in [0, 0.105])/sgd(alpha=0.01)"), 1);
        double[] w = [1];
        for (int step = 0; step < 4; step++)
        {
            tower.Step(w, [1.0]);
        }

        string path = Path.Combine(_folder, "bounds.hgc");
        TowerCheckpoint.Save(path, tower, w);
        var restored = new Tower<double>(tower.Spec, 1);
        TowerCheckpoint.Load(path, restored, new double[1]);

        Assert.Equal(3, tower.Levels[0].BoundHitCount);
        Assert.Equal(3, restored.Levels[0].BoundHitCount);
    }

    [Fact]
    public void Every_truncation_is_rejected_and_changes_nothing()
    {
        (Tower<float> tower, float[] weights, byte[] file) = SavedTower();
        float[] before = (float[])weights.Clone();
        string path = Path.Combine(_folder, "cut.hgc");

        // Every length short of the whole file: the header, each section table entry, each payload and the checksum.
        for (int length = 0; length < file.Length; length += length < 64 ? 1 : 997)
        {
            File.WriteAllBytes(path, file[..length]);
            var error = Assert.Throws<CheckpointException>(() => TowerCheckpoint.Load(path, tower, weights));
            Assert.Equal(path, error.Path);
        }

        Assert.Equal(before, weights);
        Assert.Equal(3, tower.StepCount);
    }

    [Fact]
    public void Any_flipped_byte_is_caught_by_the_checksum_or_the_header_checks()
    {
        (Tower<float> tower, float[] weights, byte[] file) = SavedTower();
        string path = Path.Combine(_folder, "flipped.hgc");
        var random = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] corrupt = (byte[])file.Clone();
            int at = trial < 24 ? trial : random.Next(corrupt.Length);
            corrupt[at] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(path, corrupt);

            var error = Assert.Throws<CheckpointException>(() => TowerCheckpoint.Load(path, tower, weights));
            Assert.Matches("not a HyperGen checkpoint|format version|corrupted", error.Problem);
        }
    }

    [Fact]
    public void Another_format_version_is_named_in_the_error()
    {
        var writer = new CheckpointWriter();
        writer.AddSection("TEST", w => w.Write(1));
        byte[] file = writer.ToArray();
        file[8] = 9; // the version word follows the 8-byte signature

        var error = Assert.Throws<CheckpointException>(() => CheckpointReader.Parse("v9.hgc", file));
        Assert.Equal("format version 9; this build reads version 1 only", error.Problem);
    }

    [Theory]
    [InlineData("sgd(alpha=0.01)/sgd(alpha=1e-4)/sgd(alpha=1e-5)", 100, "was saved for the tower adam(")]
    [InlineData(Spec, 101, "holds 100 weights; this model has 101")]
    public void A_checkpoint_of_another_tower_is_rejected_and_changes_nothing(string spec, int count, string problem)
    {
        (_, _, byte[] file) = SavedTower();
        string path = Path.Combine(_folder, "other.hgc");
        File.WriteAllBytes(path, file);
        var other = new Tower<float>(TowerSpec.Parse(spec), count);
        float[] weights = new float[count];

        var error = Assert.Throws<CheckpointException>(() => TowerCheckpoint.Load(path, other, weights));
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.Equal(0, other.StepCount);
        Assert.All(weights, w => Assert.Equal(0f, w));
    }

    [Fact]
    public void A_checkpoint_saved_in_float_is_rejected_by_a_double_tower()
    {
        (_, _, byte[] file) = SavedTower();
        string path = Path.Combine(_folder, "float.hgc");
        File.WriteAllBytes(path, file);

        var error = Assert.Throws<CheckpointException>(
            () => TowerCheckpoint.Load(path, new Tower<double>(TowerSpec.Parse(Spec), 100), new double[100]));
        Assert.Contains("saved in float, this run uses double", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_are_checked_for_presence_and_exact_length()
    {
        var writer = new CheckpointWriter();
        writer.AddSection("NUMS", w => w.Write(7L));
        CheckpointReader reader = CheckpointReader.Parse("nums.hgc", writer.ToArray());

        Assert.Equal(7L, reader.ReadSection("NUMS", r => r.ReadInt64()));
        Assert.Contains("has no 'WGHT' section (it has: NUMS)", Assert.Throws<CheckpointException>(() => reader.ReadSection("WGHT", r => 0)).Problem, StringComparison.Ordinal);
        Assert.Contains("4 unread bytes", Assert.Throws<CheckpointException>(() => reader.ReadSection("NUMS", r => r.ReadInt32())).Problem, StringComparison.Ordinal);
        Assert.Contains("ends early", Assert.Throws<CheckpointException>(() => reader.ReadSection("NUMS", r => r.ReadDecimal())).Problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => writer.AddSection("NUMS", w => { }));
        Assert.Throws<ArgumentException>(() => writer.AddSection("TOOLONG", w => { }));
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_checkpoint_and_no_temporary_file()
    {
        (Tower<float> tower, float[] weights, byte[] file) = SavedTower();
        string path = Path.Combine(_folder, "kept.hgc");
        File.WriteAllBytes(path, file);

        // A folder where the file should be: the rename over it fails after the temporary file was written.
        string blocked = Path.Combine(_folder, "blocked.hgc");
        Directory.CreateDirectory(blocked);
        Assert.ThrowsAny<IOException>(() => TowerCheckpoint.Save(blocked, tower, weights));

        Assert.Equal(file, File.ReadAllBytes(path));
        Assert.Equal(["blocked.hgc", "kept.hgc"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Saving_again_replaces_the_file_whole()
    {
        (Tower<float> tower, float[] weights, byte[] first) = SavedTower();
        string path = Path.Combine(_folder, "replaced.hgc");
        File.WriteAllBytes(path, first);
        tower.Step(weights, Gradient(weights, 3));

        TowerCheckpoint.Save(path, tower, weights);

        Assert.NotEqual(first, File.ReadAllBytes(path));
        var restored = new Tower<float>(TowerSpec.Parse(Spec), 100);
        TowerCheckpoint.Load(path, restored, new float[100]);
        Assert.Equal(4, restored.StepCount);
    }

    private static (Tower<float> Tower, float[] Weights, byte[] File) SavedTower()
    {
        var tower = new Tower<float>(TowerSpec.Parse(Spec), 100);
        float[] weights = Start(100);
        for (int step = 0; step < 3; step++)
        {
            tower.Step(weights, Gradient(weights, step));
        }

        var writer = new CheckpointWriter();
        TowerCheckpoint.Write(writer, tower, weights);
        return (tower, weights, writer.ToArray());
    }

    private static float[] Start(int n) => Enumerable.Range(0, n).Select(i => MathF.Sin(i * 0.37f)).ToArray();

    private static float[] Gradient(float[] w, int step) =>
        w.Select((x, i) => (0.5f * x) - MathF.Cos((i * 0.01f) + step)).ToArray();
}
