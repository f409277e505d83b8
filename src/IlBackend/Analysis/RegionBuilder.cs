using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;

namespace UniJit.IlBackend.Analysis;

/// <summary>A translation unit: the entry block and the blocks reachable from it by direct branches.</summary>
public sealed class Region
{
    public required Block Entry { get; init; }
    public required List<Block> Blocks { get; init; }
    public int InstructionCount
    {
        get
        {
            int n = 0;
            foreach (var b in Blocks) n += b.Insns.Length;
            return n;
        }
    }

    /// <summary>The region's blocks by start address.</summary>
    public AddressMap<Block> ByStart()
    {
        var map = new AddressMap<Block>(Blocks.Count);
        foreach (var b in Blocks) map[b.Start] = b;
        return map;
    }
}

/// <summary>
/// Discovers a region from a hot entry: follows fall-through, <c>jcc</c> and direct <c>jmp</c> edges
/// and the return addresses of direct calls first, then adds small callees whole, so that a loop that
/// calls a small function stays in one method (a ret translated in the region branches back inline,
/// see <see cref="Emit.RegionCompiler"/>); indirect branches and system calls leave the region.
/// Callees come last so that a call cannot crowd out the code around the entry. Bounded (<see cref="Limits"/>)
/// so the method stays below RyuJIT's MinOpts limits (design notes: about 60 000 IL bytes, 2 000 basic blocks;
/// a 45 000-byte region was seen compiled with MinOpts, RegionCompiler.MaxIlBytes).
/// </summary>
public static class RegionBuilder
{
    /// <summary>How large a region may grow: its instructions and blocks, and the size of a callee that joins
    /// it. A callee joins only whole (it is then worth it: a call and a ret that stay inside the method
    /// instead of two exits); a bigger one, or one reached only on a cold path, would mostly cost compile time.</summary>
    public readonly record struct Limits(int Instructions, int Blocks, int CalleeInstructions, int CalleeBlocks);

    /// <summary>The regions a run saves for later runs from the ones it compiled (TranslationCache.Save): callees
    /// of up to 400 instructions join, such as CPython's dict insertion called from its eval loop, each of whose
    /// calls and returns was a pair of exits. crossgen2 compiles them in the background and warm runs call its
    /// code, so the larger methods cost no run JIT time (python3's workloads faster warm, docs/PERFORMANCE.md,
    /// twenty-fourth session).</summary>
    public static readonly Limits Hot = new(1000, 128, 400, 60);

    /// <summary>The regions a run JIT-compiles (RegionCompiler) and the warm blocks' regions it saves.</summary>
    public static readonly Limits Small = new(600, 64, 64, 8);

    /// <summary>The region's first blocks (its entry's own code comes before callees) that stay within
    /// <paramref name="instructions"/>, the entry at least; the blocks left out become exits.</summary>
    public static Region Prefix(Region region, int instructions)
    {
        var blocks = new List<Block>();
        int count = 0;
        foreach (var b in region.Blocks)
        {
            if (blocks.Count > 0 && count + b.Insns.Length > instructions) break;
            blocks.Add(b);
            count += b.Insns.Length;
        }
        return new Region { Entry = region.Entry, Blocks = blocks };
    }

    /// <summary>The region entered at <paramref name="entry"/>; with <paramref name="executedOnly"/>, only
    /// blocks that have run (interpreted, or inside another region) join it, and only callees that have.</summary>
    public static Region Build(BlockCache cache, Block entry, bool executedOnly, Limits limits)
    {
        var (maxInstructions, maxBlocks, maxCalleeInstructions, maxCalleeBlocks) = limits;
        bool Ran(Block b) => !executedOnly || b.ExecCount > 0 || b.Translated;
        var blocks = new List<Block> { entry };
        var seen = new AddressSet();
        seen.Add(entry.Start);
        var callees = new List<ulong>();
        int nextCallee = 0;
        int count = entry.Insns.Length;
        Block? Get(ulong target)
        {
            if (cache.TryGet(target, out var b)) return b;
            try { return cache.Decode(target); }
            catch (GuestFaultException) { return null; }
        }
        // The code around the entry, through jumps (and over calls, to their return addresses).
        var work = new Queue<Block>();
        work.Enqueue(entry);
        while (work.Count > 0)
        {
            var b = work.Dequeue();
            if (RegionBuilder.DirectCall(b) is { } callee) callees.Add(callee);
            foreach (var target in Successors(b))
            {
                if (seen.Contains(target) || blocks.Count >= maxBlocks) continue;
                seen.Add(target);
                if (Get(target) is not { } nb || !Ran(nb) || count + nb.Insns.Length > maxInstructions) continue;
                count += nb.Insns.Length;
                blocks.Add(nb);
                work.Enqueue(nb);
            }
        }
        // Then small callees, each whole or not at all (their own calls are followed the same way).
        while (nextCallee < callees.Count)
        {
            ulong start = callees[nextCallee++];
            if (seen.Contains(start) || executedOnly && !(cache.TryGet(start, out var first) && Ran(first))) continue;
            var body = new List<Block>();
            var bodySeen = new AddressSet();
            bodySeen.Add(start);
            var pending = new List<ulong> { start };
            int nextPending = 0;
            int size = 0;
            bool fits = true;
            while (fits && nextPending < pending.Count)
            {
                ulong t = pending[nextPending++];
                if (seen.Contains(t)) continue;
                if (Get(t) is not { } nb) { fits = false; break; }
                body.Add(nb);
                size += nb.Insns.Length;
                fits = size <= maxCalleeInstructions && body.Count <= maxCalleeBlocks
                    && count + size <= maxInstructions && blocks.Count + body.Count <= maxBlocks;
                foreach (var next in Successors(nb))
                    if (bodySeen.Add(next)) pending.Add(next);
            }
            if (!fits) continue;
            foreach (var nb in body)
            {
                seen.Add(nb.Start);
                blocks.Add(nb);
                count += nb.Insns.Length;
                if (DirectCall(nb) is { } inner) callees.Add(inner);
            }
        }
        return new Region { Entry = entry, Blocks = blocks };
    }

    /// <summary>The target of the direct call that ends <paramref name="b"/>, if it ends in one.</summary>
    public static ulong? DirectCall(Block b) =>
        b.Insns.Length > 0 && b.Insns[^1].FlowControl == FlowControl.Call && b.Insns[^1].Op0Kind == OpKind.NearBranch64
            ? b.Insns[^1].NearBranchTarget : null;

    /// <summary>Targets that stay inside a region when taken (a direct call's callee aside).</summary>
    public static IEnumerable<ulong> Successors(Block b)
    {
        if (b.Insns.Length == 0) yield break;
        ref readonly var last = ref b.Insns[^1];
        if (last.Code == Code.INVALID) yield break;
        switch (last.FlowControl)
        {
            case FlowControl.Next:
                if (last.Code != Code.Syscall) yield return b.End;
                break;
            case FlowControl.ConditionalBranch:
                if (last.Op0Kind == OpKind.NearBranch64) yield return last.NearBranchTarget;
                yield return b.End;
                break;
            case FlowControl.UnconditionalBranch:
                if (last.Op0Kind == OpKind.NearBranch64) yield return last.NearBranchTarget;
                break;
            case FlowControl.Call:
            case FlowControl.IndirectCall:
                // The return address: a ret translated in this region comes back here inline, and a
                // callee outside it returns here through the method's entry for it (RegionCompiler.Entries).
                yield return b.End;
                break;
        }
    }
}
