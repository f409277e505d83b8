namespace UniJit.Runtime.Dispatch;

/// <summary>
/// Decoded blocks by start address: open addressing with linear probing over an array of block
/// references. Readers take no lock and see whole entries (a reference is read at once); writers
/// (<see cref="Set"/>, <see cref="Remove"/>) hold the owner's lock. A removed entry becomes
/// <see cref="removed"/> so that probes pass over it; the array is rebuilt when live entries and those
/// markers fill half of it, and a reader still probing the old array finds what it held then.
/// </summary>
/// <remarks>It replaces a <c>ConcurrentDictionary&lt;ulong, Block&gt;</c>: ReadyToRun cannot precompile that
/// instantiation (the framework is outside UniJit's version bubble), so its ~20 methods were JIT-compiled at
/// every start and ran at tier 0 while python3's first ~25 000 blocks went in (about a tenth of a warm
/// <c>python3 -S -c pass</c>'s samples).</remarks>
public sealed class BlockTable
{
    /// <summary>Marks a removed entry; its start is no guest address (not canonical).</summary>
    static readonly Block removed = new(ulong.MaxValue, new Iced.Intel.Instruction[0]); // not [] (Array.Empty<Instruction> is JIT-compiled)

    Block?[] slots = new Block?[1 << 12];
    int used, live;

    static int Home(ulong rip, int mask) => (int)((rip * 0x9E3779B97F4A7C15UL) >> 40) & mask;

    public int Count => live;

    public bool TryGet(ulong rip, out Block block)
    {
        var s = Volatile.Read(ref slots);
        int mask = s.Length - 1;
        for (int i = Home(rip, mask); ; i = (i + 1) & mask)
        {
            var b = s[i];
            if (b == null) break;
            if (b.Start == rip) { block = b; return true; }
        }
        block = null!;
        return false;
    }

    /// <summary>Makes <paramref name="block"/> the block at its start address (replacing any). Under the owner's lock.</summary>
    public void Set(Block block)
    {
        var s = slots;
        int mask = s.Length - 1, free = -1;
        int i = Home(block.Start, mask);
        for (; s[i] is { } b; i = (i + 1) & mask)
        {
            if (b.Start == block.Start) { Volatile.Write(ref s[i], block); return; }
            if (free < 0 && ReferenceEquals(b, removed)) free = i;
        }
        live++;
        if (free >= 0) { Volatile.Write(ref s[free], block); return; }
        Volatile.Write(ref s[i], block);
        if (++used * 2 > s.Length) Rebuild();
    }

    /// <summary>Removes <paramref name="block"/> if it is the one at its address. Under the owner's lock.</summary>
    public void Remove(Block block)
    {
        var s = slots;
        int mask = s.Length - 1;
        for (int i = Home(block.Start, mask); s[i] is { } b; i = (i + 1) & mask)
            if (ReferenceEquals(b, block)) { Volatile.Write(ref s[i], removed); live--; return; }
    }

    /// <summary>Every block in the table (a snapshot of the array as it is when enumerated).</summary>
    public IEnumerable<Block> All()
    {
        foreach (var b in Volatile.Read(ref slots))
            if (b != null && !ReferenceEquals(b, removed)) yield return b;
    }

    void Rebuild()
    {
        int size = slots.Length;
        while (live * 4 > size) size *= 2;
        var s = new Block?[size];
        int mask = size - 1;
        foreach (var b in slots)
        {
            if (b == null || ReferenceEquals(b, removed)) continue;
            int i = Home(b.Start, mask);
            while (s[i] != null) i = (i + 1) & mask;
            s[i] = b;
        }
        used = live;
        Volatile.Write(ref slots, s);
    }
}
