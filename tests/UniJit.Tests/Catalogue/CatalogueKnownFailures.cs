namespace UniJit.Tests.Catalogue;

/// <summary>
/// Catalogue runs known not to pass yet (known-failures.txt beside this file), with the same rules as
/// the corpus list (<see cref="Programs.KnownFailures"/>): a listed run is still executed and must
/// still fail. Keys: <c>name</c> or <c>name:tier</c>.
/// </summary>
public static class CatalogueKnownFailures
{
    public sealed record Entry(string Name, string Tier, string Reason, int Line);

    public static string FilePath { get; } =
        Path.Combine(Support.TestPaths.Repo, "tests", "UniJit.Tests", "Catalogue", "known-failures.txt");

    static readonly Lazy<IReadOnlyList<Entry>> entries = new(() =>
        Programs.KnownFailures.Parse(File.ReadAllLines(FilePath))
            .Select(e => e.Tier != "*"
                ? throw new FormatException($"{FilePath}:{e.Line}: key is name or name:tier")
                : new Entry(e.Program, e.Link, e.Reason, e.Line))
            .ToList());

    public static IReadOnlyList<Entry> Entries => entries.Value;

    public static Entry? Find(string name, string tier) =>
        Entries.FirstOrDefault(e => (e.Name == "*" || e.Name == name) && (e.Tier == "*" || e.Tier == tier));
}
