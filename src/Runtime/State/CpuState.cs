using System.Runtime.InteropServices;

namespace UniJit.Runtime.State;

/// <summary>
/// The architectural state of one guest thread, kept in unmanaged memory so that the
/// interpreter and translated code reach every field through one pointer with no bounds checks.
/// General registers are indexed in Iced's order (RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15).
/// Arithmetic flags are lazy: see <see cref="Semantics.Flags"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct CpuState
{
    public fixed ulong Gpr[16];
    public ulong Rip;
    public ulong FsBase;
    public ulong GsBase;

    /// <summary>RFLAGS bits that are not lazy (DF, IF, ...) and, when <see cref="FlagOp"/> is
    /// <see cref="Semantics.FlagOp.None"/>, the arithmetic flags too.</summary>
    public ulong Rflags;
    /// <summary>Lazy flags: the last flag-setting operation, its size in bytes and operands.</summary>
    public ulong FlagDst, FlagSrc, FlagRes;
    public int FlagOp;
    public int FlagSize;

    public uint Mxcsr;
    /// <summary>Non-zero when a signal was sent to this thread: it delivers at its next block boundary
    /// (process-wide signals use <see cref="Dispatch.HostSignals.Attention"/>).</summary>
    public int Attention;
    /// <summary>XMM0..XMM15, 16 bytes each.</summary>
    public fixed byte Xmm[16 * 16];

    public X87State Fpu;

    public ulong InstructionCount;
    /// <summary>Region exits that continued straight into another translated region (counted only by code
    /// compiled for --stats, RegionCompiler.CountInstructions).</summary>
    public ulong ChainHits;
    /// <summary>Inline permission checks of memory accesses run (a group's check counts once; counted only
    /// by code compiled for --stats).</summary>
    public ulong AccessChecks;

    /// <summary>The instruction a translated region is running through its interpreter handler. Only
    /// those handlers throw inside translated code (which has no exception handler of its own, so that
    /// RyuJIT can keep guest registers in host registers), and the dispatcher reports such an exception
    /// at this address.</summary>
    public ulong HandlerIp;

    /// <summary>Set by a helper of translated code instead of raising a guest exception (an unmasked
    /// SIMD floating-point exception): the region leaves before the instruction, clears this, and the
    /// interpreter runs the instruction again and raises it.</summary>
    public int Retry;

    /// <summary>Non-zero while translated code runs with the host MXCSR still holding the guest's (its flags
    /// still collecting) outside a region that runs floating point natively: such a region chains straight
    /// into the next with it set. A region that runs floating point natively clears it at entry and carries
    /// on without switching MXCSR; any other runs on under it (it raises no floating-point flags) and
    /// chains on with it set, and leaves the guest's MXCSR (<see cref="Semantics.SseMxcsr.LeaveHeld"/>) only
    /// before managed code runs: an interpreter handler, the chain's resolver, the dispatcher.
    /// Zero everywhere else.</summary>
    public int FpHeld;

    /// <summary>Translated code running under the guest MXCSR stores each floating-point result here
    /// (the low quadword), so that RyuJIT cannot drop an operation whose result the guest never reads:
    /// its exception flags are part of the result (<see cref="Semantics.SseMxcsr.RegionEnter"/>).</summary>
    public ulong FpSink;
}
