namespace HyperGen.Kernels;

/// <summary>Placeholder namespace anchor; the GPU towers arrive with the GPU issue.</summary>
internal static class GpuAccelerators
{
}
