using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace HyperGen.Mpi.Tests;

/// <summary>Starts the test host under Open MPI's mpirun with a deadline, and returns what the job printed.</summary>
internal static class Mpirun
{
    /// <summary>What one job did.</summary>
    public sealed record Job(int ExitCode, string Output, TimeSpan Elapsed);

    /// <summary>
    /// Runs <c>mpirun --oversubscribe -np <paramref name="ranks"/> dotnet HyperGen.Mpi.TestHost.dll ...</c>, as root
    /// where the tests run as root; fails the test (never skips it) when mpirun is missing, and kills the job and
    /// fails when it outlives <paramref name="timeout"/>.
    /// </summary>
    public static Job Run(int ranks, TimeSpan timeout, string[] arguments, params (string Name, string Value)[] environment) =>
        RunApps(timeout, [(ranks, [HostPath(), .. arguments])], environment);

    /// <summary>
    /// Runs one job of several programs (Open MPI's <c>-np N prog args : -np M prog args</c>), each
    /// <c>dotnet</c> with its arguments, so that ranks can be started with different command lines.
    /// </summary>
    public static Job RunApps(TimeSpan timeout, (int Ranks, string[] DotnetArguments)[] apps, params (string Name, string Value)[] environment)
    {
        string? mpirun = Find("mpirun");
        if (mpirun is null)
        {
            throw new InvalidOperationException(
                "mpirun was not found on PATH: the MPI tests need Open MPI (on Debian: apt-get install openmpi-bin libopenmpi-dev; .ci/run installs it).");
        }

        var arguments = new List<string> { "--oversubscribe" };
        for (int i = 0; i < apps.Length; i++)
        {
            if (i > 0)
            {
                arguments.Add(":");
            }

            arguments.AddRange(["-np", apps[i].Ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", .. apps[i].DotnetArguments]);
        }

        // Open MPI refuses to start as root unless told twice that it is meant; CI runs as root.
        return RunProcess(mpirun, timeout, arguments, [("OMPI_ALLOW_RUN_AS_ROOT", "1"), ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"), .. environment]);
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> alone, without mpirun, under the same deadline.</summary>
    public static Job RunAlone(TimeSpan timeout, string[] arguments) =>
        RunProcess(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", timeout, arguments, []);

    private static Job RunProcess(string program, TimeSpan timeout, IEnumerable<string> arguments, (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} ran past {timeout.TotalSeconds} s and was killed; it printed:\n{output}");
        }

        // The parameterless wait also waits for the redirected streams to reach their end.
        process.WaitForExit();
        lock (output)
        {
            return new Job(process.ExitCode, output.ToString(), watch.Elapsed);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    /// <summary>The test host, which the test project's reference copies beside the tests.</summary>
    private static string HostPath() => BesideTests("HyperGen.Mpi.TestHost.dll");

    /// <summary>A program the test project's references copy beside the tests (the test host, the CLI).</summary>
    public static string BesideTests(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{file} was not built beside the MPI tests.", path);
        }

        return path;
    }

    private static string? Find(string program)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
