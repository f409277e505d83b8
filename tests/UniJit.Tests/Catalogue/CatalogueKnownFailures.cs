using UniJit.Tests.Programs;

namespace UniJit.Tests.Catalogue;

/// <summary>
/// Catalogue runs known not to pass yet (known-failures.txt beside this file), with the same rules as
/// the corpus list (<see cref="Programs.KnownFailures"/>): a listed run is still executed and must
/// still fail. Keys: <c>name</c> or <c>name:tier</c>.
/// </summary>
public static class CatalogueKnownFailures
{
    public static string FilePath { get; } =
        Path.Combine(Support.TestPaths.Repo, "tests", "UniJit.Tests", "Catalogue", "known-failures.txt");

    static readonly Lazy<IReadOnlyList<KnownFailures.NamedEntry>> entries = new(() => KnownFailures.ParseNamed(FilePath));

    public static IReadOnlyList<KnownFailures.NamedEntry> Entries => entries.Value;

    public static KnownFailures.NamedEntry? Find(string name, string tier) => KnownFailures.FindNamed(Entries, tier, name);
}
