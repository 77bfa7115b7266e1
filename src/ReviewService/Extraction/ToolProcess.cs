using System.Diagnostics;

namespace ReviewService.Extraction;

/// <summary>How a command-line tool ended: its exit code, or killed on timeout; the end of what it wrote to stderr and to stdout.</summary>
public sealed record ToolRun(int ExitCode, bool TimedOut, string Errors, string Output = "")
{
    public bool Succeeded => !TimedOut && ExitCode == 0;
}

/// <summary>Runs the OCR tools: an argument list (no shell, so nothing in a file name is interpreted), killed on timeout or when <c>ct</c> is cancelled.</summary>
public static class ToolProcess
{
    const int Kept = 500;

    static string Tail(string text) => text.Trim() is var t && t.Length > Kept ? t[^Kept..] : text.Trim();

    public static ToolRun Run(string file, IEnumerable<string> arguments, TimeSpan timeout, string workingDirectory, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Tesseract's OpenMP threads would each take a core: one document's OCR uses one, and the extraction gate bounds how many run.
        start.Environment["OMP_THREAD_LIMIT"] = "1";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ToolRun(-1, false, $"{file} could not be started: {e.Message}");
        }
        using var started = process;
        using var cancelled = ct.Register(() => Kill(process));
        // Both pipes are drained as the tool writes, so a chatty tool cannot block on a full pipe.
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (!process.WaitForExit(timeout))
        {
            Kill(process);
            process.WaitForExit();
            ct.ThrowIfCancellationRequested();
            return new ToolRun(-1, true, "");
        }
        process.WaitForExit();
        ct.ThrowIfCancellationRequested();
        return new ToolRun(process.ExitCode, false, Tail(errors.Result), Tail(output.Result));
    }

    static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    /// <summary>The full path of <paramref name="file"/>: as given when it has a directory, else the first match on PATH.</summary>
    public static string? Find(string file)
    {
        if (file.Contains(Path.DirectorySeparatorChar))
        {
            return File.Exists(file) ? file : null;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, file))
            .FirstOrDefault(File.Exists);
    }
}
