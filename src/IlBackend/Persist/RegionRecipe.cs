namespace UniJit.IlBackend.Persist;

/// <summary>
/// A region as it is saved between runs: its blocks' addresses and bytes (the first block is the
/// region's entry). That is all a translation depends on, so the bytes are also the key: a saved
/// region is used only where the guest's memory holds exactly these bytes at these addresses
/// (<see cref="TranslationCache"/>). Once built into a method (<see cref="CacheBuilder"/>) it also knows
/// the method's entries, how many chained exits it has and which instructions it runs through
/// interpreter handlers.
/// </summary>
public sealed class RegionRecipe
{
    public required ulong[] Starts { get; init; }
    public required byte[][] Bytes { get; init; }
    /// <summary>Where the method may be entered (index = <see cref="UniJit.Runtime.Dispatch.CompiledRegion.EntryIndex"/>); built only.</summary>
    public ulong[] Entries = [];
    /// <summary>Exits with a known target (<see cref="Emit.RegionContext.Links"/>); built only.</summary>
    public int Links;
    /// <summary>Addresses of the instructions the code runs through handlers, in <see cref="Emit.RegionContext.Insns"/> order; built only.</summary>
    public ulong[] Fallbacks = [];
    public int Instructions;

    const uint Magic = 0x43544A55; // "UJTC"
    const int Version = 1;

    /// <summary>Writes <paramref name="recipes"/> to <paramref name="path"/> (through a temporary file and a
    /// rename, so a reader never sees half a file); with <paramref name="built"/>, the method facts too.</summary>
    public static void Write(string path, IReadOnlyList<RegionRecipe> recipes, bool built)
    {
        var tmp = path + ".tmp" + Environment.ProcessId;
        using (var w = new BinaryWriter(File.Create(tmp)))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(built);
            w.Write(recipes.Count);
            foreach (var r in recipes)
            {
                w.Write(r.Starts.Length);
                for (int i = 0; i < r.Starts.Length; i++)
                {
                    w.Write(r.Starts[i]);
                    w.Write(r.Bytes[i].Length);
                    w.Write(r.Bytes[i]);
                }
                if (!built) continue;
                w.Write(r.Instructions);
                w.Write(r.Links);
                WriteArray(w, r.Entries);
                WriteArray(w, r.Fallbacks);
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    static void WriteArray(BinaryWriter w, ulong[] a)
    {
        w.Write(a.Length);
        foreach (var v in a) w.Write(v);
    }

    static ulong[] ReadArray(BinaryReader r)
    {
        var a = new ulong[r.ReadInt32()];
        for (int i = 0; i < a.Length; i++) a[i] = r.ReadUInt64();
        return a;
    }

    /// <summary>Reads a file written by <see cref="Write"/>; throws <see cref="InvalidDataException"/> on
    /// anything else (a file of another version is not read).</summary>
    public static List<RegionRecipe> Read(string path, out bool built)
    {
        using var r = new BinaryReader(new MemoryStream(File.ReadAllBytes(path)));
        if (r.ReadUInt32() != Magic || r.ReadInt32() != Version) throw new InvalidDataException($"{path}: not a translation cache file of this version");
        built = r.ReadBoolean();
        int n = r.ReadInt32();
        var list = new List<RegionRecipe>(n);
        for (int k = 0; k < n; k++)
        {
            int blocks = r.ReadInt32();
            var starts = new ulong[blocks];
            var bytes = new byte[blocks][];
            for (int i = 0; i < blocks; i++)
            {
                starts[i] = r.ReadUInt64();
                bytes[i] = r.ReadBytes(r.ReadInt32());
            }
            var recipe = new RegionRecipe { Starts = starts, Bytes = bytes };
            if (built)
            {
                recipe.Instructions = r.ReadInt32();
                recipe.Links = r.ReadInt32();
                recipe.Entries = ReadArray(r);
                recipe.Fallbacks = ReadArray(r);
            }
            list.Add(recipe);
        }
        return list;
    }

    /// <summary>Reads a built index (<see cref="Write"/> with built) for <see cref="RecipeIndex"/>: each
    /// recipe's entries now, the rest when the recipe is first asked for.</summary>
    public static RecipeIndex ReadIndex(string path) => new(path, File.ReadAllBytes(path));
}

/// <summary>The recipes of a built layer, each parsed from the file's bytes when first asked for: a run binds
/// a fraction of them, and reading them all at start (tens of thousands of small arrays) took ~10 ms of a
/// warm python3's start-up. Only the entries, which the cache looks regions up by, are read at once.</summary>
public sealed class RecipeIndex
{
    readonly string path;
    readonly byte[] data;
    readonly int[] offsets;
    readonly RegionRecipe?[] parsed;
    /// <summary>Each recipe's <see cref="RegionRecipe.Entries"/>.</summary>
    public readonly ulong[][] Entries;

    public int Count => offsets.Length;

    public RegionRecipe this[int m] => parsed[m] ??= Parse(offsets[m]);

    public IEnumerable<RegionRecipe> All()
    {
        for (int m = 0; m < Count; m++) yield return this[m];
    }

    internal RecipeIndex(string path, byte[] data)
    {
        this.path = path;
        this.data = data;
        int at = 0;
        if (U32(ref at) != 0x43544A55 || I32(ref at) != 1 || data.Length < 13 || data[at++] != 1)
            throw new InvalidDataException($"{path}: not a built translation cache index of this version");
        int n = I32(ref at);
        if (n < 0 || n > data.Length) throw new InvalidDataException($"{path}: malformed index");
        offsets = new int[n];
        parsed = new RegionRecipe?[n];
        Entries = new ulong[n][];
        for (int k = 0; k < n; k++)
        {
            offsets[k] = at;
            int blocks = I32(ref at);
            if (blocks <= 0) throw new InvalidDataException($"{path}: malformed index");
            for (int i = 0; i < blocks; i++)
            {
                at += 8;
                int len = I32(ref at);
                Need(at, len);
                at += len;
            }
            at += 8; // Instructions, Links
            Entries[k] = Array(ref at);
            int fallbacks = I32(ref at);
            Need(at, fallbacks * 8);
            at += fallbacks * 8;
        }
    }

    RegionRecipe Parse(int at)
    {
        int blocks = I32(ref at);
        var starts = new ulong[blocks];
        var bytes = new byte[blocks][];
        for (int i = 0; i < blocks; i++)
        {
            starts[i] = U64(ref at);
            int len = I32(ref at);
            bytes[i] = data.AsSpan(at, len).ToArray();
            at += len;
        }
        var recipe = new RegionRecipe { Starts = starts, Bytes = bytes };
        recipe.Instructions = I32(ref at);
        recipe.Links = I32(ref at);
        recipe.Entries = Array(ref at);
        recipe.Fallbacks = Array(ref at);
        return recipe;
    }

    void Need(int at, int count)
    {
        if (count < 0 || at > data.Length - count) throw new InvalidDataException($"{path}: malformed index");
    }

    uint U32(ref int at) { Need(at, 4); uint v = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at)); at += 4; return v; }
    int I32(ref int at) => (int)U32(ref at);
    ulong U64(ref int at) { Need(at, 8); ulong v = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at)); at += 8; return v; }

    ulong[] Array(ref int at)
    {
        int n = I32(ref at);
        Need(at, n * 8);
        var a = new ulong[n];
        for (int i = 0; i < n; i++) a[i] = U64(ref at);
        return a;
    }
}

