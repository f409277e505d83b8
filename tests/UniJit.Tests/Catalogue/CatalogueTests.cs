using System.Collections.Concurrent;
using UniJit.Tests.Programs;
using UniJit.Tests.Support;
using Xunit.Abstractions;

namespace UniJit.Tests.Catalogue;

/// <summary>
/// Every catalogue command (<see cref="Catalogue"/>) runs natively and under <c>unijit</c> in each tier,
/// in the same work directory with the same environment and input: stdout, stderr and the exit status
/// must match byte for byte (the comparison of <see cref="ProgramTestsBase.Compare"/>). A round trip
/// (<see cref="CatalogueCase.Inverse"/>) also runs the inverse command under UniJit on UniJit's output
/// and must give back the original input. One subclass per tier so the tiers run in parallel; runs
/// listed in known-failures.txt beside this file must still fail.
/// </summary>
public abstract class CatalogueTestsBase(ITestOutputHelper output)
{
    protected abstract string Tier { get; }

    public static IEnumerable<object[]> Cases => Catalogue.All.Select(c => new object[] { c.Name });

    static readonly ConcurrentDictionary<string, Lazy<ProcessResult>> nativeRuns = new();
    static readonly TimeSpan NativeTimeout = TimeSpan.FromSeconds(30);
    static readonly TimeSpan GuestTimeout = TimeSpan.FromSeconds(180);

    /// <summary>The program's full path as a shell would find it in the fixed PATH (argv[0] is the same natively and under UniJit).</summary>
    public static string Which(string program)
    {
        if (program.StartsWith('/')) return program;
        foreach (var dir in ProcessRunner.FixedEnvironment["PATH"].Split(':'))
        {
            string p = Path.Combine(dir, program);
            if (File.Exists(p)) return p;
        }
        throw new InvalidOperationException($"{program} is not installed (.ci/run installs the catalogue's Debian packages)");
    }

    protected void Check(string name)
    {
        var c = Catalogue.Get(name);
        byte[] stdin = c.Stdin(Tier);
        var problems = new List<string>();
        string what = $"{name}:{Tier}";

        var (native, guest, repro) = RunBoth(c.Command, stdin);
        string? problem = Compare(c, native, guest);
        if (problem != null) problems.Add($"  repro: {repro}\n{problem}");
        else if (c.Inverse != null)
        {
            var (n2, g2, repro2) = RunBoth(c.Inverse, guest.Stdout);
            string? p2 = Compare(c, n2, g2);
            if (p2 != null) problems.Add($"inverse differs from native.\n  repro: {repro2}\n{p2}");
            else if (!g2.Stdout.AsSpan().SequenceEqual(stdin))
                problems.Add($"round trip does not give back the input.\n  repro: {repro2}\n"
                    + TextDiff.Describe("round trip", stdin, g2.Stdout));
            else if (g2.ExitCode != 0) problems.Add($"inverse exits with {g2.ExitCode}.\n  repro: {repro2}");
        }
        output.WriteLine($"{what}: native {native.Elapsed.TotalMilliseconds:F0} ms, unijit {guest.Elapsed.TotalMilliseconds:F0} ms");

        var known = CatalogueKnownFailures.Find(name, Tier);
        if (problems.Count == 0)
        {
            if (known != null)
                Assert.Fail($"{what} passes but is listed in Catalogue/known-failures.txt line {known.Line} ({known.Reason}): remove that entry");
            return;
        }
        string report = $"{what} differs from native.\n" + string.Join('\n', problems);
        if (known != null)
        {
            output.WriteLine($"KNOWN-FAILURE: {what} (Catalogue/known-failures.txt line {known.Line}: {known.Reason})");
            output.WriteLine(report);
            return;
        }
        Assert.Fail(report);
    }

    (ProcessResult Native, ProcessResult Guest, string Repro) RunBoth(string[] command, byte[] stdin)
    {
        string exe = Which(command[0]);
        var args = command.Skip(1).ToList();
        string key = exe + "\0" + string.Join("\0", args) + "\0" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stdin));
        var native = nativeRuns.GetOrAdd(key, _ => new Lazy<ProcessResult>(() =>
            ProcessRunner.Run(exe, args, stdin, ProcessRunner.FixedEnvironment, CatalogueInputs.Directory, NativeTimeout))).Value;
        Assert.False(native.TimedOut, $"{string.Join(' ', command)} timed out natively");

        var guestArgs = new List<string> { $"--tier={Tier}", exe };
        guestArgs.AddRange(args);
        var guest = ProcessRunner.Run(TestPaths.Unijit, guestArgs, stdin, ProcessRunner.FixedEnvironment, CatalogueInputs.Directory, GuestTimeout);
        string input = "/dev/null";
        if (stdin.Length > 0)
        {
            // The input as a file in the work directory, so that the repro line can be pasted as is.
            input = Path.Combine(CatalogueInputs.Directory, "stdin-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stdin))[..12].ToLowerInvariant());
            if (!File.Exists(input))
            {
                string tmp = $"{input}.{Environment.CurrentManagedThreadId}";
                File.WriteAllBytes(tmp, stdin);
                File.Move(tmp, input, overwrite: true);
            }
        }
        string repro = $"cd {CatalogueInputs.Directory} && {TestPaths.Unijit} {string.Join(' ', guestArgs.Select(Quote))} < {input}";
        return (native, guest, repro);
    }

    static string? Compare(CatalogueCase c, ProcessResult native, ProcessResult guest)
    {
        if (c.Normalize != null)
        {
            native = native with { Stdout = c.Normalize(native.Stdout) };
            guest = guest with { Stdout = c.Normalize(guest.Stdout) };
        }
        return ProgramTestsBase.Compare(native, guest);
    }

    static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:+,@".Contains(c)) ? s : $"'{s.Replace("'", "'\\''")}'";
}

public sealed class CatalogueTestsInterp(ITestOutputHelper output) : CatalogueTestsBase(output)
{
    protected override string Tier => "interp";

    [Theory, MemberData(nameof(Cases), MemberType = typeof(CatalogueTestsBase))]
    public void MatchesNative(string name) => Check(name);
}

public sealed class CatalogueTestsJit(ITestOutputHelper output) : CatalogueTestsBase(output)
{
    protected override string Tier => "jit";

    [Theory, MemberData(nameof(Cases), MemberType = typeof(CatalogueTestsBase))]
    public void MatchesNative(string name) => Check(name);
}

public sealed class CatalogueTestsAuto(ITestOutputHelper output) : CatalogueTestsBase(output)
{
    protected override string Tier => "auto";

    [Theory, MemberData(nameof(Cases), MemberType = typeof(CatalogueTestsBase))]
    public void MatchesNative(string name) => Check(name);
}

/// <summary>Checks on the catalogue itself.</summary>
public class CatalogueListTests
{
    [Fact]
    public void NamesAreUniqueAndKnownFailuresNameRealCases()
    {
        Assert.Equal(Catalogue.All.Count, Catalogue.All.Select(c => c.Name).Distinct().Count());
        foreach (var e in CatalogueKnownFailures.Entries)
        {
            Assert.True(e.Name == "*" || Catalogue.All.Any(c => c.Name == e.Name), $"line {e.Line}: no catalogue case '{e.Name}'");
            Assert.True(e.Tier is "*" or "interp" or "jit" or "auto", $"line {e.Line}: tier must be interp, jit, auto or *");
            Assert.True(e.Reason.Length >= 10, $"line {e.Line}: give a real reason");
        }
    }

    [Fact]
    public void NativeRunsAreDeterministic()
    {
        // A command whose native output changes between runs would make its comparison meaningless.
        foreach (var c in Catalogue.All.Where(c => c.Name is "sqlite3" or "tar-create" or "gzip" or "ls-la-usr-lib"))
        {
            string exe = CatalogueTestsBase.Which(c.Command[0]);
            byte[] stdin = c.Stdin("auto");
            var a = ProcessRunner.Run(exe, c.Command[1..], stdin, ProcessRunner.FixedEnvironment, CatalogueInputs.Directory);
            var b = ProcessRunner.Run(exe, c.Command[1..], stdin, ProcessRunner.FixedEnvironment, CatalogueInputs.Directory);
            Assert.NotEmpty(a.Stdout);
            Assert.Equal(a.Stdout, b.Stdout);
            Assert.Equal(a.ExitCode, b.ExitCode);
        }
    }
}
