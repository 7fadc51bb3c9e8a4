using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using HyperGen.Kernels;
using ILGPU.Runtime;

namespace HyperGen.DeviceCheck;

/// <summary>
/// Every built-in optimizer as a tower of itself at depths 1 to 3, GPU tower against CPU tower on the same run:
/// same starting weights, gradients from the same quadratic bowl. Tolerance per value: |gpu - cpu| &lt;=
/// abs + rel * |cpu|; float 1e-6 + 1e-4 (device math functions and fused multiply-adds differ from .NET's by a few
/// ulps, and hypergradient feedback carries that through the steps), double 1e-12 + 1e-9.
/// </summary>
internal static class AgreementCheck
{
    /// <summary>Upper-level step sizes: SGD's hypergradient sums grow with the size, Adam-like steps are normalised.</summary>
    private static readonly (string Name, string Level2, string Level3)[] s_optimizers =
    [
        ("sgd(alpha=0.05, mu=0.9)", "sgd(alpha=1e-9)", "sgd(alpha=1e-16)"),
        ("adam(alpha=1e-2)", "adam(alpha=1e-4)", "adam(alpha=1e-6)"),
        ("adamalpha(alpha=1e-2)", "adamalpha(alpha=1e-4)", "adamalpha(alpha=1e-6)"),
        ("adagrad(alpha=0.05)", "adagrad(alpha=1e-4)", "adagrad(alpha=1e-6)"),
        ("rmsprop(alpha=0.01)", "rmsprop(alpha=1e-4)", "rmsprop(alpha=1e-6)"),
        ("rmspropalpha(alpha=0.01)", "rmspropalpha(alpha=1e-4)", "rmspropalpha(alpha=1e-6)"),
    ];

    public static bool Run(Accelerator accelerator, int log2Size, int steps, TextWriter output)
    {
        int n = 1 << log2Size;
        output.WriteLine($"agreement: GPU tower vs CPU tower, {n} parameters, {steps} steps; error = |gpu - cpu| / (abs + rel * |cpu|), pass <= 1;");
        output.WriteLine("learned = the largest relative change of a level-1 hyperparameter (0 at depth 1), so agreement is not agreement on doing nothing");
        output.WriteLine($"{"tower",-70} {"float",10} {"double",10} {"learned",10}  result");
        bool all = true;
        foreach (string spec in Specs())
        {
            (double single, _) = MaxScaledError<float>(accelerator, spec, n, steps, 1e-6, 1e-4);
            (double twice, double learned) = MaxScaledError<double>(accelerator, spec, n, steps, 1e-12, 1e-9);
            bool pass = single <= 1 && twice <= 1;
            all &= pass;
            output.WriteLine($"{spec,-70} {single,10:G3} {twice,10:G3} {learned,10:G3}  {(pass ? "PASS" : "FAIL")}");
        }

        output.WriteLine(all ? "agreement: all towers PASS" : "agreement: some towers FAIL");
        return all;
    }

    private static IEnumerable<string> Specs()
    {
        foreach (var (name, level2, level3) in s_optimizers)
        {
            yield return name;
            yield return $"{name}/{level2}";
            yield return $"{name}/{level2}/{level3}";
        }
    }

    /// <summary>The worst error in units of the tolerance, and how far level 1's hyperparameters moved (relative).</summary>
    private static (double Error, double Learned) MaxScaledError<T>(Accelerator accelerator, string specText, int n, int steps, double absolute, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TowerSpec spec = TowerSpec.Parse(specText);
        var cpu = new Tower<T>(spec, n);
        using var gpu = new GpuTower<T>(accelerator, spec, n);
        var weights = new T[n];
        for (int i = 0; i < n; i++)
        {
            weights[i] = T.CreateTruncating(Math.Sin(i * 0.37));
        }

        using MemoryBuffer1D<T, ILGPU.Stride1D.Dense> deviceWeights = accelerator.Allocate1D(weights);
        using MemoryBuffer1D<T, ILGPU.Stride1D.Dense> deviceGradients = accelerator.Allocate1D<T>(n);
        var gradients = new T[n];
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < n; i++)
            {
                double w = double.CreateTruncating(weights[i]);
                gradients[i] = T.CreateTruncating((0.5 + (0.25 * Math.Cos(i))) * (w - Math.Cos((i * 0.11) + step)));
            }

            deviceGradients.CopyFromCPU(gradients);
            cpu.Step(weights, gradients);
            gpu.Step(deviceWeights.View, deviceGradients.View);
        }

        double worst = 0;
        T[] gpuWeights = deviceWeights.GetAsArray1D();
        for (int i = 0; i < n; i++)
        {
            worst = Math.Max(worst, Scaled(double.CreateTruncating(weights[i]), double.CreateTruncating(gpuWeights[i]), absolute, relative));
        }

        for (int level = 1; level <= spec.Depth; level++)
        {
            double[] values = gpu.ReadHyperparameters(level - 1);
            for (int j = 0; j < values.Length; j++)
            {
                worst = Math.Max(worst, Scaled(cpu.Levels[level - 1].GetValue(j), values[j], absolute, relative));
            }
        }

        double learned = 0;
        double[] levelOne = gpu.ReadHyperparameters(0);
        for (int j = 0; j < levelOne.Length; j++)
        {
            double initial = spec.Levels[0].InitialValues[j];
            if (initial != 0)
            {
                learned = Math.Max(learned, Math.Abs((levelOne[j] - initial) / initial));
            }
        }

        return (worst, learned);
    }

    /// <summary>The error in units of the tolerance; infinite where either side is not finite.</summary>
    private static double Scaled(double cpu, double gpu, double absolute, double relative) =>
        double.IsFinite(cpu) && double.IsFinite(gpu)
            ? Math.Abs(gpu - cpu) / (absolute + (relative * Math.Abs(cpu)))
            : double.PositiveInfinity;
}
