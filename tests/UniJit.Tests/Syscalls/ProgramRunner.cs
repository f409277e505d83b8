using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace UniJit.Tests.Syscalls;

/// <summary>
/// Compiles the C test programs in <c>Syscalls/programs</c> (cached by a hash of source and flags) and
/// runs them natively and under <c>./unijit</c>, each in a fresh working directory, capturing stdout,
/// stderr and the exit status (128+N for death by signal N, as a shell reports it).
/// </summary>
public static class ProgramRunner
{
    public sealed record Result(string Stdout, string Stderr, int Status);

    /// <summary>How a program is built: without libc (integer instructions only), static glibc, static-PIE
    /// glibc, static musl (when musl-gcc, Debian's musl-tools, is installed).</summary>
    public static readonly Dictionary<string, (string Compiler, string Flags)> Variants = new()
    {
        ["tiny"] = ("gcc", "-nostdlib -static -O1 -fno-builtin -ffreestanding -fno-stack-protector -mgeneral-regs-only -fno-pie -no-pie"),
        ["static"] = ("gcc", "-static -O1"),
        ["static-pie"] = ("gcc", "-static-pie -O1"),
        ["musl"] = ("musl-gcc", "-static -O1"),
    };

    /// <summary>True if <paramref name="compiler"/> is on PATH.</summary>
    public static bool HasCompiler(string compiler) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Any(d => File.Exists(Path.Combine(d, compiler)));

    public static readonly string RepoRoot = FindRoot();
    public static readonly string Sources = Path.Combine(RepoRoot, "tests", "UniJit.Tests", "Syscalls", "programs");
    static readonly string cacheDir = Path.Combine(Path.GetTempPath(), "unijit-syscall-programs");
    static readonly Lazy<bool> built = new(() => { Run(Path.Combine(RepoRoot, "unijit"), ["--version"], RepoRoot); return true; });

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "UniJit.sln")) && File.Exists(Path.Combine(d.FullName, "unijit")))
                return d.FullName;
        throw new InvalidOperationException("cannot find the repository root from " + AppContext.BaseDirectory);
    }

    /// <summary>Builds programs/<paramref name="name"/>.c as <paramref name="variant"/>; returns the binary's path.</summary>
    public static string Compile(string name, string variant)
    {
        string src = Path.Combine(Sources, name + ".c");
        var (compiler, flags) = Variants[variant];
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            File.ReadAllText(src) + File.ReadAllText(Path.Combine(Sources, "tiny.h")) + compiler + flags)))[..16];
        Directory.CreateDirectory(cacheDir);
        string bin = Path.Combine(cacheDir, $"{name}-{variant}-{key}");
        if (File.Exists(bin)) return bin;
        string tmp = bin + "." + Environment.ProcessId + ".tmp";
        var args = flags.Split(' ').Concat(["-I", Sources, "-o", tmp, src]).ToArray();
        var r = Run(compiler, args, cacheDir);
        if (r.Status != 0) throw new InvalidOperationException($"{compiler} {string.Join(' ', args)} failed:\n{r.Stderr}");
        File.Move(tmp, bin, overwrite: true);
        return bin;
    }

    public static Result Native(string bin, params string[] args) => InFreshDir(dir => Run(bin, args, dir));

    public static Result UnderUniJit(string bin, params string[] args)
    {
        _ = built.Value;
        return InFreshDir(dir => Run(Path.Combine(RepoRoot, "unijit"), [bin, .. args], dir));
    }

    static Result InFreshDir(Func<string, Result> run)
    {
        string dir = Directory.CreateTempSubdirectory("unijit-run-").FullName;
        try { return run(dir); }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }

    public static Result Run(string file, IEnumerable<string> args, string cwd)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return new Result(stdout.Result, stderr.Result, p.ExitCode);
    }
}
