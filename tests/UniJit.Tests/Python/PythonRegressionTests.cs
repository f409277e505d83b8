using System.Xml.Linq;
using UniJit.Tests.Support;
using Xunit.Abstractions;

namespace UniJit.Tests.Python;

/// <summary>
/// Modules of CPython's regression suite (<c>python3 -m test MODULE</c>, from Debian's
/// libpython3.11-testsuite) run natively and under <c>unijit --tier=auto</c>; every test case
/// (from regrtest's <c>--junit-xml</c> report) must have the same outcome (ok, failure, error,
/// skipped, expected failure, unexpected success) and the module the same overall result.
/// regrtest.txt lists the modules: <c>ci</c> ones run in ./test, the rest only when
/// UNIJIT_PY_REGRTEST=all (or a comma-separated list of modules) is set. Its <c>exit-status REASON</c>
/// line, while present, leaves regrtest's exit status out of the comparison (it is logged).
/// </summary>
public sealed class PythonRegressionTests(ITestOutputHelper output)
{
    public sealed record Module(string Name, bool Ci, string? KnownReason, int Line);

    public static string ListPath { get; } = Path.Combine(PythonCase.Directory, "..", "regrtest.txt");

    /// <summary>Why the exit status is not compared yet (regrtest.txt's <c>exit-status</c> line), or null.</summary>
    public static string? ExitStatusIgnored { get; } = File.ReadAllLines(ListPath)
        .Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("exit-status ", StringComparison.Ordinal))?[12..].Trim();

    public static IReadOnlyList<Module> All { get; } = File.ReadAllLines(ListPath)
        .Select((l, i) => (l: l.Trim(), i))
        .Where(x => x.l.Length > 0 && !x.l.StartsWith('#') && !x.l.StartsWith("exit-status ", StringComparison.Ordinal))
        .Select(x =>
        {
            var parts = x.l.Split((char[])[' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[1] is not ("ci" or "full"))
                throw new FormatException($"regrtest.txt:{x.i + 1}: expected MODULE ci|full [REASON]");
            return new Module(parts[0], parts[1] == "ci", parts.Length > 2 ? parts[2].Trim() : null, x.i + 1);
        }).ToList();

    public static IEnumerable<object[]> Selected
    {
        get
        {
            string? sel = Environment.GetEnvironmentVariable("UNIJIT_PY_REGRTEST");
            var names = sel is { Length: > 0 } and not "all" ? sel.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet() : null;
            return All.Where(m => names != null ? names.Contains(m.Name) : sel == "all" || m.Ci).Select(m => new object[] { m.Name });
        }
    }

    static readonly TimeSpan NativeTimeout = TimeSpan.FromMinutes(5);
    static readonly TimeSpan GuestTimeout = TimeSpan.FromMinutes(40);

    [Theory, MemberData(nameof(Selected))]
    public void SameResultsAsNative(string module)
    {
        var m = All.First(x => x.Name == module);
        string dir = Path.Combine(Path.GetTempPath(), $"unijit-regrtest-{Environment.ProcessId}-{module}");
        Directory.CreateDirectory(dir);
        try
        {
            var native = Run(PythonCase.Python, [], module, Path.Combine(dir, "native.xml"), dir, NativeTimeout);
            var guest = Run(TestPaths.Unijit, ["--tier=auto", PythonCase.Python], module, Path.Combine(dir, "guest.xml"), dir, GuestTimeout);
            output.WriteLine($"{module}: native {native.Run.Elapsed.TotalSeconds:F1} s, unijit {guest.Run.Elapsed.TotalSeconds:F1} s, {native.Cases.Count} test cases");
            Assert.True(native.Cases.Count > 0 || native.Result != null, $"{module}: no native results\n{Tail(native.Run.StdoutText + native.Run.StderrText)}");

            string? problem = Compare(native, guest);
            if (native.Run.ExitCode != guest.Run.ExitCode)
            {
                string status = $"exit status: native {native.Run.ExitCode}, unijit {guest.Run.ExitCode}";
                if (ExitStatusIgnored != null) output.WriteLine($"{status} (not compared: {ExitStatusIgnored})");
                else problem = problem == null ? status : status + "\n" + problem;
            }
            string repro = $"cd /tmp && PYTHONHASHSEED=0 {TestPaths.Unijit} --tier=auto {PythonCase.Python} -m test -v {module}";
            if (problem == null)
            {
                if (m.KnownReason != null)
                    Assert.Fail($"{module} now matches native but regrtest.txt line {m.Line} lists it ({m.KnownReason}): remove the reason");
                return;
            }
            string report = $"{module} differs from native.\n  repro: {repro}\n{problem}";
            if (m.KnownReason != null)
            {
                output.WriteLine($"KNOWN-FAILURE: {module} (regrtest.txt line {m.Line}: {m.KnownReason})");
                output.WriteLine(report);
                return;
            }
            Assert.Fail(report);
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }

    sealed record Outcome(ProcessResult Run, string? Result, List<(string Name, string Outcome, string Detail)> Cases);

    static Outcome Run(string file, List<string> prefix, string module, string xml, string dir, TimeSpan timeout)
    {
        var args = new List<string>(prefix) { "-m", "test", module, "--junit-xml", xml };
        var r = ProcessRunner.Run(file, args, null, PythonCase.Environment, dir, timeout);
        string? result = r.StdoutText.Split('\n').LastOrDefault(l => l.StartsWith("Tests result: ", StringComparison.Ordinal))?.Trim();
        var cases = new List<(string, string, string)>();
        if (File.Exists(xml))
        {
            try
            {
                foreach (var tc in XDocument.Load(xml).Descendants("testcase"))
                {
                    var kinds = tc.Elements().Select(e => e.Name.LocalName).Where(n => n is not ("system-out" or "system-err")).ToList();
                    string outcome = kinds.Count == 0 ? "ok" : kinds[0] switch
                    {
                        "output" => "expected failure",
                        "outcome" => "unexpected success",
                        var k => k,
                    };
                    var detail = tc.Elements().FirstOrDefault(e => e.Name.LocalName is "failure" or "error" or "skipped");
                    cases.Add(((string?)tc.Attribute("name") ?? "?", outcome,
                        detail == null ? "" : ((string?)detail.Attribute("message") ?? detail.Value).Trim()));
                }
            }
            catch (System.Xml.XmlException) { }
        }
        return new Outcome(r, result, cases);
    }

    static string? Compare(Outcome native, Outcome guest)
    {
        var problems = new List<string>();
        if (guest.Run.TimedOut) problems.Add($"unijit timed out after {guest.Run.Elapsed.TotalMinutes:F0} min");
        if (native.Result != guest.Result) problems.Add($"overall: native '{native.Result}', unijit '{guest.Result ?? "(none)"}'");
        var g = guest.Cases.GroupBy(c => c.Name).ToDictionary(x => x.Key, x => x.ToList());
        var n = native.Cases.GroupBy(c => c.Name).ToDictionary(x => x.Key, x => x.ToList());
        var diffs = new List<string>();
        foreach (var (name, list) in n)
        {
            var gl = g.GetValueOrDefault(name) ?? [];
            for (int i = 0; i < list.Count; i++)
            {
                string got = i < gl.Count ? gl[i].Outcome : "(not run)";
                if (got != list[i].Outcome)
                    diffs.Add($"  {name}: native {list[i].Outcome}, unijit {got}{(i < gl.Count && gl[i].Detail.Length > 0 ? ": " + Shorten(gl[i].Detail) : "")}");
            }
        }
        foreach (var name in g.Keys.Where(k => !n.ContainsKey(k))) diffs.Add($"  {name}: not run natively, unijit {g[name][0].Outcome}");
        if (diffs.Count > 0) problems.Add($"{diffs.Count} test cases differ:\n" + string.Join('\n', diffs.Take(25)));
        if (problems.Count == 0) return null;
        problems.Add("unijit's output ends:\n" + Tail(guest.Run.StdoutText + guest.Run.StderrText));
        return string.Join('\n', problems);
    }

    static string Shorten(string s) { s = s.Replace('\n', ' '); return s.Length > 300 ? s[..300] + "..." : s; }

    static string Tail(string s) => string.Join('\n', s.Split('\n').TakeLast(25).Select(l => "    " + l));
}
