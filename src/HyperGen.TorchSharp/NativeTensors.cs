using System;
using System.Runtime.InteropServices;

namespace HyperGen.TorchSharp;

/// <summary>
/// The three LibTorchSharp entry points a step needs, called directly. TorchSharp's own <c>Tensor.grad</c> getter
/// wraps the gradient in a new managed <c>Tensor</c> on every call (a finalizable object, and a handle the caller must
/// dispose); a step that must allocate nothing reads the gradient's address through the native handle instead and
/// releases that handle at once.
/// </summary>
/// <remarks>
/// These are the functions TorchSharp itself imports from the same library (by the same name, so the loader resolves
/// the one TorchSharp loaded); they take and return <c>at::Tensor*</c> handles such as <c>Tensor.Handle</c>.
/// </remarks>
internal static partial class NativeTensors
{
    private const string Library = "LibTorchSharp";

    /// <summary>A new handle on the tensor's gradient, or zero when it has none; release it with <see cref="Dispose"/>.</summary>
    [LibraryImport(Library, EntryPoint = "THSTensor_grad")]
    private static partial IntPtr Grad(IntPtr tensor);

    /// <summary>The address of the tensor's first element (its storage offset included).</summary>
    [LibraryImport(Library, EntryPoint = "THSTensor_data")]
    public static partial IntPtr Data(IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "THSTensor_dispose")]
    private static partial void Dispose(IntPtr tensor);

    /// <summary>Reads the address of the first element of <paramref name="tensor"/>'s gradient.</summary>
    /// <returns>False when the tensor has no gradient.</returns>
    public static bool TryGetGradientData(IntPtr tensor, out IntPtr data)
    {
        IntPtr gradient = Grad(tensor);
        if (gradient == IntPtr.Zero)
        {
            data = IntPtr.Zero;
            return false;
        }

        try
        {
            data = Data(gradient);
            return true;
        }
        finally
        {
            // Only the handle goes: the gradient itself stays alive in the parameter, so the address stays valid.
            Dispose(gradient);
        }
    }
}
