namespace UniJit.Tests.Python;

/// <summary>
/// Python runs known not to pass yet (known-failures.txt beside this file), each with its reason.
/// Keys: <c>case</c> or <c>case:tier</c>; a key without <c>#N</c> covers every run of that script;
/// <c>*</c> matches anything. As with the corpus list, a listed run must still fail.
/// </summary>
public static class PythonKnownFailures
{
    public sealed record Entry(string Case, string Tier, string Reason, int Line);

    public static string FilePath { get; } = Path.Combine(PythonCase.Directory, "..", "known-failures.txt");

    static readonly Lazy<IReadOnlyList<Entry>> entries = new(() => Parse(File.ReadAllLines(FilePath)));

    public static IReadOnlyList<Entry> Entries => entries.Value;

    public static IReadOnlyList<Entry> Parse(string[] lines)
    {
        var list = new List<Entry>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int sp = line.IndexOfAny([' ', '\t']);
            if (sp < 0) throw new FormatException($"{FilePath}:{i + 1}: '{line}' has no reason");
            var key = line[..sp].Split(':');
            if (key.Length > 2) throw new FormatException($"{FilePath}:{i + 1}: bad key '{line[..sp]}'");
            list.Add(new Entry(key[0], key.Length > 1 ? key[1] : "*", line[sp..].Trim(), i + 1));
        }
        return list;
    }

    public static Entry? Find(PythonCase c, string tier) =>
        Entries.FirstOrDefault(e => (e.Case == "*" || e.Case == c.Name || e.Case == c.Script) && (e.Tier == "*" || e.Tier == tier));

    /// <summary>For cases that are not scripts (the REPL sessions, <c>repl_NAME</c>).</summary>
    public static Entry? Find(string name, string tier) =>
        Entries.FirstOrDefault(e => (e.Case == "*" || e.Case == name) && (e.Tier == "*" || e.Tier == tier));
}
