using System;
using HyperGen;
using QuickStart;

// Least squares on synthetic data: find w minimising mean((x . w - y)^2), computing our own gradients.
const int features = 64;
const int samples = 512;
var random = new Random(7);
float[] trueWeights = new float[features];
for (int j = 0; j < features; j++)
{
    trueWeights[j] = (float)(random.NextDouble() * 2 - 1);
}

float[,] x = new float[samples, features];
float[] y = new float[samples];
for (int i = 0; i < samples; i++)
{
    for (int j = 0; j < features; j++)
    {
        x[i, j] = (float)(random.NextDouble() * 2 - 1);
        y[i] += x[i, j] * trueWeights[j];
    }
}

float[] weights = new float[features];
float[] gradients = new float[features];

// The default tower of the definition: NesterovRms, tuned by Adam, tuned by Adam (Depth = 3, Above = Adam).
Tower<float> tower = NesterovRms.CreateTower<float>(features);

for (int step = 1; step <= 300; step++)
{
    float loss = 0;
    Array.Clear(gradients);
    for (int i = 0; i < samples; i++)
    {
        float error = -y[i];
        for (int j = 0; j < features; j++)
        {
            error += x[i, j] * weights[j];
        }

        loss += error * error / samples;
        for (int j = 0; j < features; j++)
        {
            gradients[j] += 2 * error * x[i, j] / samples;
        }
    }

    tower.Step(weights, gradients);
    if (step % 50 == 0)
    {
        Console.WriteLine($"step {step,3}  loss {loss:E3}  level 1: {tower.Levels[0]}");
    }
}

// A tower can also be composed at run time from text, with any defined optimizers.
var catalog = new OptimizerCatalog(OptimizerCatalog.BuiltIn).Add(NesterovRms.Definition);
var composed = new Tower<float>(TowerSpec.Parse("nesterovrms(alpha=0.003)/adam(alpha=1e-4)", catalog), features);
Console.WriteLine($"composed tower: {composed.Spec}");
