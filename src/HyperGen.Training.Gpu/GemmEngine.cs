namespace HyperGen.Training.Gpu;

/// <summary>What runs <see cref="GpuMlp"/>'s matrix products (the forward layers and the backward pass's products).</summary>
public enum GemmEngine
{
    /// <summary>
    /// <see cref="CuBlas"/> where the accelerator is a CUDA GPU and the cuBLAS library loads; otherwise
    /// <see cref="Kernels"/>, and <see cref="GpuMlp.GemmDescription"/> says why cuBLAS was not used.
    /// </summary>
    Auto = 0,

    /// <summary>
    /// HyperGen's tiled ILGPU kernel, with the layer's bias and tanh fused into the product's store. Runs on every
    /// accelerator, ILGPU's CPU accelerator included.
    /// </summary>
    Kernels = 1,

    /// <summary>
    /// NVIDIA's cuBLAS SGEMM (through ILGPU.Algorithms), in full single precision, followed by one elementwise pass
    /// for the bias and tanh. CUDA accelerators only; the cuBLAS library (libcublas.so.11 to .13, or cublas64_*.dll)
    /// must be on the library path.
    /// </summary>
    CuBlas = 2,
}

/// <summary>The engines' names on command lines and in reports: <c>auto</c>, <c>kernels</c>, <c>cublas</c>.</summary>
public static class GemmEngineNames
{
    /// <summary>The engine's name.</summary>
    public static string ToName(this GemmEngine engine) => engine switch
    {
        GemmEngine.CuBlas => "cublas",
        GemmEngine.Kernels => "kernels",
        _ => "auto",
    };

    /// <summary>The engine <paramref name="name"/> names, or null when it names none.</summary>
    public static GemmEngine? FromName(string name) => name switch
    {
        "cublas" => GemmEngine.CuBlas,
        "kernels" => GemmEngine.Kernels,
        "auto" => GemmEngine.Auto,
        _ => null,
    };
}
