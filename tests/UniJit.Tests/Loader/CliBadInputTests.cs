using System.ComponentModel;
using System.Diagnostics;
using UniJit.Tests.Programs;
using UniJit.Tests.Support;

namespace UniJit.Tests.Loader;

/// <summary>
/// The <c>unijit</c> command given things it cannot run: each must end with exactly one line on
/// stderr starting "unijit: ", no .NET stack trace, nothing on stdout, and the exit status a shell
/// gives for the same file — which the test learns by asking the kernel to execve it (ENOENT → 127,
/// any other refusal → 126), not from a table.
/// </summary>
public class CliBadInputTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("unijit-loader-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static ProcessResult Unijit(params string[] args) =>
        ProcessRunner.Run(TestPaths.Unijit, args, env: ProcessRunner.FixedEnvironment, timeout: TimeSpan.FromSeconds(60));

    static void AssertOneLineError(ProcessResult r, int status, string? mentions = null)
    {
        string err = r.StderrText;
        Assert.False(r.TimedOut, "unijit timed out");
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("Exception", err);
        Assert.EndsWith("\n", err);
        var lines = err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{err}");
        Assert.StartsWith("unijit: ", lines[0]);
        if (mentions != null) Assert.Contains(mentions, lines[0]);
        Assert.Empty(r.Stdout);
        Assert.Equal(status, r.ExitCode);
    }

    /// <summary>What a shell reports when it execs <paramref name="path"/>: 127 when the kernel says
    /// ENOENT (the file or its #! interpreter is missing), 126 for any other refusal, or the program's
    /// own status when the kernel does run it.</summary>
    static int KernelVerdict(string path)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (Win32Exception e) { return e.NativeErrorCode == 2 ? 127 : 126; }
    }

    string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    static byte[] Hello() => File.ReadAllBytes(ProgramCompiler.Get(CorpusProgram.All["hello"], "static"));

    [Fact]
    public void MissingFile()
    {
        string path = Path.Combine(dir, "no-such-program");
        Assert.Equal(127, KernelVerdict(path));
        AssertOneLineError(Unijit(path), 127, "No such file or directory");
    }

    /// <summary>Too little address space for guest memory (a 100 GB virtual-memory limit; guest memory
    /// reserves 16 TiB): one line naming what could not be reserved, status 1.</summary>
    [Fact]
    public void VirtualMemoryLimit()
    {
        var r = ProcessRunner.Run("/bin/sh", ["-c", "ulimit -v 100000000 && exec \"$0\" \"$1\"", TestPaths.Unijit, Write("hello", Hello())],
            env: ProcessRunner.FixedEnvironment, timeout: TimeSpan.FromSeconds(60));
        AssertOneLineError(r, 1, "cannot reserve the guest address window");
    }

    [Fact]
    public void MissingCommandInPath() => AssertOneLineError(Unijit("unijit-no-such-command-anywhere"), 127);

    [Fact]
    public void NonElfFile()
    {
        var junk = new byte[300];
        new Random(5).NextBytes(junk);
        junk[0] = 0x01;
        string path = Write("junk", junk);
        int expected = KernelVerdict(path);
        Assert.Equal(126, expected);
        AssertOneLineError(Unijit(path), expected);
    }

    [Fact]
    public void Directory_()
    {
        Assert.Equal(126, KernelVerdict(dir));
        AssertOneLineError(Unijit(dir), 126);
    }

    [Fact]
    public void ElfCutTo100Bytes()
    {
        string path = Write("cut100", Hello()[..100]);
        int expected = KernelVerdict(path);
        Assert.Equal(126, expected);
        AssertOneLineError(Unijit(path), expected);
    }

    /// <summary>Cut in half, the headers are intact and the kernel does exec it, then the program dies
    /// touching pages past the end of the file (SIGSEGV/SIGBUS). UniJit refuses it up front instead,
    /// as the README documents: exit 126 with one line.</summary>
    [Fact]
    public void ElfCutInHalf()
    {
        var hello = Hello();
        string path = Write("cuthalf", hello[..(hello.Length / 2)]);
        AssertOneLineError(Unijit(path), 126);
    }

    /// <summary>A 32-bit (ELFCLASS32, EM_386) executable header with one program header, built by hand
    /// (gcc -m32 may not be installed). Whether the host kernel would run it depends on its IA-32
    /// emulation; UniJit runs x86-64 programs only and must say so.</summary>
    [Fact]
    public void ThirtyTwoBitElf()
    {
        var h = new byte[52 + 32];
        "\x7f"u8.CopyTo(h); "ELF"u8.CopyTo(h.AsSpan(1));
        h[4] = 1; h[5] = 1; h[6] = 1;                 // ELFCLASS32, little-endian, version 1
        h[16] = 2; h[18] = 3; h[20] = 1;              // ET_EXEC, EM_386, EV_CURRENT
        BitConverter.TryWriteBytes(h.AsSpan(24), 0x08048054u); // e_entry
        h[28] = 52;                                   // e_phoff
        h[40] = 52; h[42] = 32; h[44] = 1; h[46] = 40; // e_ehsize, e_phentsize, e_phnum, e_shentsize
        AssertOneLineError(Unijit(Write("elf32", h)), 126, "32-bit");
    }

    /// <summary>Only the 52-byte header of a 32-bit ELF: refused (126) like any unusable file.</summary>
    [Fact]
    public void ThirtyTwoBitElfHeaderOnly()
    {
        var h = new byte[52];
        "\x7f"u8.CopyTo(h); "ELF"u8.CopyTo(h.AsSpan(1));
        h[4] = 1; h[5] = 1; h[6] = 1; h[16] = 2; h[18] = 3; h[20] = 1;
        string path = Write("elf32-header", h);
        int expected = KernelVerdict(path);
        Assert.Equal(126, expected);
        AssertOneLineError(Unijit(path), expected);
    }

    /// <summary>A real x86-64 binary with e_machine patched to AArch64 (183).</summary>
    [Fact]
    public void ForeignArchitectureElf()
    {
        var bytes = Hello();
        bytes[18] = 183; bytes[19] = 0;
        string path = Write("aarch64", bytes);
        int expected = KernelVerdict(path);
        Assert.Equal(126, expected);
        AssertOneLineError(Unijit(path), expected);
    }

    [Fact]
    public void ScriptWithMissingInterpreter()
    {
        string path = Write("script", "#!/nonexistent/interpreter -x\necho hi\n"u8.ToArray());
        int expected = KernelVerdict(path);
        Assert.Equal(127, expected);
        AssertOneLineError(Unijit(path), expected, "/nonexistent/interpreter");
    }

    [Fact]
    public void NoArguments() => AssertOneLineError(Unijit(), 2);

    [Fact]
    public void UnknownOption() => AssertOneLineError(Unijit("--no-such-option", "/bin/true"), 2, "--no-such-option");

    [Fact]
    public void OptionMissingItsArgument() => AssertOneLineError(Unijit("-L"), 2);

    [Fact]
    public void UnknownTier() => AssertOneLineError(Unijit("--tier=fast", "/bin/true"), 2, "fast");
}
