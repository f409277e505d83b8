using UniJit.Tests.Programs;
using UniJit.Tests.Support;
using Xunit.Abstractions;

namespace UniJit.Tests.Python;

/// <summary>
/// The interactive interpreter on a pseudo-terminal: repl_driver.py (run by the host's Debian
/// python3, whose pty module opens the terminal) types the keystrokes of a repl/NAME.txt file,
/// each when a prompt shows, into <c>python3 -q</c> run natively and under unijit; the terminal
/// transcripts (readline's echo and redraws included, TERM=xterm) and exit statuses must match.
/// Cases are <c>repl_NAME</c> in known-failures.txt. The jit tier is left out: the REPL runs no
/// guest code the script tests do not already compile.
/// </summary>
public sealed class PythonReplTests(ITestOutputHelper output)
{
    static string Driver { get; } = Path.Combine(PythonCase.Directory, "..", "repl_driver.py");

    public static string KeysDirectory { get; } = Path.Combine(PythonCase.Directory, "..", "repl");

    public static IEnumerable<string> Names => Directory.EnumerateFiles(KeysDirectory, "*.txt").Select(Path.GetFileNameWithoutExtension).Order()!;

    public static IEnumerable<object[]> Cases => from n in Names from t in new[] { "interp", "auto" } select new object[] { n, t };

    static IReadOnlyDictionary<string, string> Env { get; } =
        new Dictionary<string, string>(PythonCase.Environment) { ["TERM"] = "xterm" };

    [Theory, MemberData(nameof(Cases))]
    public void MatchesNative(string name, string tier)
    {
        string keys = Path.Combine(KeysDirectory, name + ".txt");
        var native = ProcessRunner.Run(PythonCase.Python, [Driver, keys, PythonCase.Python, "-q"], null, Env, timeout: TimeSpan.FromMinutes(2));
        Assert.Contains("exit ", native.StdoutText);
        var guest = ProcessRunner.Run(PythonCase.Python, [Driver, keys, TestPaths.Unijit, $"--tier={tier}", PythonCase.Python, "-q"], null, Env, timeout: TimeSpan.FromMinutes(10));
        string what = $"repl_{name}:{tier}";
        string? problem = ProgramTestsBase.Compare(native, guest);
        output.WriteLine($"{what}: native {native.Elapsed.TotalSeconds:F1} s, unijit {guest.Elapsed.TotalSeconds:F1} s");
        var known = PythonKnownFailures.Find("repl_" + name, tier);
        if (problem == null)
        {
            if (known != null)
                Assert.Fail($"{what} passes but is listed in Python/known-failures.txt line {known.Line} ({known.Reason}): remove that entry");
            return;
        }
        string report = $"{what} differs from native (transcripts: one repr per prompt).\n  repro: cd {KeysDirectory} && TERM=xterm PYTHONHASHSEED=0 {PythonCase.Python} ../repl_driver.py {name}.txt {TestPaths.Unijit} --tier={tier} {PythonCase.Python} -q\n{problem}";
        if (known != null)
        {
            output.WriteLine($"KNOWN-FAILURE: {what} (Python/known-failures.txt line {known.Line}: {known.Reason})");
            output.WriteLine(report);
            return;
        }
        Assert.Fail(report);
    }
}
