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
}
