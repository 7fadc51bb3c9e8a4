using System;
using HyperGen.Kernels;
using Xunit;

namespace HyperGen.Tests.Gpu;

public sealed class GpuDeviceTests
{
    [Fact]
    public void Opening_a_device_says_which_one_it_got_and_why_it_is_not_a_gpu()
    {
        using GpuDevice device = GpuDevice.Open();
        if (device.IsCuda)
        {
            Assert.Null(device.NoCudaReason);
            Assert.StartsWith("CUDA: ", device.Description, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotNull(device.NoCudaReason);
            Assert.Contains("CUDA", device.NoCudaReason, StringComparison.Ordinal);
            Assert.StartsWith("ILGPU CPU accelerator", device.Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Asking_for_a_gpu_where_there_is_none_fails_with_the_reason()
    {
        using GpuDevice probe = GpuDevice.Open();
        if (probe.IsCuda)
        {
            using GpuDevice cuda = GpuDevice.OpenCuda();
            Assert.True(cuda.IsCuda);
            return;
        }

        var error = Assert.Throws<InvalidOperationException>(GpuDevice.OpenCuda);
        Assert.StartsWith("No GPU found: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(probe.NoCudaReason!, error.Message, StringComparison.Ordinal);
    }
}
