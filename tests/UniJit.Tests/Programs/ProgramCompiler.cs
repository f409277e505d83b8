using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using UniJit.Tests.Support;

namespace UniJit.Tests.Programs;

/// <summary>
/// Compiles corpus programs with the host's gcc/g++, once per source and flags: the binary lands in
/// the test cache under a name keyed by a hash of the source, the command line and the compiler's
/// version, so an unchanged program is never rebuilt and a changed one never reuses a stale binary.
/// Compilation is lazy and runs at most one job per core; the first request also starts the rest
/// of the corpus in the background so that later tests find their binaries ready.
/// </summary>
public static class ProgramCompiler
{
    /// <summary>"static" and "static-pie" pass that gcc flag; "dynamic" is gcc's default (a PIE that the
    /// distribution's ld-linux loads, with libc.so.6 and libstdc++ as shared libraries).</summary>
    public static readonly string[] LinkModes = ["static", "static-pie", "dynamic"];

    static readonly ConcurrentDictionary<string, Lazy<Task<string>>> jobs = new();
    static readonly SemaphoreSlim slots = new(Math.Max(1, Environment.ProcessorCount));
    static int warmed;
    static readonly Lazy<string> compilerVersion = new(() =>
    {
        var r = ProcessRunner.Run("gcc", ["-dumpfullversion"], timeout: TimeSpan.FromSeconds(30));
        return r.ExitCode == 0 ? r.StdoutText.Trim() : throw new InvalidOperationException("gcc -dumpfullversion failed: " + r.StderrText);
    });

    /// <summary>The compiled binary for <paramref name="program"/> linked as <paramref name="link"/>
    /// ("static", "static-pie" or "dynamic").</summary>
    public static string Get(CorpusProgram program, string link)
    {
        if (Interlocked.Exchange(ref warmed, 1) == 0)
            _ = Task.Run(() =>
            {
                foreach (var p in CorpusProgram.All.Values)
                    foreach (var l in LinkModes) _ = Job(p, l);
            });
        return Job(program, link).GetAwaiter().GetResult();
    }

    static Task<string> Job(CorpusProgram program, string link) =>
        jobs.GetOrAdd($"{program.Name}:{link}", _ => new Lazy<Task<string>>(() => Task.Run(() => Compile(program, link)))).Value;

    public static List<string> CommandLine(CorpusProgram program, string link, string output)
    {
        var args = new List<string>(program.CFlags);
        if (link != "dynamic") args.Add("-" + link);
        args.AddRange(["-w", "-o", output, program.SourcePath]);
        if (!program.IsCpp) args.Add("-lm");
        return args;
    }

    static async Task<string> Compile(CorpusProgram program, string link)
    {
        string compiler = program.IsCpp ? "g++" : "gcc";
        string dir = Path.Combine(TestPaths.Cache, "corpus");
        Directory.CreateDirectory(dir);
        var key = new StringBuilder()
            .Append(compiler).Append('\n').Append(compilerVersion.Value).Append('\n')
            .Append(string.Join(' ', CommandLine(program, link, "OUT").Select(a => a == program.SourcePath ? "SRC" : a))).Append('\n')
            .Append(File.ReadAllText(program.SourcePath));
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16].ToLowerInvariant();
        string output = Path.Combine(dir, $"{program.Name}-{link}-{hash}");
        if (File.Exists(output)) return output;
        await slots.WaitAsync().ConfigureAwait(false);
        try
        {
            if (File.Exists(output)) return output;
            string tmp = $"{output}.tmp{Environment.ProcessId}";
            var r = ProcessRunner.Run(compiler, CommandLine(program, link, tmp), timeout: TimeSpan.FromMinutes(3));
            if (r.ExitCode != 0 || !File.Exists(tmp))
                throw new InvalidOperationException(
                    $"{compiler} {string.Join(' ', CommandLine(program, link, tmp))} failed (exit {r.ExitCode}):\n{r.StderrText}{r.StdoutText}");
            File.Move(tmp, output, overwrite: true);
            return output;
        }
        finally { slots.Release(); }
    }
}
