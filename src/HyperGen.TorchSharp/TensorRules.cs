using System;
using TorchSharp;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp;

/// <summary>
/// What a tensor must be for a tower to step it in place, and the one message per broken rule that says which
/// parameter it is and what to do about it. Every rule is checked for every parameter before any is changed.
/// </summary>
internal static class TensorRules
{
    /// <summary>The largest tensor a span reaches (a span's length is an int, counted here in bytes as TorchSharp's <c>bytes</c> does).</summary>
    public const long MaxBytes = int.MaxValue;

    /// <summary>A parameter as messages name it: its name (or position), shape and type.</summary>
    public static string Describe(string name, Tensor tensor) =>
        $"{name} (shape [{string.Join(", ", tensor.shape)}], {tensor.dtype.ToString().ToLowerInvariant()})";

    /// <summary>The element type a tower of this dtype runs in, or null for any other dtype.</summary>
    public static Type? ElementType(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => typeof(float),
        ScalarType.Float64 => typeof(double),
        _ => null,
    };

    /// <summary>Checks the rules for a parameter (or, with <paramref name="what"/> = "gradient", for its gradient).</summary>
    /// <exception cref="ArgumentException">A rule is broken; the message names the parameter and what to do.</exception>
    public static void Check(Tensor tensor, string name, ScalarType dtype, string what = "parameter")
    {
        if (tensor.device_type != DeviceType.CPU)
        {
            throw new ArgumentException(
                $"The {what} of {Describe(name, tensor)} is on {tensor.device}: HyperGen.TorchSharp steps CPU tensors in place and " +
                "does not yet step CUDA or other devices' tensors. Train this model on the CPU (model.to(torch.CPU) before creating the optimizer), " +
                "or use a torch.optim optimizer for it.");
        }

        if (tensor.dtype != dtype)
        {
            throw new ArgumentException(
                $"The {what} of {Describe(name, tensor)} is {tensor.dtype} where its group is {dtype}: one tower steps one precision. " +
                "Convert the model to one dtype (model.to(torch.float32)), or put the parameters of each dtype in their own parameter group.");
        }

        if (!tensor.is_contiguous())
        {
            throw new ArgumentException(
                $"The {what} of {Describe(name, tensor)} is not contiguous, so it has no single span to step in place. " +
                "Make it contiguous before creating the optimizer (for a parameter: param.set_(param.contiguous()) under torch.no_grad()).");
        }

        if (tensor.numel() * tensor.element_size() > MaxBytes)
        {
            throw new ArgumentException(
                $"The {what} of {Describe(name, tensor)} holds {tensor.numel() * tensor.element_size():N0} bytes; a span reaches 2 GiB. " +
                "Split it into several parameters.");
        }
    }

    /// <summary>The dtype of a group, checked to be one a tower runs in.</summary>
    /// <exception cref="ArgumentException">The dtype is neither float32 nor float64.</exception>
    public static void CheckPrecision(Tensor tensor, string name)
    {
        if (ElementType(tensor.dtype) is null)
        {
            throw new ArgumentException(
                $"{Describe(name, tensor)} is {tensor.dtype}; HyperGen towers run in float32 or float64. " +
                "Convert the model (model.to(torch.float32)) before creating the optimizer.");
        }
    }
}
