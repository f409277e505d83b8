namespace UniJit.Tests.Programs;

/// <summary>
/// The one list of corpus runs that are known not to pass yet (known-failures.txt beside this file),
/// each with its reason. A listed run is still executed: it must still fail (then the test passes
/// and says so), and a listed run that passes fails the test, so the list never goes stale.
/// Keys: <c>program</c>, <c>program:link</c> or <c>program:link:tier</c>; <c>*</c> matches anything.
/// </summary>
public static class KnownFailures
{
    public sealed record Entry(string Program, string Link, string Tier, string Reason, int Line);

    public static string FilePath { get; } = Path.Combine(CorpusProgram.Directory, "..", "known-failures.txt");

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
            if (sp < 0) throw new FormatException($"known-failures.txt:{i + 1}: '{line}' has no reason");
            var key = line[..sp].Split(':');
            if (key.Length > 3) throw new FormatException($"known-failures.txt:{i + 1}: bad key '{line[..sp]}'");
            list.Add(new Entry(key[0], key.Length > 1 ? key[1] : "*", key.Length > 2 ? key[2] : "*", line[sp..].Trim(), i + 1));
        }
        return list;
    }

    /// <summary>A list whose keys have one or two parts (<c>name</c> or <c>name:tier</c>), as the
    /// Python and catalogue lists do: the same format and parser, a shorter key.</summary>
    public sealed record NamedEntry(string Name, string Tier, string Reason, int Line);

    public static IReadOnlyList<NamedEntry> ParseNamed(string path) =>
        Parse(File.ReadAllLines(path))
            .Select(e => e.Tier != "*"
                ? throw new FormatException($"{path}:{e.Line}: key is name or name:tier")
                : new NamedEntry(e.Program, e.Link, e.Reason, e.Line))
            .ToList();

    public static NamedEntry? FindNamed(IReadOnlyList<NamedEntry> entries, string tier, params string[] names) =>
        entries.FirstOrDefault(e => (e.Name == "*" || names.Contains(e.Name)) && Match(e.Tier, tier));

    public static Entry? Find(string program, string link, string tier) =>
        Entries.FirstOrDefault(e => Match(e.Program, program) && Match(e.Link, link) && Match(e.Tier, tier));

    static bool Match(string pattern, string value) => pattern == "*" || pattern == value;
}
