using UniJit.Runtime.State;

namespace UniJit.Runtime.Dispatch;

/// <summary>Translated code for a region that starts at a block: runs from that block's address until
/// it leaves the region, and returns with the guest state (RIP included) stored in <see cref="CpuState"/>.</summary>
public unsafe delegate void RegionCode(Cpu cpu, CpuState* s, int entry);

public sealed class CompiledRegion(RegionCode code, nint method, int instructions, int ilBytes)
{
    /// <summary>How the dispatcher runs the region (and what keeps its code alive).</summary>
    public readonly RegionCode Code = code;
    /// <summary>What a chained exit calls instead of <see cref="Code"/>: the method's entry point and the
    /// context the delegate closes over. Reached from the exit's candidate region directly, they are one
    /// dependent load closer to the indirect jump than the delegate's own fields (an extra load on that
    /// path cost fib.py 4 %, docs/PERFORMANCE.md, nineteenth session).</summary>
    public readonly nint Method = method != 0 ? method : throw new ArgumentException("a region needs its entry point", nameof(method));
    public readonly object? Context = code.Target;
    public readonly int Instructions = instructions;
    public readonly int IlBytes = ilBytes;
    /// <summary>The block the region starts at; the region is dropped with it.</summary>
    public Block? Entry
    {
        get => entry;
        set { entry = value; Start = value?.Start ?? 0; }
    }
    Block? entry;
    /// <summary>The guest address the region starts at (its entry block's).</summary>
    public ulong Start;
    /// <summary>False once the entry block is dropped (its page written, unmapped or re-protected):
    /// chained exits test this one field before they jump here.</summary>
    public volatile bool Valid = true;
    /// <summary>Which of the method's entries this is (0: the region's start): the caller passes it as the
    /// method's last argument and the method's prologue branches to that block.</summary>
    public int EntryIndex;
    /// <summary>The region's other entries (blocks a call inside it returns to), published with it.</summary>
    public CompiledRegion[] Others = [];

    /// <summary>Drops the region and every entry into it.</summary>
    public void Invalidate()
    {
        Valid = false;
        foreach (var o in Others)
        {
            o.Valid = false;
            if (o.Entry is { } b && ReferenceEquals(b.Compiled, o)) b.Compiled = null;
        }
    }
    /// <summary>Time RyuJIT took to compile the method to machine code.</summary>
    public TimeSpan JitTime { get; init; }
}

/// <summary>A translation tier (the IL backend): turns the region starting at a hot block into code.</summary>
public interface ICompiler
{
    /// <summary>Translates the region entered at <paramref name="entry"/>, or returns null when it cannot.</summary>
    CompiledRegion? Compile(GuestProcess process, Block entry);
}
