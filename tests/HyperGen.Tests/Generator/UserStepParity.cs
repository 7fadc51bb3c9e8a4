using System;
using System.Linq;
using System.Numerics;
using System.Reflection;
using Xunit;

namespace HyperGen.Tests.Generator;

/// <summary>
/// The generated plain step against the user's own method, called element by element through reflection: the
/// generator keeps the user's operations, their grouping and their precision, so every weight and state value must
/// come out with the same bits (signed zeros included; any NaN equals any NaN, since a NaN's payload says nothing about
/// the arithmetic that made it).
/// </summary>
internal static class UserStepParity
{
    /// <summary>
    /// Steps a copy of <paramref name="inputs"/> with the generated plain kernel and another with the user's
    /// <paramref name="step"/>, and asserts that both hold the same bits.
    /// </summary>
    public static void AssertPlainStepEqualsUserStep<T>(
        string name, OptimizerDefinition definition, MethodInfo step, KernelBuffers<T> inputs, T[] raw, int stepIndex)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelBuffers<T> generated = inputs.Clone();
        KernelBuffers<T> users = inputs.Clone();
        generated.Step(definition.GetKernel<T>(), raw, stepIndex, withPartials: false);
        T[] values = UserDomainValues(definition, raw);
        for (int i = 0; i < inputs.Length; i++)
        {
            CallUserStep(step, definition, users, i, values, stepIndex);
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            AssertSameBits(name, $"w[{i}]", users.Weights[i], generated.Weights[i]);
            for (int k = 0; k < definition.StateVariables.Count; k++)
            {
                AssertSameBits(name, $"{definition.StateVariables[k].Name}[{i}]", users.StateOf(k, i), generated.StateOf(k, i));
            }
        }
    }

    /// <summary>Hyperparameters in the user's domain, computed in T as the generated code computes them from raw values.</summary>
    public static T[] UserDomainValues<T>(OptimizerDefinition definition, T[] raw)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        definition.HyperParameters
            .Select((h, j) => h.Domain switch
            {
                HyperDomain.UnitInterval => T.CreateChecked(0.5) * (T.Tanh(raw[j]) + T.One),
                HyperDomain.Squared => raw[j] * raw[j],
                _ => raw[j],
            })
            .ToArray();

    public static void AssertSameBits<T>(string name, string what, T expected, T actual)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected) && T.IsNaN(actual))
        {
            return;
        }

        ulong Bits(T value) => typeof(T) == typeof(float)
            ? (uint)BitConverter.SingleToInt32Bits((float)(object)value)
            : (ulong)BitConverter.DoubleToInt64Bits((double)(object)value);
        Assert.True(
            Bits(expected) == Bits(actual),
            $"{name}: {what}: user's method {expected:R} (0x{Bits(expected):X}), generated {actual:R} (0x{Bits(actual):X})");
    }

    /// <summary>Calls the user's step for element <paramref name="i"/>, mapping parameters as docs/defining-optimizers.md, "The parameters", says.</summary>
    private static void CallUserStep<T>(
        MethodInfo step, OptimizerDefinition definition, KernelBuffers<T> buffers, int i, T[] hypers, int stepIndex)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ParameterInfo[] parameters = step.GetParameters();
        object[] arguments = new object[parameters.Length];
        int weight = -1;
        int gradient = -1;
        var states = new int[definition.StateVariables.Count];
        for (int p = 0; p < parameters.Length; p++)
        {
            ParameterInfo parameter = parameters[p];
            int hyper = definition.IndexOfHyperParameter(parameter.Name!);
            if (parameter.ParameterType == typeof(int))
            {
                arguments[p] = stepIndex;
            }
            else if (parameter.ParameterType.IsByRef && weight < 0)
            {
                weight = p;
                arguments[p] = buffers.Weights[i];
            }
            else if (parameter.ParameterType.IsByRef)
            {
                int k = definition.StateVariables.Select(s => s.Name).ToList().IndexOf(parameter.Name!);
                Assert.True(k >= 0, $"no state variable {parameter.Name}");
                states[k] = p;
                arguments[p] = buffers.StateOf(k, i);
            }
            else if (hyper >= 0)
            {
                arguments[p] = hypers[hyper];
            }
            else
            {
                Assert.Equal(-1, gradient);
                gradient = p;
                arguments[p] = buffers.Gradients[i];
            }
        }

        step.Invoke(null, arguments);
        buffers.Weights[i] = (T)arguments[weight];
        for (int k = 0; k < states.Length; k++)
        {
            buffers.State[(k * buffers.Length) + i] = (T)arguments[states[k]];
        }
    }
}
