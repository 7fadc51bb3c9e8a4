using System;
using HyperGen.Kernels;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace HyperGen.Tests.Gpu;

public sealed class CuBlasLibraryTests : IClassFixture<CpuAcceleratorFixture>
{
    private readonly CpuAcceleratorFixture _fixture;

    public CuBlasLibraryTests(CpuAcceleratorFixture fixture) => _fixture = fixture;

    [Fact]
    public void An_accelerator_that_is_not_cuda_gets_no_cublas_and_the_reason()
    {
        CuBlas? blas = CuBlasLibrary.TryOpen(_fixture.Device.Accelerator, out string? reason);

        Assert.Null(blas);
        Assert.Equal("cuBLAS runs on CUDA GPUs only, and this accelerator is CPU", reason);
    }

    [Theory]
    [InlineData(130100, "13.1.0")]
    [InlineData(120802, "12.8.2")]
    [InlineData(110000, "11.0.0")]
    public void Versions_read_as_cublas_prints_them(int encoded, string expected) =>
        Assert.Equal(expected, CuBlasLibrary.FormatVersion(encoded));

    [Fact]
    public void The_resolver_finds_the_first_candidate_that_loads()
    {
        // libc is on every Linux machine the tests run on; a name that exists nowhere is skipped.
        var resolver = new NativeLibraryResolver(typeof(CuBlasLibraryTests).Assembly, _ => true, ["libhypergen-absent.so.9", "libc.so.6"]);

        Assert.Equal(OperatingSystem.IsLinux() ? "libc.so.6" : null, resolver.FirstLoadable());
    }
}
