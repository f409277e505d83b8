using UniJit.Tests.Programs;

namespace UniJit.Tests.Python;

/// <summary>
/// Python runs known not to pass yet (known-failures.txt beside this file), each with its reason.
/// Keys: <c>case</c> or <c>case:tier</c>; a key without <c>#N</c> covers every run of that script;
/// <c>*</c> matches anything. As with the corpus list, a listed run must still fail.
/// </summary>
public static class PythonKnownFailures
{
    public static string FilePath { get; } = Path.Combine(PythonCase.Directory, "..", "known-failures.txt");

    static readonly Lazy<IReadOnlyList<KnownFailures.NamedEntry>> entries = new(() => KnownFailures.ParseNamed(FilePath));

    public static IReadOnlyList<KnownFailures.NamedEntry> Entries => entries.Value;

    /// <summary>A script's case matches by its name or its script's name.</summary>
    public static KnownFailures.NamedEntry? Find(PythonCase c, string tier) => KnownFailures.FindNamed(Entries, tier, c.Name, c.Script);

    /// <summary>For cases that are not scripts (the REPL sessions, <c>repl_NAME</c>).</summary>
    public static KnownFailures.NamedEntry? Find(string name, string tier) => KnownFailures.FindNamed(Entries, tier, name);
}
