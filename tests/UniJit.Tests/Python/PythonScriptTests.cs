using System.Collections.Concurrent;
using UniJit.Tests.Programs;
using UniJit.Tests.Support;
using Xunit.Abstractions;

namespace UniJit.Tests.Python;

/// <summary>
/// Every case of Python/scripts runs under Debian's CPython natively and under <c>unijit</c>
/// (<c>unijit /usr/bin/python3 ARGS</c>) in each tier; stdout, stderr and the exit status must
/// match byte for byte (the comparison of the corpus tests, <see cref="ProgramTestsBase.Compare"/>).
/// The scripts load the extension modules through the guest's ld-linux and dlopen (math, _decimal,
/// _ssl, _ctypes with libffi closures, ...). Runs listed in known-failures.txt must still fail.
/// </summary>
public abstract class PythonScriptTestsBase(ITestOutputHelper output)
{
    protected abstract string Tier { get; }

    public static IEnumerable<object[]> Cases(string tier) =>
        PythonCase.All.Values.Where(c => c.Tiers.Contains(tier)).Select(c => new object[] { c.Name });

    static readonly ConcurrentDictionary<string, Lazy<ProcessResult>> nativeRuns = new();
    static readonly TimeSpan NativeTimeout = TimeSpan.FromSeconds(30);
    static readonly TimeSpan GuestTimeout = TimeSpan.FromSeconds(600);

    protected void Check(string name)
    {
        var c = PythonCase.All[name];
        var native = nativeRuns.GetOrAdd(name, _ => new Lazy<ProcessResult>(() =>
            ProcessRunner.Run(PythonCase.Python, c.Args, c.Stdin, PythonCase.Environment, PythonCase.Directory, NativeTimeout))).Value;
        Assert.False(native.TimedOut, $"{name} timed out natively after {NativeTimeout.TotalSeconds}s");

        var guestArgs = new List<string> { $"--tier={Tier}", PythonCase.Python };
        guestArgs.AddRange(c.Args);
        var guest = ProcessRunner.Run(TestPaths.Unijit, guestArgs, c.Stdin, PythonCase.Environment, PythonCase.Directory, GuestTimeout);
        string? problem = ProgramTestsBase.Compare(native, guest);
        string what = $"{name}:{Tier}";
        string stdin = c.Stdin.Length == 0 ? "" : c.Args.Contains("-") && c.Stdin.Length > 200 ? $" < {c.Script}.py" : " < (the '# stdin:' line)";
        string repro = $"cd {PythonCase.Directory} && PYTHONHASHSEED=0 {TestPaths.Unijit} {string.Join(' ', guestArgs.Select(Quote))}{stdin}";
        output.WriteLine($"{what}: native {native.Elapsed.TotalMilliseconds:F0} ms, unijit {guest.Elapsed.TotalMilliseconds:F0} ms");

        var known = PythonKnownFailures.Find(c, Tier);
        if (problem == null)
        {
            if (known != null)
                Assert.Fail($"{what} passes but is listed in Python/known-failures.txt line {known.Line} ({known.Reason}): remove that entry");
            return;
        }
        string report = $"{what} differs from native.\n  repro: {repro}\n{problem}";
        if (known != null)
        {
            output.WriteLine($"KNOWN-FAILURE: {what} (Python/known-failures.txt line {known.Line}: {known.Reason})");
            output.WriteLine(report);
            return;
        }
        Assert.Fail(report);
    }

    static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:+,".Contains(c)) ? s : $"'{s.Replace("'", "'\\''")}'";
}

public sealed class PythonScriptTestsInterp(ITestOutputHelper output) : PythonScriptTestsBase(output)
{
    protected override string Tier => "interp";

    [Theory, MemberData(nameof(Cases), "interp", MemberType = typeof(PythonScriptTestsBase))]
    public void MatchesNative(string name) => Check(name);
}

public sealed class PythonScriptTestsJit(ITestOutputHelper output) : PythonScriptTestsBase(output)
{
    protected override string Tier => "jit";

    [Theory, MemberData(nameof(Cases), "jit", MemberType = typeof(PythonScriptTestsBase))]
    public void MatchesNative(string name) => Check(name);
}

public sealed class PythonScriptTestsAuto(ITestOutputHelper output) : PythonScriptTestsBase(output)
{
    protected override string Tier => "auto";

    [Theory, MemberData(nameof(Cases), "auto", MemberType = typeof(PythonScriptTestsBase))]
    public void MatchesNative(string name) => Check(name);
}

/// <summary>Checks on the Python cases themselves: the list is well formed and native runs repeat.</summary>
public class PythonCaseTests
{
    [Fact]
    public void KnownFailuresNameRealCasesAndGiveReasons()
    {
        foreach (var e in PythonKnownFailures.Entries)
        {
            Assert.True(e.Name == "*" || PythonCase.All.Values.Any(c => c.Name == e.Name || c.Script == e.Name) || PythonReplTests.Names.Any(n => "repl_" + n == e.Name), $"line {e.Line}: no Python case '{e.Name}'");
            Assert.True(e.Tier is "*" or "interp" or "jit" or "auto", $"line {e.Line}: tier must be interp, jit, auto or *");
            Assert.True(e.Reason.Length >= 10, $"line {e.Line}: give a real reason");
        }
        foreach (var c in PythonCase.All.Values)
            Assert.True(c.Tiers.Count > 0 && c.Tiers.All(t => PythonCase.AllTiers.Contains(t)), $"{c.Name}: bad '# tiers:' line");
    }

    [Theory]
    [InlineData("math_float"), InlineData("lang"), InlineData("json_pickle_struct"), InlineData("os_io")]
    public void NativeRunsAreDeterministic(string name)
    {
        var c = PythonCase.All[name];
        var a = ProcessRunner.Run(PythonCase.Python, c.Args, c.Stdin, PythonCase.Environment, PythonCase.Directory);
        var b = ProcessRunner.Run(PythonCase.Python, c.Args, c.Stdin, PythonCase.Environment, PythonCase.Directory);
        Assert.Equal(0, a.ExitCode);
        Assert.NotEmpty(a.Stdout);
        Assert.Equal(a.StdoutText, b.StdoutText);
        Assert.Equal(a.StderrText, b.StderrText);
    }
}
