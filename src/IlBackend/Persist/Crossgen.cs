using System.Reflection;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace UniJit.IlBackend.Persist;

/// <summary>Runs crossgen2 (the ReadyToRun compiler of the <c>microsoft.netcore.app.crossgen2</c> package)
/// on a saved region assembly, so that a later run loads it precompiled instead of JIT-compiling it.
/// The image is built for this machine (<c>--instruction-set:native</c>: without it every method that
/// uses an intrinsic above the x86-64-v2 baseline, AVX2 for one, is left to the JIT) and with
/// System.Private.CoreLib in its version bubble: outside it, crossgen2 leaves to the JIT every method
/// that calls a method taking or returning a <see cref="System.Runtime.Intrinsics.Vector128{T}"/>
/// ("ABI unstable type"), which is every region with an SSE helper call. The price is that the image
/// is tied to this exact CoreLib: the runtime ends the process ("MVID mismatch") when it loads the
/// image under another one, so the cache must be keyed by <see cref="CoreLibMvid"/> as well.
/// Assemblies the caller names (<c>bubble</c>) join it too, so that their methods inline into the
/// image's; the same "MVID mismatch" then holds for them, and the cache key has their MVIDs.</summary>
public static class Crossgen
{
    const string Package = "microsoft.netcore.app.crossgen2.linux-x64";

    /// <summary>The MVID of the System.Private.CoreLib this process runs on, which the image depends on
    /// (see the class summary): part of the cache key.</summary>
    public static Guid CoreLibMvid => typeof(object).Assembly.ManifestModule.ModuleVersionId;

    /// <summary>Full path of a usable crossgen2 executable, or null: <c>UNIJIT_CROSSGEN2</c> when set,
    /// else <c>tools/crossgen2</c> of the package in the NuGet folder UniJit was built with (or
    /// <c>$NUGET_PACKAGES</c>, or ~/.nuget/packages),
    /// the version of the running runtime when present, else the newest of the same major version,
    /// else the newest.</summary>
    public static string? Find()
    {
        var set = Environment.GetEnvironmentVariable("UNIJIT_CROSSGEN2");
        if (!string.IsNullOrEmpty(set)) return File.Exists(set) ? Path.GetFullPath(set) : null;
        // Where the build restored it (the project downloads the package; HOME may differ at run time),
        // then $NUGET_PACKAGES, then ~/.nuget/packages.
        var dir = new[]
            {
                typeof(Crossgen).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "UniJit.NuGetPackageRoot")?.Value,
                Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            }
            .Where(r => !string.IsNullOrEmpty(r)).Select(r => Path.Combine(r!, Package)).FirstOrDefault(Directory.Exists);
        if (dir == null) return null;
        // "10.0.12", or "10.0.0-rc.2.25502.107" for a prerelease (Environment.Version drops the suffix).
        string running = RuntimeInformation.FrameworkDescription.Split(' ')[^1];
        var found = Directory.GetDirectories(dir)
            .Select(d => (path: Path.Combine(d, "tools", "crossgen2"), name: Path.GetFileName(d)))
            .Where(c => File.Exists(c.path))
            .Select(c => (c.path, c.name, version: Version.TryParse(c.name.Split('-')[0], out var v) ? v : new Version()))
            .OrderByDescending(c => c.name == running)
            .ThenByDescending(c => c.version.Major == Environment.Version.Major)
            .ThenByDescending(c => c.version)
            .ThenBy(c => c.name.Contains('-'))
            .ToList();
        return found.Count > 0 ? found[0].path : null;
    }

    /// <summary>A process that compiles <paramref name="ilPath"/> into <paramref name="r2rPath"/>:
    /// optimized, for this machine's instruction sets, against the shared framework and every *.dll in
    /// <paramref name="referenceDirs"/> (AppContext.BaseDirectory holds UniJit's assemblies and Iced).
    /// The options go to a response file, <paramref name="r2rPath"/>.rsp; crossgen2 writes
    /// <paramref name="r2rPath"/>.tmp, renamed to <paramref name="r2rPath"/> only when it succeeds (so
    /// a reader never sees half an image), and its output to <paramref name="r2rPath"/>.log: the process
    /// holds none of this process's standard streams and can be left running after it exits. Exit code 0
    /// on success. Creates the directory of <paramref name="r2rPath"/>.</summary>
    public static ProcessStartInfo StartInfo(string crossgen2, string ilPath, string r2rPath, IEnumerable<string> referenceDirs,
        IEnumerable<string>? bubble = null)
    {
        r2rPath = Path.GetFullPath(r2rPath);
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var args = new List<string>
        {
            Path.GetFullPath(ilPath),
            "--out:" + r2rPath + ".tmp",
            "--optimize",
            "--instruction-set:native",
            // CoreLib in the version bubble makes Vector128 parameters ABI-stable (see the class summary).
            "--inputbubble",
            "--inputbubbleref:" + typeof(object).Assembly.Location,
            // A method crossgen2 cannot compile is left to the JIT instead of failing the image.
            "--resilient",
            "--reference:" + Path.Combine(framework, "*.dll"),
        };
        // UNIJIT_R2RMAP=1: crossgen2 also writes LAYER.r2r.dll.map (each region method's RVA), which
        // bench/region-profile.py needs to name the samples perf takes in a layer.
        if (Environment.GetEnvironmentVariable("UNIJIT_R2RMAP") == "1") args.Add("--map");
        foreach (var b in bubble ?? []) args.Add("--inputbubbleref:" + b);
        foreach (var d in referenceDirs.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct())
            if (d != framework) args.Add("--reference:" + Path.Combine(d, "*.dll"));
        Directory.CreateDirectory(Path.GetDirectoryName(r2rPath)!);
        string rsp = r2rPath + ".rsp";
        File.WriteAllLines(rsp, args);
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", "\"$0\" \"@$1\" </dev/null >\"$2.log\" 2>&1 && exec mv -f \"$2.tmp\" \"$2\"", crossgen2, rsp, r2rPath })
            psi.ArgumentList.Add(a);
        return psi;
    }
}
