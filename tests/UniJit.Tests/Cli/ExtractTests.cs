using UniJit.Tests.Programs;
using UniJit.Tests.Support;

namespace UniJit.Tests.Cli;

/// <summary>
/// <c>unijit extract BINARY DIR</c> then <c>unijit -r DIR /BINARY</c>: the extracted tree alone must
/// be enough to run the program (the host's libraries are out of reach under -r), and the run must
/// match the native run of the original. Bad arguments get one "unijit: " line.
/// </summary>
public class ExtractTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("unijit-extract-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static ProcessResult Unijit(params string[] args) =>
        ProcessRunner.Run(TestPaths.Unijit, args, env: ProcessRunner.FixedEnvironment, timeout: TimeSpan.FromSeconds(120));

    [Fact]
    public void ExtractedCppProgramRunsUnderRoot()
    {
        // A dynamic C++ program loads libstdc++, libm, libgcc_s and libc: more than /bin/ls does.
        var program = CorpusProgram.All["cpp_stl"];
        string binary = ProgramCompiler.Get(program, "dynamic");
        string root = Path.Combine(dir, "root");
        var ex = Unijit("extract", binary, root);
        Assert.True(ex.ExitCode == 0, $"extract failed ({ex.ExitCode}): {ex.StderrText}");
        Assert.True(File.Exists(Path.Combine(root, binary.TrimStart('/'))));

        // Every library the native loader maps must be in the tree (ldd's list is the native oracle).
        var ldd = ProcessRunner.Run("ldd", [binary]);
        Assert.Equal(0, ldd.ExitCode);
        foreach (var line in ldd.StdoutText.Split('\n'))
        {
            string l = line.Trim();
            int arrow = l.IndexOf("=> /", StringComparison.Ordinal);
            string? path = arrow >= 0 ? l[(arrow + 3)..l.LastIndexOf(" (", StringComparison.Ordinal)] : l.StartsWith('/') ? l[..l.LastIndexOf(" (", StringComparison.Ordinal)] : null;
            if (path != null) Assert.True(File.Exists(Path.Combine(root, path.TrimStart('/'))), $"{path} (from ldd) is missing under {root}");
        }

        var native = ProcessRunner.Run(binary, program.Args, program.Stdin, ProcessRunner.FixedEnvironment);
        var guest = ProcessRunner.Run(TestPaths.Unijit, ["-r", root, binary, .. program.Args], program.Stdin, ProcessRunner.FixedEnvironment,
            timeout: TimeSpan.FromSeconds(120));
        Assert.Null(ProgramTestsBase.Compare(native, guest));
    }

    [Fact]
    public void ExtractedLsListsTheTreeAsNativeLsDoes()
    {
        string root = Path.Combine(dir, "ls");
        var ex = Unijit("extract", "/bin/ls", root);
        Assert.True(ex.ExitCode == 0, $"extract failed ({ex.ExitCode}): {ex.StderrText}");
        // Symlinks (a merged /usr's /lib64 -> usr/lib64, libfoo.so.N -> libfoo.so.N.M) are recreated as
        // symlinks: the listing of the extracted tree seen from inside (-r) equals native ls of it from outside.
        // Numeric ids and epoch times: the extracted tree has no /etc/passwd or /etc/localtime.
        string[] lsArgs = ["-AlnR", "--time-style=+%s"];
        var native = ProcessRunner.Run("/bin/ls", [.. lsArgs, "."], env: ProcessRunner.FixedEnvironment, workDir: root);
        var guest = ProcessRunner.Run(TestPaths.Unijit, ["-r", root, "/bin/ls", .. lsArgs, "."], env: ProcessRunner.FixedEnvironment,
            workDir: root, timeout: TimeSpan.FromSeconds(120));
        Assert.Equal(0, native.ExitCode);
        Assert.Contains("ld-linux-x86-64.so.2", native.StdoutText);
        Assert.Null(ProgramTestsBase.Compare(native, guest));
    }

    [Theory]
    [InlineData(2, "extract")]
    [InlineData(2, "extract", "/bin/ls")]
    [InlineData(1, "extract", "/no/such/binary", "DIR")]
    [InlineData(1, "extract", "/bin/ls", "/etc/passwd")]
    [InlineData(126, "extract", "/etc/passwd", "DIR")]
    public void BadArgumentsGiveOneLine(int status, params string[] args)
    {
        var r = Unijit(args.Select(a => a == "DIR" ? Path.Combine(dir, "out") : a).ToArray());
        string err = r.StderrText;
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("Exception", err);
        var lines = err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("unijit: ", StringComparison.Ordinal), $"expected one 'unijit: ' line, got:\n{err}");
        Assert.Empty(r.Stdout);
        Assert.Equal(status, r.ExitCode);
    }
}
