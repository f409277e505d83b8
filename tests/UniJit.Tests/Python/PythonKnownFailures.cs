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

    /// <summary>Parsed by the corpus list's parser (one format for every known-failures.txt), keys of one
    /// or two parts.</summary>
    static readonly Lazy<IReadOnlyList<Entry>> entries = new(() =>
        Programs.KnownFailures.Parse(File.ReadAllLines(FilePath))
            .Select(e => e.Tier != "*"
                ? throw new FormatException($"{FilePath}:{e.Line}: key is case or case:tier")
                : new Entry(e.Program, e.Link, e.Reason, e.Line))
            .ToList());

    public static IReadOnlyList<Entry> Entries => entries.Value;

    public static Entry? Find(PythonCase c, string tier) =>
        Entries.FirstOrDefault(e => (e.Case == "*" || e.Case == c.Name || e.Case == c.Script) && (e.Tier == "*" || e.Tier == tier));

    /// <summary>For cases that are not scripts (the REPL sessions, <c>repl_NAME</c>).</summary>
    public static Entry? Find(string name, string tier) =>
        Entries.FirstOrDefault(e => (e.Case == "*" || e.Case == name) && (e.Tier == "*" || e.Tier == tier));
}
