using System.Diagnostics;

namespace UniJit.Tests.Support;

/// <summary>What a finished child process left behind: its exit status as a shell reports it
/// (128+N for death by signal N), its output bytes, and whether it had to be killed.</summary>
public sealed record ProcessResult(int ExitCode, byte[] Stdout, byte[] Stderr, bool TimedOut, TimeSpan Elapsed)
{
    public string StdoutText => System.Text.Encoding.UTF8.GetString(Stdout);
    public string StderrText => System.Text.Encoding.UTF8.GetString(Stderr);
}

/// <summary>Runs a program with an exact argument vector, environment, working directory and
/// standard input, capturing stdout and stderr as bytes, with a timeout.</summary>
public static class ProcessRunner
{
    /// <summary>The environment every compared run gets (native and UniJit alike), so that the
    /// test runner's own variables never leak into a program's output.</summary>
    public static IReadOnlyDictionary<string, string> FixedEnvironment { get; } = new Dictionary<string, string>
    {
        ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        ["HOME"] = "/tmp",
        ["LANG"] = "C",
        ["LC_ALL"] = "C",
        ["UNIJIT_TEST_A"] = "alpha",
        ["UNIJIT_TEST_B"] = "beta",
        ["UNIJIT_TEST_C"] = "gamma",
    };

    public static ProcessResult Run(string file, IEnumerable<string> args, byte[]? stdin = null,
        IReadOnlyDictionary<string, string>? env = null, string? workDir = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Path.GetTempPath(),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env != null)
        {
            psi.Environment.Clear();
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }
        // The translation cache (CacheOff), for native runs too, so environments still compare equal.
        foreach (var (k, v) in CacheOff.Variables) psi.Environment.TryAdd(k, v);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var outTask = ReadAll(p.StandardOutput.BaseStream);
        var errTask = ReadAll(p.StandardError.BaseStream);
        try
        {
            if (stdin is { Length: > 0 }) p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }
        catch (IOException) { /* the program exited without reading its input */ }
        bool timedOut = !p.WaitForExit((int)(timeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds);
        if (timedOut)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit();
        }
        else p.WaitForExit(); // drains the asynchronous readers
        Task.WaitAll(outTask, errTask);
        return new ProcessResult(p.ExitCode, outTask.Result, errTask.Result, timedOut, sw.Elapsed);
    }

    static async Task<byte[]> ReadAll(Stream s)
    {
        var ms = new MemoryStream();
        await s.CopyToAsync(ms).ConfigureAwait(false);
        return ms.ToArray();
    }
}
