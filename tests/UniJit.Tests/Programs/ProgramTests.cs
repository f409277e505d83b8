using System.Collections.Concurrent;
using UniJit.Tests.Support;
using Xunit.Abstractions;

namespace UniJit.Tests.Programs;

/// <summary>
/// Every corpus program, linked static and static-PIE, runs natively and under <c>unijit</c>; stdout,
/// stderr and the exit status must match byte for byte. A program that dies by a signal natively
/// must die by the same signal under UniJit, with the same stdout and the native stderr plus exactly
/// one line of UniJit's own starting "unijit: ". One subclass per tier, so that the tiers run in
/// parallel with each other; runs listed in known-failures.txt must still fail (see <see cref="KnownFailures"/>).
/// </summary>
public abstract class ProgramTestsBase(ITestOutputHelper output)
{
    protected abstract string Tier { get; }

    /// <summary>Variables added to the guest's run (on top of the fixed environment).</summary>
    protected virtual IReadOnlyDictionary<string, string>? ExtraEnvironment => null;

    public static IEnumerable<object[]> Cases =>
        from p in CorpusProgram.All.Keys
        from l in ProgramCompiler.LinkModes
        select new object[] { p, l };

    static readonly ConcurrentDictionary<string, Lazy<ProcessResult>> nativeRuns = new();
    static readonly TimeSpan NativeTimeout = TimeSpan.FromSeconds(20);
    static readonly TimeSpan GuestTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The auto tier's runs use a low hotness threshold (the default, 3000 block entries, leaves
    /// most of these short programs interpreted), so that they switch from the interpreter to translated
    /// code in mid-run, which is what the auto tier adds to the other two.</summary>
    static readonly IReadOnlyDictionary<string, string> AutoEnvironment =
        new Dictionary<string, string>(ProcessRunner.FixedEnvironment) { ["UNIJIT_HOT"] = "50" };

    protected void Check(string name, string link)
    {
        var program = CorpusProgram.All[name];
        string binary = ProgramCompiler.Get(program, link);
        var native = nativeRuns.GetOrAdd(binary, b => new Lazy<ProcessResult>(() => RunNative(program, b))).Value;
        Assert.False(native.TimedOut, $"{name} ({link}) timed out natively after {NativeTimeout.TotalSeconds}s");

        var guestArgs = new List<string> { $"--tier={Tier}", binary };
        guestArgs.AddRange(program.Args);
        var env = Tier == "auto" ? AutoEnvironment : ProcessRunner.FixedEnvironment;
        if (ExtraEnvironment != null) env = env.Concat(ExtraEnvironment).ToDictionary();
        var guest = ProcessRunner.Run(TestPaths.Unijit, guestArgs, program.Stdin, env, timeout: GuestTimeout);
        string? problem = Compare(native, guest);
        string what = $"{name}:{link}:{Tier}" + (ExtraEnvironment == null ? "" : ":" + string.Join(',', ExtraEnvironment.Select(kv => $"{kv.Key}={kv.Value}")));
        string repro = $"{TestPaths.Unijit} {string.Join(' ', guestArgs.Select(Quote))}";
        output.WriteLine($"{what}: native {native.Elapsed.TotalMilliseconds:F0} ms, unijit {guest.Elapsed.TotalMilliseconds:F0} ms");

        var known = KnownFailures.Find(name, link, Tier);
        if (problem == null)
        {
            if (known != null)
                Assert.Fail($"{what} passes but is listed in known-failures.txt line {known.Line} ({known.Reason}): remove that entry");
            return;
        }
        string report = $"{what} differs from native.\n  repro: {repro}\n{problem}";
        if (known != null)
        {
            output.WriteLine($"KNOWN-FAILURE: {what} (known-failures.txt line {known.Line}: {known.Reason})");
            output.WriteLine(report);
            return;
        }
        Assert.Fail(report);
    }

    static ProcessResult RunNative(CorpusProgram program, string binary) =>
        ProcessRunner.Run(binary, program.Args, program.Stdin, ProcessRunner.FixedEnvironment, timeout: NativeTimeout);

    /// <summary>Null when UniJit's run is indistinguishable from the native one, else what differs.</summary>
    public static string? Compare(ProcessResult native, ProcessResult guest)
    {
        var problems = new List<string>();
        if (guest.TimedOut) problems.Add($"unijit timed out after {guest.Elapsed.TotalSeconds:F0}s");
        if (native.ExitCode != guest.ExitCode)
            problems.Add($"exit status: expected {Status(native.ExitCode)}, got {Status(guest.ExitCode)}");
        string stdoutDiff = TextDiff.Describe("stdout", native.Stdout, guest.Stdout);
        if (stdoutDiff.Length > 0) problems.Add(stdoutDiff);
        var ownLines = guest.StderrText.Split('\n').Where(l => l.StartsWith("unijit: ", StringComparison.Ordinal)).ToList();
        if (native.ExitCode > 128)
        {
            // Death by signal: UniJit adds exactly one line of its own report to the native stderr.
            byte[] rest = System.Text.Encoding.UTF8.GetBytes(string.Join('\n',
                guest.StderrText.Split('\n').Where(l => !l.StartsWith("unijit: ", StringComparison.Ordinal))));
            byte[] nativeErr = System.Text.Encoding.UTF8.GetBytes(native.StderrText);
            string errDiff = TextDiff.Describe("stderr (without unijit's report)", nativeErr, rest);
            if (errDiff.Length > 0) problems.Add(errDiff);
            if (ownLines.Count != 1)
                problems.Add($"stderr should hold exactly one 'unijit: ' line reporting the signal, found {ownLines.Count}");
        }
        else
        {
            string errDiff = TextDiff.Describe("stderr", native.Stderr, guest.Stderr);
            if (errDiff.Length > 0) problems.Add(errDiff);
        }
        if (problems.Count == 0) return null;
        if (ownLines.Count > 0)
            problems.Add("unijit said:\n" + string.Join('\n', ownLines.Take(10).Select(l => "    " + l)));
        return string.Join('\n', problems);
    }

    static string Status(int code) => code > 128 && code < 128 + 65
        ? $"{code} (killed by {UniJit.Runtime.Dispatch.Signals.Name(code - 128)})"
        : code.ToString();

    static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:+,".Contains(c)) ? s : $"'{s}'";
}

public sealed class ProgramTestsInterp(ITestOutputHelper output) : ProgramTestsBase(output)
{
    protected override string Tier => "interp";

    [Theory, MemberData(nameof(Cases), MemberType = typeof(ProgramTestsBase))]
    public void MatchesNative(string program, string link) => Check(program, link);
}

public sealed class ProgramTestsJit(ITestOutputHelper output) : ProgramTestsBase(output)
{
    protected override string Tier => "jit";

    [Theory, MemberData(nameof(Cases), MemberType = typeof(ProgramTestsBase))]
    public void MatchesNative(string program, string link) => Check(program, link);
}

public sealed class ProgramTestsAuto(ITestOutputHelper output) : ProgramTestsBase(output)
{
    protected override string Tier => "auto";

    [Theory, MemberData(nameof(Cases), MemberType = typeof(ProgramTestsBase))]
    public void MatchesNative(string program, string link) => Check(program, link);
}

/// <summary>The jit tier with the guest window wherever the kernel puts it (<c>UNIJIT_WINDOW=anywhere</c>), as on
/// a host whose low 16 TiB are taken: translated code then adds the window's base to every guest address
/// (by default the window is at host address 0 and it adds nothing).</summary>
public sealed class ProgramTestsWindowAnywhere(ITestOutputHelper output) : ProgramTestsBase(output)
{
    protected override string Tier => "jit";
    protected override IReadOnlyDictionary<string, string> ExtraEnvironment { get; } =
        new Dictionary<string, string> { ["UNIJIT_WINDOW"] = "anywhere" };

    [Theory, MemberData(nameof(Cases), MemberType = typeof(ProgramTestsBase))]
    public void MatchesNative(string program, string link) => Check(program, link);
}
