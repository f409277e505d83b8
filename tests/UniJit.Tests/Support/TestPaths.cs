namespace UniJit.Tests.Support;

/// <summary>Where things are: the repository, the build-output copy of the <c>unijit</c> command,
/// and the cache directory for compiled test programs.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the directory holding UniJit.sln).</summary>
    public static string Repo { get; } = FindRepo();

    /// <summary>The <c>unijit</c> apphost, built next to the test assembly through the project reference to src/Cli.</summary>
    public static string Unijit { get; } = Path.Combine(AppContext.BaseDirectory, "unijit");

    /// <summary>tests/.cache (git-ignored) or, outside a checkout, a directory under $TMPDIR.
    /// UNIJIT_TEST_CACHE overrides it.</summary>
    public static string Cache { get; } = FindCache();

    static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "UniJit.sln"))) return d.FullName;
        throw new InvalidOperationException($"UniJit.sln not found above {AppContext.BaseDirectory}");
    }

    static string FindCache()
    {
        string dir = Environment.GetEnvironmentVariable("UNIJIT_TEST_CACHE") is { Length: > 0 } env
            ? env
            : Path.Combine(Repo, "tests", ".cache");
        try { Directory.CreateDirectory(dir); }
        catch (UnauthorizedAccessException)
        {
            dir = Path.Combine(Path.GetTempPath(), "unijit-test-cache");
            Directory.CreateDirectory(dir);
        }
        return dir;
    }
}
