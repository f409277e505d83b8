using System.Text.RegularExpressions;
using UniJit.Tests.Programs;
using UniJit.Tests.Support;

namespace UniJit.Tests.IlBackend;

/// <summary>
/// The translation cache: a run saves its translations (built before the run ends here,
/// UNIJIT_CACHE_WAIT=1), a later run of the same program uses them, and every run still prints what the
/// program prints natively. The cache is keyed by the code's bytes at their addresses, so a run whose
/// code differs where a saved region starts must not use it, and a used region is dropped like any
/// other when its code is rewritten.
/// </summary>
public sealed class TranslationCacheTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("unijit-cache-test-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    readonly Dictionary<string, string> extra = new();

    Dictionary<string, string> Env()
    {
        var env = new Dictionary<string, string>(ProcessRunner.FixedEnvironment)
        {
            ["UNIJIT_CACHE"] = "1",
            ["UNIJIT_CACHE_WAIT"] = "1",
            ["UNIJIT_CACHE_DIR"] = dir,
            ["UNIJIT_HOT"] = "50",
        };
        foreach (var (k, v) in extra) env[k] = v;
        return env;
    }

    /// <summary>Runs <paramref name="program"/> natively and under UniJit with the test's cache and
    /// --stats; asserts the same stdout and exit status; returns the regions UniJit took from the cache.</summary>
    long RunBoth(string tier, string program, params string[] args)
    {
        var native = ProcessRunner.Run(program, args, env: Env(), timeout: TimeSpan.FromSeconds(60));
        var guest = ProcessRunner.Run(TestPaths.Unijit, [$"--tier={tier}", "--stats", program, .. args], env: Env(), timeout: TimeSpan.FromSeconds(300));
        Assert.False(guest.TimedOut, "unijit timed out");
        Assert.Equal(native.StdoutText, guest.StdoutText);
        Assert.Equal(native.ExitCode, guest.ExitCode);
        var m = Regex.Match(guest.StderrText, @"regions from the cache +([\d,]+) \(([\d,]+) of ([\d,]+) methods called at their code");
        Assert.True(m.Success, "no cache line in --stats:\n" + guest.StderrText);
        directMethods = long.Parse(m.Groups[2].Value.Replace(",", ""));
        boundMethods = long.Parse(m.Groups[3].Value.Replace(",", ""));
        return long.Parse(m.Groups[1].Value.Replace(",", ""));
    }

    /// <summary>From the last <see cref="RunBoth"/>: the saved methods it bound, and how many of those it calls at
    /// their ReadyToRun code rather than through the runtime's entry stub (TranslationCache.DirectEntry).</summary>
    long boundMethods, directMethods;

    string[] Layers() => Directory.GetFiles(dir, "*.index", SearchOption.AllDirectories);

    [Theory]
    [InlineData("auto", "static")]
    [InlineData("auto", "dynamic")]
    [InlineData("jit", "static-pie")]
    public void ASecondRunUsesTheFirstRunsTranslations(string tier, string link)
    {
        string binary = ProgramCompiler.Get(CorpusProgram.All["code_rewrite"], link);
        Assert.Equal(0, RunBoth(tier, binary, "7", "9"));
        Assert.NotEmpty(Layers());
        Assert.True(RunBoth(tier, binary, "7", "9") > 0, "the second run took nothing from the cache");
        // Called through the entry stub, the runtime would count the calls and recompile each saved method at tier 1.
        Assert.True(boundMethods > 0);
        Assert.Equal(boundMethods, directMethods);
    }

    /// <summary>The first run saves a translation of the generated function for each of its two versions;
    /// the second run generates a third version at the same address (and must not run a saved one), the
    /// third runs a saved version first and then rewrites it (and must drop it).</summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("jit")]
    public void CodeThatDiffersFromTheSavedBytesIsNotRun(string tier)
    {
        string binary = ProgramCompiler.Get(CorpusProgram.All["code_rewrite"], "static");
        Assert.Equal(0, RunBoth(tier, binary, "7", "9"));
        Assert.True(RunBoth(tier, binary, "5", "9") > 0);
        Assert.True(RunBoth(tier, binary, "9", "7") > 0);
    }

    /// <summary>Saved code names the tag tables and the signal word by their addresses when they lie at their
    /// fixed place above the window at host address 0 (the default here). With the tables
    /// (<c>UNIJIT_TABLES=anywhere</c>) or the whole window (<c>UNIJIT_WINDOW=anywhere</c>) elsewhere, a run
    /// must use a cache of its own, whose code reads them from the process, and run from it too.</summary>
    [Theory]
    [InlineData("UNIJIT_TABLES")]
    [InlineData("UNIJIT_WINDOW")]
    public void SavedCodeRunsWhereverTheTablesAre(string variable)
    {
        string binary = ProgramCompiler.Get(CorpusProgram.All["code_rewrite"], "static");
        Assert.Equal(0, RunBoth("auto", binary, "7", "9"));
        Assert.True(RunBoth("auto", binary, "7", "9") > 0);
        extra[variable] = "anywhere";
        Assert.Equal(0, RunBoth("auto", binary, "7", "9"));
        Assert.True(RunBoth("auto", binary, "7", "9") > 0, "the second run elsewhere took nothing from its cache");
        Assert.Equal(2, Directory.GetDirectories(dir).Length);
    }

    /// <summary>Each run translates a new version of the generated function, so each adds a layer; past
    /// the limit (two here) the new layer holds the others' regions as well and replaces them.</summary>
    [Fact]
    public void LayersPastTheLimitAreMergedIntoOne()
    {
        string binary = ProgramCompiler.Get(CorpusProgram.All["code_rewrite"], "static");
        extra["UNIJIT_CACHE_LAYERS"] = "2";
        RunBoth("jit", binary, "7", "9");
        RunBoth("jit", binary, "5", "9");
        Assert.Equal(2, Layers().Length);
        RunBoth("jit", binary, "3", "9");
        Assert.Single(Layers());
        Assert.True(RunBoth("jit", binary, "7", "5") > 0);
        Assert.True(RunBoth("jit", binary, "3", "7") > 0);
    }

    /// <summary>Two runs of one program overlap: the first opens the empty cache and waits on its stdin while
    /// the second runs to the end and its layer is published. The first compiled the same regions, so at its
    /// end it builds nothing (without the check it built a second layer of the same regions).</summary>
    [Fact]
    public void RegionsAnotherRunPublishedMeanwhileAreNotBuiltAgain()
    {
        string binary = ProgramCompiler.Get(CorpusProgram.All["stdin_wc"], "static");
        byte[] input = "one two\nthree\n"u8.ToArray();
        var psi = new System.Diagnostics.ProcessStartInfo(TestPaths.Unijit)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--tier=jit", binary }) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in Env()) psi.Environment[k] = v;
        using var first = System.Diagnostics.Process.Start(psi)!;
        var firstOut = first.StandardOutput.ReadToEndAsync();
        var firstErr = first.StandardError.ReadToEndAsync();
        Thread.Sleep(2000); // the first run has opened the cache and waits in read(2)
        var native = ProcessRunner.Run(binary, [], stdin: input, env: Env());
        var second = ProcessRunner.Run(TestPaths.Unijit, ["--tier=jit", binary], stdin: input, env: Env(), timeout: TimeSpan.FromSeconds(300));
        Assert.Equal(native.StdoutText, second.StdoutText);
        Assert.Single(Layers());
        first.StandardInput.BaseStream.Write(input);
        first.StandardInput.Close();
        Assert.True(first.WaitForExit(300_000), "the first run did not end");
        Assert.Equal(native.StdoutText, firstOut.Result);
        Assert.Equal("", firstErr.Result);
        Assert.Single(Layers());
    }

    [Fact]
    public void PythonRunsFromItsCache()
    {
        const string script = "import json, re\nd = {str(i): i * i for i in range(2000)}\n" +
            "s = json.dumps(d)\nprint(len(s), sum(json.loads(s).values()), re.findall(r'\"(1\\d)\"', s)[:3])\n";
        Assert.Equal(0, RunBoth("auto", "/usr/bin/python3", "-c", script));
        Assert.True(RunBoth("auto", "/usr/bin/python3", "-c", script) > 100, "python3 took few regions from the cache");
    }

    [Fact]
    public void ADamagedCacheIsIgnored()
    {
        string binary = ProgramCompiler.Get(CorpusProgram.All["code_rewrite"], "static");
        RunBoth("auto", binary, "7", "9");
        // An image that is not one (its index intact), then indexes that are not either.
        foreach (var image in Directory.GetFiles(dir, "*.r2r.dll", SearchOption.AllDirectories)) File.WriteAllBytes(image, [4, 5, 6]);
        Assert.Equal(0, RunBoth("auto", binary, "7", "9"));
        foreach (var index in Layers()) File.WriteAllBytes(index, [1, 2, 3]);
        Assert.Equal(0, RunBoth("auto", binary, "7", "9"));
    }

    [Fact]
    public void AnUnusableCacheDirectoryIsIgnored()
    {
        string binary = ProgramCompiler.Get(CorpusProgram.All["code_rewrite"], "static");
        string file = Path.Combine(dir, "not-a-directory");
        File.WriteAllText(file, "");
        var env = Env();
        env["UNIJIT_CACHE_DIR"] = file;
        var native = ProcessRunner.Run(binary, ["7", "9"], env: env);
        var guest = ProcessRunner.Run(TestPaths.Unijit, [binary, "7", "9"], env: env);
        Assert.Equal(native.StdoutText, guest.StdoutText);
        Assert.Equal("", guest.StderrText);
        Assert.Equal(native.ExitCode, guest.ExitCode);
    }
}
