using System;
using System.Runtime.InteropServices;

namespace HyperGen.Mpi;

/// <summary>
/// The few functions of Open MPI's C API (MPI 3.1, libmpi.so.40 of Open MPI 3 and 4) that HyperGen uses. Collectives
/// are the non-blocking forms, so that the caller can bound how long it waits (see <see cref="MpiWorld"/>).
/// </summary>
/// <remarks>
/// Open MPI's handles are pointers to its predefined objects (MPI_COMM_WORLD is <c>&amp;ompi_mpi_comm_world</c>), so
/// they are read from the library's exports; MPICH's are integer constants, which this binding does not support.
/// </remarks>
internal static unsafe partial class MpiNative
{
    public const string Library = "libmpi.so.40";

    public const int ThreadSerialized = 2;

    /// <summary>MPI_IN_PLACE in Open MPI's mpi.h.</summary>
    public static readonly void* InPlace = (void*)1;

    [LibraryImport(Library, EntryPoint = "MPI_Init_thread")]
    public static partial int InitThread(int* argc, byte*** argv, int required, int* provided);

    [LibraryImport(Library, EntryPoint = "MPI_Initialized")]
    public static partial int Initialized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalized")]
    public static partial int Finalized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalize")]
    public static partial int Finalize();

    [LibraryImport(Library, EntryPoint = "MPI_Comm_rank")]
    public static partial int CommRank(nint comm, int* rank);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_size")]
    public static partial int CommSize(nint comm, int* size);

    [LibraryImport(Library, EntryPoint = "MPI_Abort")]
    public static partial int Abort(nint comm, int errorCode);

    [LibraryImport(Library, EntryPoint = "MPI_Iallgatherv")]
    public static partial int Iallgatherv(
        void* sendBuffer, int sendCount, nint sendType, void* receiveBuffer, int* receiveCounts, int* displacements, nint receiveType, nint comm, nint* request);

    [LibraryImport(Library, EntryPoint = "MPI_Ialltoallv")]
    public static partial int Ialltoallv(
        void* sendBuffer, int* sendCounts, int* sendDisplacements, nint sendType,
        void* receiveBuffer, int* receiveCounts, int* receiveDisplacements, nint receiveType, nint comm, nint* request);

    [LibraryImport(Library, EntryPoint = "MPI_Ibcast")]
    public static partial int Ibcast(void* buffer, int count, nint type, int root, nint comm, nint* request);

    [LibraryImport(Library, EntryPoint = "MPI_Ibarrier")]
    public static partial int Ibarrier(nint comm, nint* request);

    /// <summary>MPI_Test with MPI_STATUS_IGNORE (a null pointer in Open MPI).</summary>
    [LibraryImport(Library, EntryPoint = "MPI_Test")]
    public static partial int Test(nint* request, int* flag, void* status);
}

/// <summary>Open MPI's predefined handles, read once from the loaded library.</summary>
internal sealed class MpiHandles
{
    private MpiHandles(nint library)
    {
        CommWorld = Export(library, "ompi_mpi_comm_world");
        Byte = Export(library, "ompi_mpi_byte");
        Int = Export(library, "ompi_mpi_int");
        Int64 = Export(library, "ompi_mpi_int64_t");
        Float = Export(library, "ompi_mpi_float");
        Double = Export(library, "ompi_mpi_double");
    }

    public nint CommWorld { get; }

    public nint Byte { get; }

    public nint Int { get; }

    public nint Int64 { get; }

    public nint Float { get; }

    public nint Double { get; }

    /// <summary>Loads libmpi.so.40 and reads the handles, or says what is missing.</summary>
    /// <exception cref="MpiException">Open MPI is not installed, or the library is not Open MPI's.</exception>
    public static MpiHandles Load()
    {
        if (!NativeLibrary.TryLoad(MpiNative.Library, typeof(MpiHandles).Assembly, null, out nint library))
        {
            throw new MpiException(
                $"Open MPI's {MpiNative.Library} was not found: install Open MPI (on Debian: apt-get install openmpi-bin libopenmpi-dev) and start the program with mpirun.");
        }

        return new MpiHandles(library);
    }

    private static nint Export(nint library, string name)
    {
        if (!NativeLibrary.TryGetExport(library, name, out nint address))
        {
            throw new MpiException(
                $"{MpiNative.Library} has no symbol {name}: HyperGen.Mpi binds to Open MPI (3 or 4), whose handles are the addresses of such symbols.");
        }

        return address;
    }
}
