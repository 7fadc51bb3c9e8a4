using System;

namespace HyperGen.Mpi;

/// <summary>MPI could not be started, or an MPI call failed.</summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    /// <param name="message">What failed, and what to do about it.</param>
    public MpiException(string message)
        : base(message)
    {
    }
}
