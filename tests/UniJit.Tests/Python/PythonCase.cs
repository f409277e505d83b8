using System.Text;
using UniJit.Tests.Programs;
using UniJit.Tests.Support;

namespace UniJit.Tests.Python;

/// <summary>
/// One run of Debian's CPython (<c>/usr/bin/python3</c>) on a script of Python/scripts. A script's
/// header comments (its first 10 lines) may give <c># run: ARGS</c> (the python command line after
/// <c>python3</c>; double quotes group; several lines make several cases <c>script#1</c>, <c>script#2</c>,
/// ...; default: the script's own file name) and <c># stdin: text</c> (C escapes \n \t \\; <c>@self</c>
/// feeds the script itself) and <c># tiers: interp auto</c> (default: all three; the jit tier compiles
/// every block at first use, ~10x the interpreter's start-up, so scripts that only exercise the
/// command line rather than new guest code leave it out to keep ./test short). Runs happen in the scripts folder, so tracebacks name relative paths.
/// </summary>
public sealed class PythonCase
{
    public required string Name { get; init; }
    public required string Script { get; init; }
    public required IReadOnlyList<string> Args { get; init; }
    public byte[] Stdin { get; init; } = [];
    public IReadOnlyList<string> Tiers { get; init; } = AllTiers;

    public static readonly string[] AllTiers = ["interp", "jit", "auto"];

    /// <summary>The guest and the native oracle: Debian's build (the <c>python3</c> on PATH may be another one).</summary>
    public const string Python = "/usr/bin/python3";

    public static string Directory { get; } = Path.Combine(TestPaths.Repo, "tests", "UniJit.Tests", "Python", "scripts");

    /// <summary>The fixed test environment plus PYTHONHASHSEED=0, so set and dict-of-str orders repeat.</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } =
        new Dictionary<string, string>(ProcessRunner.FixedEnvironment) { ["PYTHONHASHSEED"] = "0" };

    static readonly Lazy<IReadOnlyDictionary<string, PythonCase>> all = new(Load);

    public static IReadOnlyDictionary<string, PythonCase> All => all.Value;

    static IReadOnlyDictionary<string, PythonCase> Load()
    {
        var result = new SortedDictionary<string, PythonCase>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.py"))
        {
            string file = Path.GetFileName(path), script = Path.GetFileNameWithoutExtension(path);
            var runs = new List<List<string>>();
            byte[] stdin = [];
            IReadOnlyList<string> tiers = AllTiers;
            foreach (var line in File.ReadLines(path).Take(10))
            {
                if (line.StartsWith("# run:", StringComparison.Ordinal)) runs.Add(CorpusProgram.SplitArgs(line[6..]));
                else if (line.StartsWith("# tiers:", StringComparison.Ordinal)) tiers = CorpusProgram.SplitArgs(line[8..]);
                else if (line.StartsWith("# stdin:", StringComparison.Ordinal))
                {
                    string text = line[8..].Trim();
                    stdin = text == "@self" ? File.ReadAllBytes(path) : Encoding.UTF8.GetBytes(Unescape(text));
                }
            }
            if (runs.Count == 0) runs.Add([file]);
            for (int i = 0; i < runs.Count; i++)
            {
                string name = runs.Count == 1 ? script : $"{script}#{i + 1}";
                result[name] = new PythonCase { Name = name, Script = script, Args = runs[i], Stdin = stdin, Tiers = tiers };
            }
        }
        return result;
    }

    static string Unescape(string s) =>
        s.Replace("\\\\", "\u0001").Replace("\\n", "\n").Replace("\\t", "\t").Replace("\u0001", "\\");

    public override string ToString() => Name;
}
