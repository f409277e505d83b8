using System.Diagnostics;
using System.Reflection;
using System.Reflection.Emit;
using UniJit.Frontend.Decode;
using UniJit.IlBackend.Analysis;
using UniJit.IlBackend.Emit;
using UniJit.Runtime.Dispatch;

namespace UniJit.IlBackend.Persist;

/// <summary>
/// Builds a layer of the translation cache (<see cref="TranslationCache"/>) from its recipe, in a process
/// of its own (<c>unijit --cache-build DIR ID</c>, started at the guest's exit, at low priority): decodes
/// each region's blocks from the saved bytes, emits every region as public static method <c>r{n}</c> of
/// type <c>Regions</c> in a <see cref="PersistedAssemblyBuilder"/> assembly (the same emitter as the IL
/// tier, without pointers into the process in the code: <see cref="IlEmitter.Portable"/>),
/// ReadyToRun-compiles it with crossgen2 (<see cref="Crossgen"/>), and writes the index last. What
/// went wrong goes to <c>build.log</c> in the directory; a layer that fails is simply not there.
/// </summary>
public static class CacheBuilder
{
    /// <summary>Starts the build of layer <paramref name="id"/> in <paramref name="dir"/> in the background
    /// (detached, its output to /dev/null), or runs it to the end with <paramref name="wait"/>.</summary>
    public static void Start(string dir, string id, bool wait)
    {
        string self = Environment.ProcessPath!;
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") args.Add(Assembly.GetEntryAssembly()?.Location ?? "unijit.dll");
        args.AddRange(["--cache-build", dir, id, Assumptions]);
        string command = string.Join(' ', new[] { self }.Concat(args).Select(Quote)) + " </dev/null >/dev/null 2>&1";
        // Through sh: the builder's standard descriptors are /dev/null (a pipe the guest's reader waits on
        // is not held open), and without wait it runs in the background, in a session of its own.
        // The guest's descriptors are not close-on-exec, and the guest is done with them: a pipe it held must not
        // stay open in the builder (the reader at its other end would wait for the build to end).
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
            if (int.TryParse(Path.GetFileName(entry), out int fd) && fd > 2)
                UniJit.Runtime.Memory.Native.Sys(72 /* fcntl */, fd, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */);
        var psi = new ProcessStartInfo("/bin/sh", ["-c", wait ? command : $"setsid {command} &"]) { UseShellExecute = false };
        using var p = Process.Start(psi)!;
        p.WaitForExit();
    }

    static string ReadLog(string path)
    {
        try { return File.ReadAllText(path).Trim(); } catch (IOException) { return "(no log)"; }
    }

    static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>What the code of this process assumes and a builder must assume too (the directory is named
    /// by them, <see cref="TranslationCache.DirectoryFor"/>): whether it counts instructions, and whether the
    /// guest window and the tag tables are at fixed host addresses (<see cref="UniJit.Runtime.Memory.GuestMemory.Layout"/>).</summary>
    static string Assumptions =>
        (RegionCompiler.CountInstructions ? "count" : "nocount") + "," + UniJit.Runtime.Memory.GuestMemory.Layout;

    /// <summary>The <c>--cache-build</c> mode; returns the exit status. <paramref name="assumptions"/> are the
    /// starting process's (<see cref="Assumptions"/>): the code is compiled with its instruction counting, and
    /// not at all if this process's guest window is not where that one's was.</summary>
    public static int Run(string dir, string id, string assumptions)
    {
        RegionCompiler.CountInstructions = assumptions.StartsWith("count,", StringComparison.Ordinal);
        string recipePath = Path.Combine(dir, id + ".recipe");
        string ilPath = Path.Combine(dir, id + ".dll"), r2rPath = Path.Combine(dir, id + ".r2r.dll");
        var log = new StringWriter();
        var watch = Stopwatch.StartNew();
        try
        {
            UniJit.Runtime.Memory.Native.Sys(141 /* setpriority */, 0 /* PRIO_PROCESS */, 0, 10);
            if (Assumptions != assumptions) throw new InvalidOperationException($"built as {Assumptions}, asked for {assumptions}");
            var recipes = RegionRecipe.Read(recipePath, out _);
            var built = Emit(recipes, id, ilPath, log);
            log.WriteLine($"{id}: {built.Count} of {recipes.Count} regions emitted in {watch.ElapsedMilliseconds} ms");
            if (Crossgen.Find() is not { } crossgen2) throw new InvalidOperationException("crossgen2 not found (restore Microsoft.NETCore.App.Crossgen2 or set UNIJIT_CROSSGEN2)");
            using (var p = Process.Start(Crossgen.StartInfo(crossgen2, ilPath, r2rPath, [AppContext.BaseDirectory],
                       // In the version bubble, so that their helpers inline into the regions as they do into
                       // DynamicMethods; the cache key has both MVIDs, so the image never meets other builds.
                       bubble: [typeof(GuestProcess).Assembly.Location, typeof(CacheBuilder).Assembly.Location]))!)
            {
                p.WaitForExit();
                if (p.ExitCode != 0 || !File.Exists(r2rPath))
                    throw new InvalidOperationException($"crossgen2 failed ({p.ExitCode}): {ReadLog(r2rPath + ".log")}");
            }
            log.WriteLine($"{id}: ReadyToRun image after {watch.ElapsedMilliseconds} ms");
            RegionRecipe.Write(Path.Combine(dir, id + ".index"), built, built: true);
            // A merged layer replaces the layers it holds (a run that has one mapped keeps using it).
            string replaces = Path.Combine(dir, id + ".replaces");
            if (File.Exists(replaces))
                foreach (var old in File.ReadAllLines(replaces))
                    foreach (var ext in new[] { ".index", ".r2r.dll", ".r2r.dll.map" }) File.Delete(Path.Combine(dir, Path.GetFileName(old) + ext));
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.WriteLine($"{id}: failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
        finally
        {
            try
            {
                foreach (var f in new[] { recipePath, ilPath, r2rPath + ".rsp", r2rPath + ".log", Path.Combine(dir, id + ".replaces") }) File.Delete(f);
                File.AppendAllText(Path.Combine(dir, "build.log"), log.ToString());
            }
            catch (IOException) { }
        }
    }

    /// <summary>Emits the regions into an assembly saved at <paramref name="path"/>; returns the recipes of
    /// the methods it holds (in method order: r0, r1, …), with their entries, links and handler calls.
    /// A region the emitter refuses (it fails in the IL tier too, rarely) is left out, and one whose IL passes
    /// <see cref="RegionCompiler.MaxIlBytes"/> is cut to its first half (<see cref="RegionBuilder.Prefix"/>): the
    /// assembly is emitted again, since a method half emitted cannot be taken back.</summary>
    public static List<RegionRecipe> Emit(List<RegionRecipe> recipes, string id, string path, TextWriter log)
    {
        var regions = new List<(RegionRecipe Recipe, Region Region)>();
        foreach (var r in recipes)
            if (Rebuild(r) is { } region) regions.Add((r, region));
            else log.WriteLine($"{id}: region 0x{r.Starts[0]:x}: bytes do not decode to the recorded blocks");
        while (true)
        {
            var ab = new PersistedAssemblyBuilder(new AssemblyName("unijit-cache-" + id), typeof(object).Assembly);
            var module = ab.DefineDynamicModule("unijit-cache-" + id);
            AllowAccessTo(ab, "UniJit.IlBackend", "UniJit.Runtime", "UniJit.Frontend", "Iced");
            var type = module.DefineType("Regions", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class
                | TypeAttributes.BeforeFieldInit);
            var built = new List<RegionRecipe>();
            int failed = -1;
            bool retry = false;
            for (int k = 0; k < regions.Count && failed < 0; k++)
            {
                var (recipe, region) = regions[k];
                try
                {
                    var c = new RegionCompiler.Compilation(region, null, type, "r" + k);
                    c.Emit();
                    if (c.IlSize > RegionCompiler.MaxIlBytes && region.Blocks.Count > 1)
                    {
                        // Too large for RyuJIT to optimize: the first half of this region instead (then a
                        // quarter, ...), and the assembly again (its method cannot be taken back).
                        var cut = RegionBuilder.Prefix(region, region.InstructionCount / 2);
                        log.WriteLine($"{id}: region 0x{recipe.Starts[0]:x} cut to {cut.InstructionCount} of {region.InstructionCount} instructions (IL {c.IlSize} bytes)");
                        regions[k] = (new RegionRecipe { Starts = recipe.Starts[..cut.Blocks.Count], Bytes = recipe.Bytes[..cut.Blocks.Count] }, cut);
                        retry = true;
                        break;
                    }
                    recipe.Entries = c.Entries.Select(b => b.Start).ToArray();
                    recipe.Links = c.LinkCount;
                    recipe.Fallbacks = c.Fallbacks.Select(i => i.IP).ToArray();
                    recipe.Instructions = region.InstructionCount;
                    built.Add(recipe);
                }
                catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException)
                {
                    log.WriteLine($"{id}: region 0x{recipe.Starts[0]:x} left out: {e.Message}");
                    failed = k;
                }
            }
            if (failed >= 0) { regions.RemoveAt(failed); continue; }
            if (retry) continue;
            type.CreateType();
            using var file = File.Create(path);
            ab.Save(file);
            return built;
        }
    }

    /// <summary>Lets the assembly's code use the translator's and runtime's non-public members, as the IL
    /// tier's DynamicMethods do (they skip visibility checks). crossgen2 does not check access; the JIT
    /// does, for a method it compiles after all (one crossgen2 left out, or a re-JIT at tier 1).</summary>
    static void AllowAccessTo(PersistedAssemblyBuilder ab, params string[] assemblies)
    {
        var ctor = typeof(System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!;
        foreach (var a in assemblies) ab.SetCustomAttribute(new CustomAttributeBuilder(ctor, [a]));
    }

    /// <summary>The region the recipe describes, its blocks decoded from the saved bytes; null unless every
    /// block decodes to exactly its bytes.</summary>
    static Region? Rebuild(RegionRecipe r)
    {
        var blocks = new List<Block>();
        for (int i = 0; i < r.Starts.Length; i++)
        {
            var bytes = r.Bytes[i];
            var insns = BlockDecoder.Decode(bytes, bytes.Length, r.Starts[i], out _);
            if (insns.Length == 0 || insns[^1].NextIP != r.Starts[i] + (ulong)bytes.Length) return null;
            blocks.Add(new Block(r.Starts[i], insns));
        }
        return new Region { Entry = blocks[0], Blocks = blocks };
    }
}
