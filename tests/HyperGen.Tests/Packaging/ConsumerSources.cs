namespace HyperGen.Tests.Packaging;

/// <summary>The source files of the package consumer: a custom optimizer, a training loop, a broken definition.</summary>
internal static class ConsumerSources
{
    /// <summary>SGD with heavy-ball momentum, tuned by SGD: a definition that is not among the built-ins.</summary>
    public const string HeavyBall = """
        using HyperGen;

        namespace Consumer;

        /// <summary>SGD with heavy-ball momentum; the level above tunes both the step size and the momentum.</summary>
        public static partial class HeavyBall
        {
            [HyperOptimize(Depth = 2, Above = typeof(HyperGen.Optimizers.Sgd))]
            public static void Step(ref float w, float g, ref float velocity,
                [Hyper(0.01)] float alpha,
                [Hyper(0.5, Domain = HyperDomain.UnitInterval)] float mu)
            {
                velocity = mu * velocity + g;
                w -= alpha * velocity;
            }
        }
        """;

    /// <summary>Least squares with hand-written gradients; prints the first and last loss and the tuned alpha.</summary>
    public const string Program = """
        using System.Globalization;
        using Consumer;
        using HyperGen;

        // Least squares on synthetic data, with gradients computed by hand: minimise mean((x . w - y)^2).
        const int features = 16;
        const int samples = 256;
        var random = new Random(1);
        float[] truth = Enumerable.Range(0, features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[][] x = Enumerable.Range(0, samples)
            .Select(_ => Enumerable.Range(0, features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray())
            .ToArray();
        float[] y = x.Select(row => row.Zip(truth, (a, b) => a * b).Sum()).ToArray();

        float[] weights = new float[features];
        float[] gradients = new float[features];
        Tower<float> tower = HeavyBall.CreateTower<float>(features);
        float firstLoss = 0;
        float loss = 0;
        for (int step = 1; step <= 200; step++)
        {
            loss = 0;
            Array.Clear(gradients);
            for (int i = 0; i < samples; i++)
            {
                float error = x[i].Zip(weights, (a, b) => a * b).Sum() - y[i];
                loss += error * error / samples;
                for (int j = 0; j < features; j++)
                {
                    gradients[j] += 2 * error * x[i][j] / samples;
                }
            }

            firstLoss = step == 1 ? loss : firstLoss;
            tower.Step(weights, gradients);
        }

        CultureInfo invariant = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(invariant, $"first loss {firstLoss:R}"));
        Console.WriteLine(string.Create(invariant, $"final loss {loss:R}"));
        Console.WriteLine(string.Create(invariant, $"tuned alpha {tower.Levels[0]["alpha"]:R}"));
        """;

    /// <summary>A step with a loop, which the generator rejects with HG0005 at the loop (line 10, column 9).</summary>
    public const string BrokenLoop = """
        using HyperGen;

        namespace Consumer;

        public static partial class Looping
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.01)] float alpha)
            {
                for (int i = 0; i < 2; i++)
                {
                    w -= alpha * g;
                }
            }
        }
        """;
}
