using UniJit.Frontend.Decode;
using UniJit.Runtime.Memory;

namespace UniJit.Runtime.Dispatch;

/// <summary>
/// Decoded blocks by guest address. Decoding marks every page a block's bytes come from with
/// <see cref="GuestMemory.PermCode"/>; a later write to such a page (or munmap / mprotect) calls
/// <see cref="InvalidatePage"/>, which drops every block that touches the page, so self-modifying
/// code and reused mappings never run stale decodes.
/// </summary>
public sealed class BlockCache
{
    readonly BlockTable blocks = new();
    readonly Dictionary<ulong, List<Block>> byPage = new();
    readonly object pageGate = new();
    readonly byte[] buffer = new byte[BlockDecoder.MaxInstructions * 15];

    public long Decoded;
    public long Invalidated;

    public BlockCache()
    {
        GuestMemory.CodeWriteHook = InvalidatePage;
    }

    public bool TryGet(ulong rip, out Block block) => blocks.TryGet(rip, out block);

    /// <summary>Every block decoded and still valid.</summary>
    public IEnumerable<Block> All => blocks.All();

    /// <summary>Asked for each newly decoded block: a translation made by an earlier run that starts there
    /// (the translation cache), which the block then runs as if it had been compiled now.</summary>
    public Func<Block, CompiledRegion?>? Saved;

    /// <summary>Decodes the block at <paramref name="rip"/>; raises SIGSEGV if it is not executable.</summary>
    public unsafe Block Decode(ulong rip)
    {
        Block block;
        lock (pageGate)
        {
            // Copy the executable bytes from rip on, stopping at the first non-executable page.
            int len = 0;
            ulong a = rip;
            while (len < buffer.Length)
            {
                if (a >= GuestMemory.WindowSize || (GuestMemory.Perm[a >> GuestMemory.PageShift] & GuestMemory.PermExec) == 0) break;
                int chunk = (int)Math.Min((ulong)(buffer.Length - len), GuestMemory.PageSize - (a & GuestMemory.PageMask));
                new ReadOnlySpan<byte>(GuestMemory.Base + a, chunk).CopyTo(buffer.AsSpan(len));
                len += chunk;
                a += (ulong)chunk;
            }
            if (len == 0) throw new GuestFaultException(rip, false, GuestMemory.IsMapped(rip));
            var insns = BlockDecoder.Decode(buffer, len, rip, out bool truncated);
            if (insns.Length == 1 && truncated)
                throw new GuestFaultException((rip + (ulong)len), false, GuestMemory.IsMapped(rip + (ulong)len));
            block = new Block(rip, insns);
            for (ulong p = rip >> GuestMemory.PageShift; p <= (block.End - 1) >> GuestMemory.PageShift; p++)
            {
                GuestMemory.MarkCode(p);
                if (!byPage.TryGetValue(p, out var list)) byPage[p] = list = new List<Block>();
                list.Add(block);
            }
            blocks.Set(block);
            Decoded++;
        }
        if (Saved?.Invoke(block) is { } saved && block.Valid && block.Compiled == null)
        {
            saved.Entry = block;
            block.Compiled = saved;
            block.Translated = true;
        }
        return block;
    }

    /// <summary>Makes a write to <paramref name="page"/> also drop <paramref name="entry"/> (a translated region
    /// that starts at <paramref name="entry"/> and has code on that page).</summary>
    public unsafe void AddDependency(Block entry, ulong page)
    {
        lock (pageGate)
        {
            GuestMemory.MarkCode(page);
            if (!byPage.TryGetValue(page, out var list)) byPage[page] = list = new List<Block>();
            // A region's blocks mostly share pages, and its callers add each block's: once per page is enough
            // (binding ~2 600 saved regions added ~10 entries each, 7 ms of python3's start).
            else if (list.Count > 0 && list[^1] == entry) return;
            list.Add(entry);
        }
    }

    /// <summary>Drops every block with bytes on guest page number <paramref name="page"/>.</summary>
    public void InvalidatePage(ulong page)
    {
        lock (pageGate)
        {
            if (!byPage.Remove(page, out var list)) return;
            foreach (var b in list)
            {
                if (!b.Valid) continue;
                b.Valid = false;
                if (b.Compiled is { } c) c.Invalidate();
                b.Compiled = null;
                blocks.Remove(b);
                Invalidated++;
            }
        }
    }
}
