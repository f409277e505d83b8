using System.Text.RegularExpressions;

namespace UniJit.Tests.Syscalls;

/// <summary>
/// <c>unijit --strace</c> against the real strace (Debian's <c>strace</c> package) on the same program:
/// line for line equal once addresses, large numbers and the working directory are normalized.
/// Lines for the few calls whose argument decoding is not done yet are listed, with the reason.
/// </summary>
public sealed partial class StraceProgramTests
{
    static readonly (string Prefix, string Why)[] NotDecodedYet =
    [
        ("select(", "fd_set arguments and the remaining-time suffix are printed as pointers"),
        ("ioctl(3, FIONREAD", "ioctl's int result argument is printed as a pointer"),
    ];

    [GeneratedRegex(@"0x[0-9a-f]{6,}")] private static partial Regex Address();
    [GeneratedRegex(@"\d{4,}")] private static partial Regex BigNumber();
    [GeneratedRegex(@" +=")] private static partial Regex Padding();
    [GeneratedRegex(@"^(?:get(?:pid|tid)\(\) += (\d+)|--- SIGPIPE \{si_signo=SIGPIPE, si_code=SI_USER, si_pid=(\d+),.*)$", RegexOptions.Multiline)]
    private static partial Regex OwnId();

    /// <summary>The trace with the traced process's own pid/tid (what its getpid/gettid returned, the sender of
    /// the SIGPIPE the kernel sends it; also in tgkill's arguments and si_pid) as PID: two runs get different
    /// ids, and once the machine's pids wrap around they are short enough to escape the big-number rule.</summary>
    static List<string> Normalize(string text, string cwd)
    {
        var ids = OwnId().Matches(text).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Distinct().ToList();
        return text.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith("execve(") && !l.StartsWith("unijit: "))
            .Where(l => !NotDecodedYet.Any(n => l.StartsWith(n.Prefix)))
            .Select(l => ids.Aggregate(l, (x, id) => Regex.Replace(x, $@"\b{id}\b", "PID")))
            .Select(l => Padding().Replace(BigNumber().Replace(Address().Replace(l.Replace(cwd, "CWD"), "ADDR"), "N"), " ="))
            .ToList();
    }

    [Theory]
    [InlineData("tiny_files")]
    [InlineData("tiny_mem")]
    [InlineData("tiny_abort")]
    [InlineData("tiny_sigpipe")]
    public void MatchesRealStrace(string program)
    {
        string bin = ProgramRunner.Compile(program, "tiny");
        string d1 = Directory.CreateTempSubdirectory("unijit-strace-").FullName;
        string d2 = Directory.CreateTempSubdirectory("unijit-strace-").FullName;
        try
        {
            var native = ProgramRunner.Run("strace", ["-o", Path.Combine(d1, "trace"), bin], d1);
            Assert.True(File.Exists(Path.Combine(d1, "trace")), "strace failed (is Debian's strace package installed?): " + native.Stderr);
            string expected = File.ReadAllText(Path.Combine(d1, "trace"));
            var guest = ProgramRunner.Run(Path.Combine(ProgramRunner.RepoRoot, "unijit"), ["--strace", bin], d2);
            Assert.Equal(native.Stdout, guest.Stdout);
            Assert.Equal(native.Status, guest.Status);
            var want = Normalize(expected, d1);
            var got = Normalize(guest.Stderr, d2);
            for (int i = 0; i < Math.Min(want.Count, got.Count); i++)
                Assert.True(want[i] == got[i], $"line {i + 1}:\n  strace: {want[i]}\n  unijit: {got[i]}");
            Assert.Equal(want.Count, got.Count);
        }
        finally
        {
            Directory.Delete(d1, true);
            Directory.Delete(d2, true);
        }
    }
}
