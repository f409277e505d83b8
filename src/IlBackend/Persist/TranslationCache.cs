using System.Reflection;
using Iced.Intel;
using UniJit.Frontend.Decode;
using UniJit.IlBackend.Analysis;
using UniJit.IlBackend.Emit;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.IlBackend.Persist;

/// <summary>
/// Translations kept between runs of a program (like FEX's and Box64's caches, but precompiled by
/// crossgen2 into a ReadyToRun image, so a later run neither decodes, emits nor JIT-compiles them).
///
/// One directory per program and UniJit build (<see cref="DirectoryFor"/>) holds layers. A run records
/// the regions it translated and the blocks it ran often enough (<see cref="WarmThreshold"/>) without
/// translating them; at exit it writes them as a recipe (<see cref="RegionRecipe"/>: addresses and
/// bytes) and starts <c>unijit --cache-build</c> in the background (<see cref="CacheBuilder"/>), which
/// emits the regions into an assembly, ReadyToRun-compiles it and publishes the layer's index last.
/// A later run loads the indexes; when the guest first reaches an address where a saved region is
/// entered (a block is decoded there), the region is used if the guest's memory holds the region's
/// bytes at its addresses on executable pages: a changed binary, a library loaded elsewhere or code
/// written since never runs a stale translation. The region's pages are then watched like any
/// translated region's (<see cref="BlockCache.AddDependency"/>).
/// </summary>
public sealed unsafe class TranslationCache
{
    /// <summary>Blocks run this many times in the interpreter, and not translated, are saved too: the long
    /// tail of code that never gets hot in one run (most of python3's start-up).</summary>
    public static int WarmThreshold = int.TryParse(Environment.GetEnvironmentVariable("UNIJIT_CACHE_WARM"), out var w) && w > 0 ? w : 50;
    /// <summary>A run adds a layer when it translated something (hot code no layer had) or ran at least
    /// <see cref="MinWarmRegions"/> warm regions' worth of code no layer had. The layer that would be
    /// number <see cref="MaxLayers"/> + 1 holds the others' regions too and replaces them.</summary>
    const int MinWarmRegions = 32;
    static readonly int MaxLayers = int.TryParse(Environment.GetEnvironmentVariable("UNIJIT_CACHE_LAYERS"), out var l) && l > 0 ? l : 8;

    public readonly string Directory;
    readonly List<Layer> layers = new();
    readonly Dictionary<ulong, List<SavedEntry>> entries = new();

    /// <summary>A saved method's entry: its layer, method index and entry index (a class: CoreLib's List of a
    /// value tuple is not precompiled into UniJit's image).</summary>
    sealed record SavedEntry(Layer Layer, int Method, int Entry);
    readonly List<RegionRecipe> recorded = new();
    readonly object gate = new();
    public long Bound;
    /// <summary>The saved methods bound, and how many of them are called at their ReadyToRun code (<see cref="DirectEntry"/>).</summary>
    public long BoundMethods, BoundDirect;

    sealed class Layer(string dll, RecipeIndex recipes)
    {
        public readonly string Dll = dll;
        public readonly RecipeIndex Recipes = recipes;
        /// <summary>The image's methods by name: found once, since Type.GetMethod(name) looks through all of them
        /// every time (2 500 lookups took 30–37 ms of python3's start-up).</summary>
        public Dictionary<string, MethodInfo>? Methods;
        public Type? Type;
        /// <summary>Set when the image would not load: the layer is not asked again.</summary>
        public bool Broken;
        public readonly RegionCode?[] Code = new RegionCode?[recipes.Count];
        /// <summary>Where the image's machine code lies in this process: its executable mappings.</summary>
        public (ulong Start, ulong End)[] CodeRanges = [];

        public bool HoldsCode(nint p)
        {
            foreach (var (start, end) in CodeRanges)
                if ((ulong)p >= start && (ulong)p < end) return true;
            return false;
        }

        /// <summary>The executable mappings of the image's file, from /proc/self/maps (read once the image is loaded).</summary>
        public void FindCode()
        {
            var ranges = new List<(ulong, ulong)>();
            // The kernel names a mapping by its file's path with symbolic links resolved; a layer's directory and
            // file name (a time stamp and a process id) are what it shares with the path the image was loaded by.
            string suffix = "/" + Path.GetFileName(Path.GetDirectoryName(Dll)) + "/" + Path.GetFileName(Dll);
            try
            {
                foreach (var line in File.ReadLines("/proc/self/maps"))
                {
                    if (!line.EndsWith(suffix, StringComparison.Ordinal)) continue;
                    var f = line.Split(' ', 3);
                    if (f.Length < 2 || f[1].Length < 3 || f[1][2] != 'x') continue;
                    int dash = f[0].IndexOf('-');
                    if (dash < 0) continue;
                    ranges.Add((Convert.ToUInt64(f[0][..dash], 16), Convert.ToUInt64(f[0][(dash + 1)..], 16)));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
            CodeRanges = ranges.ToArray();
        }
    }

    /// <summary>Where a chained exit and the dispatcher call a saved region: its ReadyToRun code itself rather than
    /// its entry point (a precode stub, <c>jmp [target]</c>, that the runtime points at the method's current code).
    /// Called through the stub, the runtime counts the calls once its tiering delay has passed and recompiles the
    /// method at tier 1 on a background thread: the same IL crossgen2 already compiled into the image (json_rt.py at
    /// scale 4: 9.9 s of CPU with the rejits, 7.6 s without; docs/PERFORMANCE.md, twenty-second session), and every
    /// chained exit's tail call went through the stub's extra jump. Once the method is prepared the stub's target is its ReadyToRun code; that
    /// target is used only when it lies in the image's own executable mappings (never a stub the runtime may free
    /// or repoint), else the entry point, as before.</summary>
    static nint DirectEntry(MethodInfo method, Layer layer)
    {
        nint entry = method.MethodHandle.GetFunctionPointer();
        System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
        byte* p = (byte*)entry;
        if (p[0] != 0xFF || p[1] != 0x25) return entry; // jmp qword ptr [rip + disp32]
        nint target = *(nint*)(p + 6 + *(int*)(p + 2));
        return layer.HoldsCode(target) ? target : entry;
    }

    TranslationCache(string directory) => Directory = directory;

    /// <summary>The cache of the program at <paramref name="exePath"/>: $UNIJIT_CACHE_DIR, $XDG_CACHE_HOME/unijit
    /// or ~/.cache/unijit, then a directory named by the program's path, size and modification time, by
    /// this build of UniJit's translator and runtime (a rebuilt UniJit never reads an older one's code) and
    /// by the .NET CoreLib the images are compiled against (<see cref="Crossgen.CoreLibMvid"/>), and by where the
    /// guest window and the tag tables lie (<see cref="GuestMemory.Layout"/>) and whether the code counts instructions
    /// (<see cref="RegionCompiler.CountInstructions"/>, --stats).</summary>
    public static string DirectoryFor(string exePath)
    {
        string root = Environment.GetEnvironmentVariable("UNIJIT_CACHE_DIR") is { Length: > 0 } d ? d
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "unijit");
        var info = new FileInfo(exePath);
        ulong h = 14695981039346656037UL; // FNV-1a: a name, not a check (the bytes are checked at use)
        void Add(ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes) { h ^= b; h *= 1099511628211UL; }
        }
        Add(System.Text.Encoding.UTF8.GetBytes(exePath));
        Add(BitConverter.GetBytes(info.Exists ? info.Length : 0));
        Add(BitConverter.GetBytes(info.Exists ? info.LastWriteTimeUtc.Ticks : 0));
        foreach (var mvid in new[] { typeof(TranslationCache).Assembly.ManifestModule.ModuleVersionId,
                     typeof(GuestProcess).Assembly.ManifestModule.ModuleVersionId, Crossgen.CoreLibMvid })
            Add(mvid.ToByteArray());
        // Code compiled with the window at host address 0 adds no base to guest addresses (IlEmitter.LdHostPointer),
        // and with the fixed layout names the tag tables by their addresses (IlEmitter.LdPointer).
        Add(System.Text.Encoding.UTF8.GetBytes(GuestMemory.Layout));
        Add([RegionCompiler.CountInstructions ? (byte)1 : (byte)0]);
        return Path.Combine(root, $"{Path.GetFileName(exePath)}-{h:x16}");
    }

    /// <summary>Opens the cache for <paramref name="exePath"/> and reads the indexes of its finished layers;
    /// null if there is no usable cache directory.</summary>
    public static TranslationCache? Open(string exePath)
    {
        var dir = DirectoryFor(exePath);
        var cache = new TranslationCache(dir);
        if (!System.IO.Directory.Exists(dir)) return cache;
        foreach (var index in System.IO.Directory.GetFiles(dir, "*.index").Order(StringComparer.Ordinal))
        {
            var dll = Path.ChangeExtension(index, ".r2r.dll");
            if (!File.Exists(dll)) continue;
            RecipeIndex recipes;
            try { recipes = RegionRecipe.ReadIndex(index); }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) { continue; }
            var layer = new Layer(dll, recipes);
            cache.layers.Add(layer);
            for (int m = 0; m < recipes.Count; m++)
                for (int k = 0; k < recipes.Entries[m].Length; k++)
                {
                    if (!cache.entries.TryGetValue(recipes.Entries[m][k], out var list)) cache.entries[recipes.Entries[m][k]] = list = new();
                    list.Add(new(layer, m, k));
                }
        }
        return cache;
    }

    public int Layers => layers.Count;

    /// <summary>The saved region entered at <paramref name="block"/>'s address whose bytes the guest's memory
    /// holds, bound to this process; null if there is none. Called when the block is decoded.</summary>
    public CompiledRegion? Bind(GuestProcess process, Block block)
    {
        if (!entries.TryGetValue(block.Start, out var list)) return null;
        lock (gate)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            try { return BindLocked(process, block, list); }
            finally { BindTime += System.Diagnostics.Stopwatch.GetElapsedTime(t0); }
        }
    }

    /// <summary>Time spent binding saved regions (checking bytes, loading images, making delegates).</summary>
    public TimeSpan BindTime;

    CompiledRegion? BindLocked(GuestProcess process, Block block, List<SavedEntry> list)
    {
        foreach (var (layer, m, k) in list)
        {
            var recipe = layer.Recipes[m];
            if (layer.Broken || !Matches(recipe)) continue;
            var code = layer.Code[m];
            if (code == null)
            {
                try
                {
                    if (layer.Type == null)
                    {
                        layer.Type = Assembly.LoadFrom(layer.Dll).GetType("Regions", throwOnError: true)!;
                        layer.FindCode();
                    }
                    layer.Methods ??= layer.Type.GetMethods(BindingFlags.Public | BindingFlags.Static).ToDictionary(x => x.Name);
                    var method = layer.Methods["r" + m];
                    var ctx = new RegionContext(Decode(recipe), recipe.Links, process) { Entry = DirectEntry(method, layer) };
                    BoundMethods++;
                    if (layer.HoldsCode(ctx.Entry)) BoundDirect++;
                    code = layer.Code[m] = method.CreateDelegate<RegionCode>(ctx);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    if (Environment.GetEnvironmentVariable("UNIJIT_DEBUG") == "1") Console.Error.WriteLine($"unijit: cache: {layer.Dll} r{m}: {e.Message}");
                    layer.Broken = layer.Type == null;
                    continue;
                }
            }
            ulong last = ulong.MaxValue; // blocks in address order mostly share the page of the one before
            for (int i = 0; i < recipe.Starts.Length; i++)
            {
                ulong end = recipe.Starts[i] + (ulong)recipe.Bytes[i].Length;
                for (ulong p = recipe.Starts[i] >> GuestMemory.PageShift; p <= (end - 1) >> GuestMemory.PageShift; p++)
                    if (p != last) process.Blocks.AddDependency(block, last = p);
            }
            Bound++;
            return new CompiledRegion(code, ((RegionContext)code.Target!).Entry, k == 0 ? recipe.Instructions : 0, 0) { EntryIndex = k };
        }
        return null;
    }

    /// <summary>Whether the guest's memory holds the recipe's bytes, on executable pages.</summary>
    static bool Matches(RegionRecipe recipe)
    {
        for (int i = 0; i < recipe.Starts.Length; i++)
        {
            ulong start = recipe.Starts[i];
            int len = recipe.Bytes[i].Length;
            if (len == 0 || start + (ulong)len > GuestMemory.WindowSize) return false;
            for (ulong p = start >> GuestMemory.PageShift; p <= (start + (ulong)len - 1) >> GuestMemory.PageShift; p++)
                if ((GuestMemory.Perm[p] & GuestMemory.PermExec) == 0) return false;
            if (!new ReadOnlySpan<byte>(GuestMemory.Base + start, len).SequenceEqual(recipe.Bytes[i])) return false;
        }
        return true;
    }

    /// <summary>The instructions the recipe's code runs through handlers, decoded from its saved bytes
    /// (which the guest's memory was just checked to hold).</summary>
    static Instruction[] Decode(RegionRecipe recipe)
    {
        var result = new Instruction[recipe.Fallbacks.Length];
        for (int k = 0; k < result.Length; k++)
        {
            ulong ip = recipe.Fallbacks[k];
            int i = 0;
            while (i < recipe.Starts.Length && !(ip >= recipe.Starts[i] && ip < recipe.Starts[i] + (ulong)recipe.Bytes[i].Length)) i++;
            if (i == recipe.Starts.Length) throw new InvalidDataException($"0x{ip:x} is outside its region");
            int offset = (int)(ip - recipe.Starts[i]);
            result[k] = BlockDecoder.DecodeOne(recipe.Bytes[i], offset, ip);
        }
        return result;
    }

    /// <summary>Records a region this run translated (its bytes now, while they are the ones translated).</summary>
    public void Record(Region region)
    {
        lock (gate) recorded.Add(RecipeOf(region));
    }

    /// <summary>Removes the caches of the same program name that no run has added to for a week: every
    /// rebuild of UniJit (or update of the program) starts a new directory.</summary>
    void RemoveStale()
    {
        var parent = Path.GetDirectoryName(Directory)!;
        if (!System.IO.Directory.Exists(parent)) return;
        string prefix = Path.GetFileName(Directory)[..(Path.GetFileName(Directory).LastIndexOf('-') + 1)];
        foreach (var d in System.IO.Directory.GetDirectories(parent, prefix + "*"))
            if (d != Directory && DateTime.UtcNow - System.IO.Directory.GetLastWriteTimeUtc(d) > TimeSpan.FromDays(7))
                try { System.IO.Directory.Delete(d, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A region's entry and a hash of its entry block's bytes, as one string (sets of strings are
    /// precompiled CoreLib code; a set of value tuples was JIT-compiled at every save). Not its other blocks: the
    /// cache builder may have cut a region to its first blocks (CacheBuilder.Emit), and a run that saves the same
    /// region whole must still find it published; two regions entered at one place are one too many anyway (a
    /// bind takes the first whose bytes match).</summary>
    static string Identity(RegionRecipe r)
    {
        var h = new HashCode();
        h.AddBytes(r.Bytes[0]);
        return r.Starts[0].ToString() + "#" + h.ToHashCode().ToString();
    }

    static RegionRecipe RecipeOf(Region region)
    {
        var starts = new ulong[region.Blocks.Count];
        var bytes = new byte[region.Blocks.Count][];
        for (int i = 0; i < starts.Length; i++)
        {
            var b = region.Blocks[i];
            starts[i] = b.Start;
            bytes[i] = new ReadOnlySpan<byte>(GuestMemory.Base + b.Start, (int)(b.End - b.Start)).ToArray();
        }
        return new RegionRecipe { Starts = starts, Bytes = bytes };
    }

    /// <summary>The regions of the layers published after this run opened the cache.</summary>
    HashSet<string> PublishedSinceOpen()
    {
        var known = new HashSet<string>();
        if (!System.IO.Directory.Exists(Directory)) return known;
        var open = new HashSet<string>(layers.Select(l => l.Dll));
        foreach (var index in System.IO.Directory.GetFiles(Directory, "*.index"))
        {
            var dll = Path.ChangeExtension(index, ".r2r.dll");
            if (open.Contains(dll) || !File.Exists(dll)) continue;
            try { foreach (var r in RegionRecipe.ReadIndex(index).All()) known.Add(Identity(r)); }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) { }
        }
        return known;
    }

    /// <summary>At the end of the run: writes the recorded regions and the warm blocks' regions as a new
    /// layer's recipe and starts the background build (waits for it when UNIJIT_CACHE_WAIT=1). Does
    /// nothing when there is little new or the cache is full; never throws.</summary>
    public void Save(GuestProcess process)
    {
        try
        {
            int hot;
            lock (gate) hot = recorded.Count;
            // A short run (a /bin/true) has little to save: with nothing compiled, fewer than four warm blocks per
            // region a layer needs end it here, before anything is built.
            int warm = 0;
            foreach (var b in process.Blocks.All)
                if (b.ExecCount >= WarmThreshold && b.Compiled == null) warm++;
            if (hot == 0 && warm < 4 * MinWarmRegions) return;
            // A build still running (started by an earlier run) is about to add what this run would; a recipe
            // older than that is left from a build that was killed.
            if (System.IO.Directory.Exists(Directory))
                foreach (var f in System.IO.Directory.GetFiles(Directory, "*.recipe"))
                {
                    if (DateTime.UtcNow - File.GetLastWriteTimeUtc(f) < TimeSpan.FromMinutes(10)) return;
                    File.Delete(f);
                }
            // The regions compiled in this run are saved as the larger regions their entries start under the
            // limits for saved code (RegionBuilder.Hot); one whose entry was dropped since is saved as compiled.
            var recipes = new List<RegionRecipe>();
            lock (gate)
                foreach (var r in recorded)
                    recipes.Add(process.Blocks.TryGet(r.Starts[0], out var e) && e.Valid
                        ? RecipeOf(RegionBuilder.Build(process.Blocks, e, executedOnly: true, RegionBuilder.Hot)) : r);
            // Warm blocks start regions of their own, the warmest first, unless a region of this save already
            // holds them. A block inside a region compiled in this run counts too: it was entered from the
            // dispatcher that often (a computed jump or return lands there), and the next run, which binds
            // only regions' entries, would interpret it again.
            var covered = new AddressSet(recipes.Count);
            foreach (var r in recipes) covered.Add(r.Starts[0]);
            var warmBlocks = new List<Block>();
            foreach (var b in process.Blocks.All)
                if (b.Valid && b.Compiled == null && b.ExecCount >= WarmThreshold) warmBlocks.Add(b);
            warmBlocks.Sort((x, y) => y.ExecCount != x.ExecCount ? y.ExecCount.CompareTo(x.ExecCount) : x.Start.CompareTo(y.Start));
            foreach (var b in warmBlocks)
            {
                if (covered.Contains(b.Start)) continue;
                var region = RegionBuilder.Build(process.Blocks, b, executedOnly: true, RegionBuilder.Small);
                foreach (var rb in region.Blocks) covered.Add(rb.Start);
                recipes.Add(RecipeOf(region));
            }
            if (hot == 0 && recipes.Count < MinWarmRegions) return;
            // A layer another run's build published while this run went on (this one started before it was
            // there and compiled the same code) already holds those regions: they are not built again.
            var published = PublishedSinceOpen();
            if (published.Count > 0)
            {
                recipes.RemoveAll(r => published.Contains(Identity(r)));
                if (recipes.Count == 0) return;
            }
            var replaces = new List<string>();
            if (layers.Count >= MaxLayers)
                foreach (var layer in layers)
                {
                    recipes.AddRange(layer.Recipes.All());
                    replaces.Add(Path.GetFileName(layer.Dll)[..^".r2r.dll".Length]);
                }
            // The same region twice (a run that started before another's build was published) is built once.
            var distinct = new HashSet<string>();
            recipes.RemoveAll(r => !distinct.Add(Identity(r)));
            if (!System.IO.Directory.Exists(Directory)) RemoveStale();
            System.IO.Directory.CreateDirectory(Directory);
            // yyyyMMddHHmmssfff-pid, from integers (DateTime's custom format is JIT-compiled at each use).
            var t = DateTime.UtcNow;
            string id = t.Year.ToString("D4") + t.Month.ToString("D2") + t.Day.ToString("D2") + t.Hour.ToString("D2")
                + t.Minute.ToString("D2") + t.Second.ToString("D2") + t.Millisecond.ToString("D3") + "-" + Environment.ProcessId.ToString();
            if (replaces.Count > 0) File.WriteAllLines(Path.Combine(Directory, id + ".replaces"), replaces);
            RegionRecipe.Write(Path.Combine(Directory, id + ".recipe"), recipes, built: false);
            CacheBuilder.Start(Directory, id, wait: Environment.GetEnvironmentVariable("UNIJIT_CACHE_WAIT") == "1");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (Environment.GetEnvironmentVariable("UNIJIT_DEBUG") == "1") Console.Error.WriteLine($"unijit: cache: not saved: {e.Message}");
        }
    }
}
