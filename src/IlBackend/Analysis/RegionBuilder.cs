using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;

namespace UniJit.IlBackend.Analysis;

/// <summary>A translation unit: the entry block and the blocks reachable from it by direct branches.</summary>
public sealed class Region
{
    public required Block Entry { get; init; }
    public required List<Block> Blocks { get; init; }
    public int InstructionCount => Blocks.Sum(b => b.Insns.Length);
}

/// <summary>
/// Discovers a region from a hot entry: follows fall-through, <c>jcc</c> and direct <c>jmp</c> edges
/// (calls, returns, indirect branches and system calls leave the region), bounded so the method
/// stays far below RyuJIT's MinOpts limits (design notes: about 60 000 IL bytes, 2 000 basic blocks).
/// </summary>
public static class RegionBuilder
{
    public const int MaxInstructions = 600;
    public const int MaxBlocks = 64;

    public static Region Build(BlockCache cache, Block entry)
    {
        var blocks = new List<Block> { entry };
        var seen = new HashSet<ulong> { entry.Start };
        var work = new Queue<Block>();
        work.Enqueue(entry);
        int count = entry.Insns.Length;
        while (work.Count > 0)
        {
            var b = work.Dequeue();
            foreach (var target in Successors(b))
            {
                if (seen.Contains(target) || blocks.Count >= MaxBlocks) continue;
                seen.Add(target);
                Block? nb;
                if (!cache.TryGet(target, out nb))
                {
                    try { nb = cache.Decode(target); }
                    catch (GuestFaultException) { continue; }
                }
                if (count + nb.Insns.Length > MaxInstructions) continue;
                count += nb.Insns.Length;
                blocks.Add(nb);
                work.Enqueue(nb);
            }
        }
        return new Region { Entry = entry, Blocks = blocks };
    }

    /// <summary>Targets that stay inside a region when taken.</summary>
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
        }
    }
}
