using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using HyperGen;
using HyperGen.Mpi;
using HyperGen.Mpi.TestHost;

// Started by mpirun from the MPI tests (tests/HyperGen.Mpi.Tests) and for docs/distributed.md's measurements:
//   tower <spec> <float|double> <tensor sizes, comma-separated> <steps> [<shard boundaries, comma-separated>]
//   mismatch | die <step> | hang <step> | allreduce | bench <spec> <parameters> <steps>
// Each rank prints one line starting "rank R:"; failures print one line to standard error and exit non-zero.
try
{
    return Run(args);
}
catch (Exception exception) when (exception is RankMismatchException or MpiException)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return 2;
}

static int Run(string[] args)
{
    using MpiWorld world = MpiWorld.Start();
    switch (args[0])
    {
        case "tower":
            return args[2] == "float" ? CompareTowers<float>(world, args) : CompareTowers<double>(world, args);
        case "mismatch":
            // Rank 1 was given another tower: construction must stop every rank with one line.
            _ = new Tower<float>(TowerSpec.Parse(world.Rank == 1 ? "adam(alpha=0.01)/sgd(alpha=1e-6)" : "adam(alpha=0.02)/sgd(alpha=1e-6)"), [50000], world);
            Console.WriteLine($"rank {world.Rank}: built the tower");
            return 0;
        case "die":
        case "hang":
            return Fail(world, args[0], int.Parse(args[1], CultureInfo.InvariantCulture));
        case "allreduce":
            return AllReduce(world);
        case "bench":
            return Bench(world, TowerSpec.Parse(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
        default:
            Console.Error.WriteLine($"error: unknown mode {args[0]}");
            return 64;
    }
}

static int CompareTowers<T>(MpiWorld world, string[] args)
    where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
{
    int[] sizes = Ints(args[3]);
    int steps = int.Parse(args[4], CultureInfo.InvariantCulture);
    TowerSharding sharding = args.Length > 5 ? TowerSharding.FromBoundaries(sizes, Ints(args[5])) : TowerSharding.Balanced(sizes, world.Size);
    var comparison = new TowerComparison<T>(TowerSpec.Parse(args[1]), sharding, world);
    for (int step = 0; step < steps; step++)
    {
        comparison.Step(step);
    }

    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"rank {world.Rank}: shard {sharding.ShardStart(world.Rank)}+{sharding.ShardLength(world.Rank)} aligned={sharding.IsBlockAligned} identical={comparison.Identical()} max-relative-difference={comparison.MaxRelativeDifference():G3}"));
    return 0;
}

static int Fail(MpiWorld world, string how, int atStep)
{
    var tower = new Tower<float>(TowerSpec.Parse("adam(alpha=0.01)/sgd(alpha=1e-6)"), [70000], world);
    var weights = new float[70000];
    var gradients = new float[70000];
    for (int step = 0; step < 1_000_000; step++)
    {
        if (world.Rank == 1 && step == atStep)
        {
            Console.WriteLine($"rank 1: {(how == "die" ? "dying" : "hanging")} at step {step}");
            Console.Out.Flush();
            if (how == "die")
            {
                // As a crash would: no MPI_Finalize, no clean-up.
                Environment.Exit(9);
            }

            Thread.Sleep(Timeout.Infinite);
        }

        gradients.AsSpan().Fill(0.01f * ((step % 5) - 2));
        tower.Step(weights, gradients);
        tower.GatherWeights(weights);
    }

    return 0;
}

static int AllReduce(MpiWorld world)
{
    // Sizes around the rank count too, where some ranks own no part of the sum.
    foreach (int n in new[] { 0, 1, 3, 1000, 100_003 })
    {
        double[] values = Values(world.Rank, n);
        double[] expected = Values(0, n);
        for (int r = 1; r < world.Size; r++)
        {
            double[] other = Values(r, n);
            for (int i = 0; i < n; i++)
            {
                expected[i] += other[i];
            }
        }

        world.AllReduceSum(values);
        if (!values.AsSpan().SequenceEqual(expected))
        {
            Console.WriteLine($"rank {world.Rank}: allreduce n={n} differs from the rank-order sum");
            return 1;
        }
    }

    Console.WriteLine($"rank {world.Rank}: allreduce identical to the rank-order sum");
    return 0;

    static double[] Values(int rank, int n) => Enumerable.Range(0, n).Select(i => Math.Sin((i * 0.7) + (rank * 1.3)) * Math.Pow(10, (i + rank) % 9)).ToArray();
}

static int Bench(MpiWorld world, TowerSpec spec, int parameters, int steps)
{
    // The same model, one-process (no communicator) and sharded over the job's ranks; the gradients are summed over
    // the ranks (the data-parallel all-reduce of the same model size) for comparison.
    var weights = new float[parameters];
    var gradients = new float[parameters];
    gradients.AsSpan().Fill(1e-3f);
    var single = new Tower<float>(spec, parameters);
    var sharded = new Tower<float>(spec, [parameters], world);
    float[] summed = new float[parameters];

    // The tower's own collective on its own: each rank's block sums (blocks x hyperparameters) and two flags.
    TowerSharding sharding = sharded.Sharding!;
    int hyperCount = spec.Levels[0].Definition.HyperParameters.Count;
    int[] exchangeCounts = Enumerable.Range(0, world.Size)
        .Select(r => ((sharding.ShardLength(r) + TowerSharding.BlockSize - 1) / TowerSharding.BlockSize * hyperCount) + 2).ToArray();
    double[] exchange = new double[exchangeCounts.Sum()];
    Action[] operations =
    [
        () => single.Step(weights, gradients),
        () => sharded.Step(weights, gradients),
        () => sharded.GatherWeights(weights),
        () => world.AllReduceSum(summed),
        () => world.AllGather<double>(exchange, exchangeCounts),
    ];

    // Interleaved repetitions, each operation's median: the machine is shared, and a lone run of each would
    // measure whatever else ran at the time.
    var times = new double[operations.Length][];
    for (int o = 0; o < operations.Length; o++)
    {
        times[o] = new double[9];
        operations[o]();
    }

    for (int repetition = 0; repetition < 9; repetition++)
    {
        for (int o = 0; o < operations.Length; o++)
        {
            world.Barrier();
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++)
            {
                operations[o]();
            }

            times[o][repetition] = watch.Elapsed.TotalMilliseconds / steps;
        }
    }

    double[] medians = times.Select(t => t.Order().ElementAt(t.Length / 2)).ToArray();
    (double singleStep, double shardedStep, double gather, double allReduce, double towerExchange) = (medians[0], medians[1], medians[2], medians[3], medians[4]);
    long towerBytes = exchange.Length * sizeof(double);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"rank {world.Rank}: ranks={world.Size} parameters={parameters} one-process-step-ms={singleStep:F3} sharded-step-ms={shardedStep:F3} weight-gather-ms={gather:F3} gradient-allreduce-ms={allReduce:F3} tower-exchange-ms={towerExchange:F4} tower-gathered-bytes={towerBytes} gradient-bytes={4L * parameters}"));
    return 0;
}

static int[] Ints(string text) => text.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
