using System.Text;
using UniJit.Tests.Support;

namespace UniJit.Tests.Programs;

/// <summary>
/// One C or C++ source file of the corpus (Programs/corpus), with what its header comments ask for:
/// <c>// args: a "b c"</c> (extra arguments, double quotes group), <c>// stdin: text\n</c> (standard
/// input, C escapes \n \t \\), <c>// cflags: -O3</c> (replaces the default -O2).
/// </summary>
public sealed class CorpusProgram
{
    public required string Name { get; init; }
    public required string SourcePath { get; init; }
    public bool IsCpp => SourcePath.EndsWith(".cpp", StringComparison.Ordinal);
    public IReadOnlyList<string> Args { get; init; } = [];
    public byte[] Stdin { get; init; } = [];
    public IReadOnlyList<string> CFlags { get; init; } = ["-O2"];

    public static string Directory { get; } = Path.Combine(TestPaths.Repo, "tests", "UniJit.Tests", "Programs", "corpus");

    static readonly Lazy<IReadOnlyDictionary<string, CorpusProgram>> all = new(Load);

    public static IReadOnlyDictionary<string, CorpusProgram> All => all.Value;

    static IReadOnlyDictionary<string, CorpusProgram> Load()
    {
        var result = new SortedDictionary<string, CorpusProgram>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            if (!path.EndsWith(".c", StringComparison.Ordinal) && !path.EndsWith(".cpp", StringComparison.Ordinal)) continue;
            string name = Path.GetFileNameWithoutExtension(path);
            if (result.ContainsKey(name)) throw new InvalidOperationException($"two corpus programs named {name}");
            IReadOnlyList<string> args = [], cflags = ["-O2"];
            byte[] stdin = [];
            foreach (var line in File.ReadLines(path).Take(5))
            {
                if (line.StartsWith("// args:", StringComparison.Ordinal)) args = SplitArgs(line[8..]);
                else if (line.StartsWith("// stdin:", StringComparison.Ordinal)) stdin = Encoding.UTF8.GetBytes(Unescape(line[9..].TrimStart()));
                else if (line.StartsWith("// cflags:", StringComparison.Ordinal)) cflags = SplitArgs(line[10..]);
            }
            result[name] = new CorpusProgram { Name = name, SourcePath = path, Args = args, Stdin = stdin, CFlags = cflags };
        }
        return result;
    }

    /// <summary>Splits on blanks; double quotes group (and may make an empty argument).</summary>
    public static List<string> SplitArgs(string s)
    {
        var list = new List<string>();
        var cur = new StringBuilder();
        bool inQuotes = false, have = false;
        foreach (char c in s)
        {
            if (c == '"') { inQuotes = !inQuotes; have = true; }
            else if (char.IsWhiteSpace(c) && !inQuotes) { if (have) list.Add(cur.ToString()); cur.Clear(); have = false; }
            else { cur.Append(c); have = true; }
        }
        if (have) list.Add(cur.ToString());
        return list;
    }

    static string Unescape(string s) =>
        s.Replace("\\\\", "\u0001").Replace("\\n", "\n").Replace("\\t", "\t").Replace("\u0001", "\\");

    public override string ToString() => Name;
}
