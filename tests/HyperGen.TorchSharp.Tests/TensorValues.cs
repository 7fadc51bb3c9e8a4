using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Tests;

/// <summary>Reads tensors as arrays, and their elements as bits (for bit-for-bit comparisons).</summary>
internal static class TensorValues
{
    public static T[] Read<T>(Tensor tensor)
        where T : unmanaged
    {
        using Tensor flat = tensor.detach().contiguous();
        return MemoryMarshal.Cast<byte, T>(flat.bytes).ToArray();
    }

    public static long[] Bits(float[] values) => values.Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray();

    public static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    /// <summary>The address of the tensor's first element.</summary>
    public static unsafe IntPtr Address(Tensor tensor) => (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
}
