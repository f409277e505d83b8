using System.Runtime.CompilerServices;
using Iced.Intel;
using UniJit.Runtime.Dispatch;

namespace UniJit.IlBackend.Emit;

/// <summary>What a translated region closes over: the decoded instructions that fall back to
/// interpreter handlers (passed to them by reference, as the interpreter does), and its links:
/// for each exit with a known target, the translated region there once one exists, so the exit
/// tail-calls it instead of returning to the dispatcher (block chaining). Exits to computed addresses
/// look in the process's <see cref="GuestProcess.JumpCache"/>. The region's epilogue tests a cached
/// region inline (its start and <see cref="CompiledRegion.Valid"/>) and calls <see cref="Resolve"/> only
/// when that test fails. It does not chain while a signal asks for attention, so the dispatcher can
/// deliver it.</summary>
public sealed class RegionContext(Instruction[] insns, int links, GuestProcess process)
{
    /// <summary>Runs the class constructors of what translated code calls inline, before any region can
    /// run (every region gets a context first, compiled here or bound from the cache): a class first
    /// initialized inside a region that runs floating point natively would run its constructor, and
    /// the JIT for it, under the guest's MXCSR, and their inexact results would raise PE in the guest's
    /// flags (seen with SseNative, whose constructor compiles a method). --tier=jit test: fenv_first_region.</summary>
    static RegionContext()
    {
        foreach (var t in new[] { typeof(SseNative), typeof(SseCalls), typeof(UniJit.Runtime.Semantics.SseMxcsr),
                     typeof(UniJit.Runtime.Semantics.Flags), typeof(UniJit.Runtime.Semantics.Alu), typeof(UniJit.Runtime.Semantics.Bits),
                     typeof(UniJit.Runtime.Semantics.SimdFloat), typeof(UniJit.Runtime.Semantics.SimdInt),
                     typeof(UniJit.Runtime.Semantics.SimdShuffle), typeof(UniJit.Runtime.Semantics.SimdConvert) })
            RuntimeHelpers.RunClassConstructor(t.TypeHandle);
    }

    public readonly Instruction[] Insns = insns;
    /// <summary>A saved region method's entry point, from its method handle, for the chained exits that call
    /// it (<see cref="CompiledRegion.Method"/>).</summary>
    public nint Entry;
    /// <summary>The host pointers translated code uses at every access (<see cref="IlEmitter.LoadPointers"/>):
    /// fields, not constants of the code, so that RyuJIT keeps each in a register or a stack slot.</summary>
    public readonly unsafe nint MemoryBase = (nint)UniJit.Runtime.Memory.GuestMemory.Base;
    public readonly unsafe nint ReadTag = (nint)UniJit.Runtime.Memory.GuestMemory.ReadTag;
    public readonly unsafe nint WriteTag = (nint)UniJit.Runtime.Memory.GuestMemory.WriteTag;
    public readonly unsafe nint Attention = (nint)HostSignals.Attention;
    /// <summary>The interpreter handler of each of <see cref="Insns"/> (the code of a region saved for later
    /// runs calls them through this table; a region compiled in this process has them as constants).</summary>
    public readonly nint[] Handlers = HandlersOf(insns);
    /// <summary>Per exit slot, the region last found at its target (checked before use).</summary>
    public readonly CompiledRegion?[] Links = new CompiledRegion?[links];
    /// <summary>The process's cache of regions by computed target (<see cref="GuestProcess.JumpCache"/>).</summary>
    public readonly CompiledRegion?[] JumpCache = process.JumpCache;
    readonly GuestProcess process = process;

    /// <summary>The region to continue with at <paramref name="target"/>, the target of exit
    /// <paramref name="slot"/> (or a computed address when the slot is negative: a return, an indirect
    /// jump or call), or null to return to the dispatcher. What it finds is kept for the inline test.</summary>
    static unsafe nint[] HandlersOf(Instruction[] insns)
    {
        var h = new nint[insns.Length];
        for (int i = 0; i < insns.Length; i++) h[i] = (nint)UniJit.Runtime.Interpreter.HandlerTable.For(in insns[i]);
        return h;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public CompiledRegion? Resolve(int slot, ulong target)
    {
        var r = process.LookupCompiled(target);
        if (slot >= 0) Links[slot] = r;
        else if (r != null) JumpCache[GuestProcess.JumpSlot(target)] = r;
        return r;
    }
}
