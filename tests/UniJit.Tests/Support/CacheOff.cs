using System.Runtime.CompilerServices;

namespace UniJit.Tests.Support;

/// <summary>The translation cache in tests: off for every process the tests start (the variables below are
/// set in the test runner's environment, which children inherit, and added by <see cref="ProcessRunner"/>
/// and <see cref="Devices.Pty"/> where they build an environment of their own), so each run starts cold
/// in the tier it names and leaves no background build behind. TranslationCacheTests turn it on
/// explicitly. With UNIJIT_TEST_TRANSLATIONS=1 every run uses and fills one cache instead
/// (tests/.cache/translations, built before each run ends): running a set of tests twice that way checks
/// that translations from earlier runs give the same results.</summary>
public static class CacheOff
{
    public static IReadOnlyDictionary<string, string> Variables { get; } =
        Environment.GetEnvironmentVariable("UNIJIT_TEST_TRANSLATIONS") == "1"
            ? new Dictionary<string, string>
            {
                ["UNIJIT_CACHE"] = "1",
                ["UNIJIT_CACHE_WAIT"] = "1",
                ["UNIJIT_CACHE_DIR"] = Path.Combine(TestPaths.Cache, "translations"),
            }
            : new Dictionary<string, string> { ["UNIJIT_CACHE"] = "0" };

    [ModuleInitializer]
    internal static void Init()
    {
        foreach (var (k, v) in Variables) Environment.SetEnvironmentVariable(k, v);
    }
}
