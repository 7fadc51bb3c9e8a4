using System;
using System.Collections;
using System.Diagnostics;
using System.Text;

namespace HyperGen.Tests.Packaging;

/// <summary>The exit code and the interleaved standard output and error of one <c>dotnet</c> command.</summary>
/// <param name="Command">The command line, for failure messages.</param>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="Output">Everything it printed.</param>
internal sealed record DotnetResult(string Command, int ExitCode, string Output)
{
    /// <summary>A description for assertion messages: the command, its exit code and its output.</summary>
    public override string ToString() => $"`{Command}` exited with {ExitCode}:\n{Output}";
}

/// <summary>
/// Runs the .NET CLI as a user would, in a clean environment: none of the MSBuild variables that the test host
/// inherits from <c>dotnet test</c>, no build servers left running, no first-run banners.
/// </summary>
internal static class DotnetCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    public static DotnetResult Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetExecutable())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // dotnet test runs the tests under MSBuild-set variables (MSBuildExtensionsPath, MSBuildSDKsPath, ...) that would
        // make the child build resolve the SDK differently from a user's shell.
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            string name = (string)variable.Key;
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string commandLine = "dotnet " + string.Join(' ', arguments);
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new DotnetResult(commandLine, -1, $"Timed out after {Timeout.TotalMinutes} minutes.\n{Snapshot(output)}");
        }

        process.WaitForExit(); // drains the asynchronous output readers
        return new DotnetResult(commandLine, process.ExitCode, Snapshot(output));
    }

    /// <summary>The dotnet that runs these tests (the SDK's host sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetExecutable() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
