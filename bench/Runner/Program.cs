using System.Diagnostics;
using System.Globalization;

// Whole-program benchmark: builds bench/programs/*.c with gcc -O2 -static, runs each natively, under
// UniJit (in the tiers asked for) and under qemu-x86_64, alternating the runners in every round, and
// prints medians, ratios and peak memory. Outputs are compared with the native run's. With Debian's
// /usr/bin/python3 present, Python rows follow: start-up (`-c pass`, `-S -c pass`) and the pure-Python
// workloads of bench/python/*.py (named py-*), run by that python3 natively, under UniJit and under qemu. Start-up rows
// (startup-true, startup-ls, startup-sqlite3) run dynamically linked Debian programs the same way.
//
//   dotnet run -c Release --project bench/Runner -- [--runs N] [--tiers jit,interp] [--only a,b] [--scale N] [--cpu]
//
// --cpu times each run by its CPU time (user + sys, all threads, from GNU time) instead of wall-clock
// time: on a loaded shared machine wall-clock time mostly measures the other load.
// Tiers: auto, interp and jit run with --no-cache (every run starts cold); "warm" is the auto tier with
// the translation cache (bench/.build/cache/ROW, one per row) filled by five unmeasured runs first. Its runs wait for any
// cache build they start (UNIJIT_CACHE_WAIT=1), so that work is in their time, not in another row's.

var root = FindRoot();
int runs = 5, scale = 1;
bool cpu = false;
var tiers = new List<string> { "auto" };
string[]? only = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i]); break;
        case "--scale": scale = int.Parse(args[++i]); break;
        case "--tiers": tiers = args[++i].Split(',').ToList(); break;
        case "--only": only = args[++i].Split(','); break;
        case "--cpu": cpu = true; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

string unijit = Path.Combine(root, ".build", "unijit", "unijit");
Run(Path.Combine(root, "unijit"), "--version"); // builds UniJit if needed
string? qemu = new[] { "/usr/bin/qemu-x86_64", "/usr/bin/qemu-x86_64-static" }.FirstOrDefault(File.Exists);
bool haveTime = File.Exists("/usr/bin/time");
if (qemu == null) Console.Error.WriteLine("note: qemu-x86_64 not found (apt-get install qemu-user); its column is left out");
if (!haveTime) Console.Error.WriteLine("note: /usr/bin/time not found (apt-get install time); peak memory is left out");

string outDir = Path.Combine(root, "bench", ".build");
Directory.CreateDirectory(outDir);
const string Python = "/usr/bin/python3";
// (row name, C source to build or null, the guest command line after the runner's own prefix)
var programs = Directory.GetFiles(Path.Combine(root, "bench", "programs"), "*.c").OrderBy(p => p)
    .Select(p => (name: Path.GetFileNameWithoutExtension(p), src: (string?)p,
                  cmd: new[] { Path.Combine(outDir, Path.GetFileNameWithoutExtension(p)), scale.ToString() }))
    .ToList();
if (File.Exists(Python))
{
    programs.Add(("py-start", null, [Python, "-c", "pass"]));
    programs.Add(("py-start-S", null, [Python, "-S", "-c", "pass"]));
    foreach (var py in Directory.GetFiles(Path.Combine(root, "bench", "python"), "*.py").OrderBy(p => p))
        programs.Add(("py-" + Path.GetFileNameWithoutExtension(py), null, [Python, py, scale.ToString()]));
}
else Console.Error.WriteLine($"note: {Python} not found (apt-get install python3.11); the Python rows are left out");
programs = programs.Where(p => only == null || only.Contains(p.name)).ToList();

var runners = new List<(string name, Func<string, string[]> cmd)> { ("native", exe => [exe]) };
foreach (var t in tiers)
    runners.Add(($"unijit-{t}", exe => t == "warm" ? [unijit, "--tier=auto", exe] : [unijit, $"--tier={t}", "--no-cache", exe]));
string cacheDir = Path.Combine(root, "bench", ".build", "cache");
if (qemu != null) runners.Add(("qemu", exe => [qemu, exe]));

if (cpu && !haveTime) { Console.Error.WriteLine("--cpu needs /usr/bin/time (apt-get install time)"); return 2; }
Console.WriteLine($"# {runs} runs per cell, scale {scale}, medians of {(cpu ? "CPU time (user+sys)" : "wall-clock time")}; {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
var header = new List<string> { "program" };
foreach (var r in runners) header.Add($"{r.name} s");
foreach (var r in runners.Skip(1)) header.Add($"{r.name}/native");
foreach (var t in tiers) if (qemu != null) header.Add($"unijit-{t}/qemu");
foreach (var r in runners) header.Add($"{r.name} MB");
Console.WriteLine(string.Join(" | ", header));
// Geometric means per group (the C suite, the Python workloads, the start-up rows), over the rows whose
// denominator is measurable: a CPU time of 0.000 (below /usr/bin/time's 10 ms) gives no ratio.
static string Group(string name) => name.StartsWith("py-") ? "python" : name.StartsWith("startup-") ? "startup" : "C suite";
var ratios = new Dictionary<(string group, string runner), List<double>>();
var vsQemu = new Dictionary<(string group, string tier), List<double>>();
void AddRatio<TKey>(Dictionary<TKey, List<double>> d, TKey key, double r) where TKey : notnull
{
    if (!d.TryGetValue(key, out var l)) d[key] = l = new List<double>();
    l.Add(r);
}
static string Ratio(double num, double den) => den < 0.005 ? "n/a" : (num / den).ToString("F2", CultureInfo.InvariantCulture) + "x";

var cases = new List<(string name, string exe, string[] args)>();
foreach (var (name, src, cmd) in programs)
{
    string exe = cmd[0];
    if (src != null && (!File.Exists(exe) || File.GetLastWriteTimeUtc(exe) < File.GetLastWriteTimeUtc(src)))
        Run("gcc", "-O2", "-static", "-o", exe, src, "-lm");
    cases.Add((name, exe, cmd.Skip(1).ToArray()));
}
// Start-up rows: dynamically linked Debian programs (the distribution's ld-linux loads libc etc.)
// whose run is mostly process, loader and library start-up.
const string StartupSql = "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); " +
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000) INSERT INTO t SELECT i, printf('r%d', i) FROM c; " +
    "CREATE INDEX tb ON t(b); SELECT count(*), max(b) FROM t WHERE a % 7 = 0;";
foreach (var (name, exe, a) in new (string, string, string[])[]
{
    ("startup-true", "/bin/true", []),
    ("startup-ls", "/bin/ls", ["-la", "/usr/lib"]),
    ("startup-sqlite3", "/usr/bin/sqlite3", [":memory:", StartupSql]),
})
    if ((only == null || only.Contains(name)) && File.Exists(exe)) cases.Add((name, exe, a));

foreach (var (name, exe, caseArgs) in cases)
{
    var times = runners.ToDictionary(r => r.name, _ => new List<double>());
    var mem = runners.ToDictionary(r => r.name, _ => 0L);
    string? expected = null;
    cacheDir = Path.Combine(root, "bench", ".build", "cache", name);
    if (tiers.Contains("warm"))
        for (int k = 0; k < 5; k++) Measure([unijit, "--tier=auto", exe, .. caseArgs]);
    for (int round = 0; round < runs; round++)
    {
        foreach (var r in runners)
        {
            var (secs, kb, output) = Measure(r.cmd(exe).Concat(caseArgs).ToArray());
            expected ??= output;
            if (output != expected) Console.Error.WriteLine($"warning: {name} under {r.name} printed different output");
            times[r.name].Add(secs);
            mem[r.name] = Math.Max(mem[r.name], kb);
        }
    }
    var med = runners.ToDictionary(r => r.name, r => Median(times[r.name]));
    var row = new List<string> { name };
    foreach (var r in runners) row.Add(med[r.name].ToString("F3", CultureInfo.InvariantCulture));
    foreach (var r in runners.Skip(1))
    {
        if (med["native"] >= 0.005) AddRatio(ratios, (Group(name), r.name), med[r.name] / med["native"]);
        row.Add(Ratio(med[r.name], med["native"]));
    }
    foreach (var t in tiers)
        if (qemu != null)
        {
            if (med["qemu"] >= 0.005) AddRatio(vsQemu, (Group(name), t), med[$"unijit-{t}"] / med["qemu"]);
            row.Add(Ratio(med[$"unijit-{t}"], med["qemu"]));
        }
    foreach (var r in runners) row.Add(haveTime ? (mem[r.name] / 1024.0).ToString("F1", CultureInfo.InvariantCulture) : "-");
    Console.WriteLine(string.Join(" | ", row));
}
foreach (var ((group, runner), l) in ratios)
    Console.WriteLine($"geometric mean {runner}/native, {group} ({l.Count} rows): {GeoMean(l):F2}x");
foreach (var ((group, t), l) in vsQemu)
    Console.WriteLine($"geometric mean unijit-{t}/qemu, {group} ({l.Count} rows): {GeoMean(l):F2}x");
return 0;

(double secs, long kb, string output) Measure(string[] cmd)
{
    var psi = new ProcessStartInfo(haveTime ? "/usr/bin/time" : cmd[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.Environment["UNIJIT_CACHE_DIR"] = cacheDir;
    psi.Environment["UNIJIT_CACHE_WAIT"] = "1";
    if (haveTime) { psi.ArgumentList.Add("-f"); psi.ArgumentList.Add("@@%M %U %S"); foreach (var a in cmd) psi.ArgumentList.Add(a); }
    else foreach (var a in cmd.Skip(1)) psi.ArgumentList.Add(a);
    var sw = Stopwatch.StartNew();
    using var p = Process.Start(psi)!;
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEnd();
    p.WaitForExit();
    sw.Stop();
    long kb = 0;
    double cpuSecs = double.NaN;
    var line = stderr.Split('\n').LastOrDefault(l => l.StartsWith("@@"));
    if (line != null)
    {
        var f = line[2..].Split(' ');
        long.TryParse(f[0], out kb);
        if (f.Length == 3) cpuSecs = double.Parse(f[1], CultureInfo.InvariantCulture) + double.Parse(f[2], CultureInfo.InvariantCulture);
    }
    return (cpu ? cpuSecs : sw.Elapsed.TotalSeconds, kb, stdout.Result + $"[exit {p.ExitCode}]");
}

static double Median(List<double> xs)
{
    var s = xs.OrderBy(x => x).ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
}

static double GeoMean(List<double> xs) => xs.Count == 0 ? double.NaN : Math.Exp(xs.Average(Math.Log));

static void Run(string file, params string[] a)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true };
    foreach (var x in a) psi.ArgumentList.Add(x);
    using var p = Process.Start(psi)!;
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new Exception($"{file} {string.Join(' ', a)} failed with {p.ExitCode}");
}

static string FindRoot()
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d != null && !File.Exists(Path.Combine(d.FullName, "UniJit.sln"))) d = d.Parent;
    return d?.FullName ?? throw new Exception("cannot find the repository root (UniJit.sln)");
}
