using UniJit.Runtime.State;

namespace UniJit.IlBackend.Emit;

/// <summary>Byte offsets of <see cref="CpuState"/> fields, for IL that addresses the state through its pointer.
/// Taken from field addresses in a local state (Marshal.OffsetOf is reflection, and a generic method
/// JIT-compiled at the first region compile of every run).</summary>
public static unsafe class StateLayout
{
    public static readonly int Gpr, Rflags, Rip, FsBase, GsBase, Attention, HandlerIp, Retry,
        InstructionCount, Mxcsr, FpHeld, Fpu, FpuControl, FpuStatus, ChainHits, AccessChecks, Xmm;

    static StateLayout()
    {
        CpuState s = default;
        byte* b = (byte*)&s;
        Gpr = (int)((byte*)s.Gpr - b);
        Rflags = (int)((byte*)&s.Rflags - b);
        Rip = (int)((byte*)&s.Rip - b);
        FsBase = (int)((byte*)&s.FsBase - b);
        GsBase = (int)((byte*)&s.GsBase - b);
        Attention = (int)((byte*)&s.Attention - b);
        HandlerIp = (int)((byte*)&s.HandlerIp - b);
        Retry = (int)((byte*)&s.Retry - b);
        InstructionCount = (int)((byte*)&s.InstructionCount - b);
        Mxcsr = (int)((byte*)&s.Mxcsr - b);
        FpHeld = (int)((byte*)&s.FpHeld - b);
        Fpu = (int)((byte*)&s.Fpu - b);
        FpuControl = (int)((byte*)&s.Fpu.Control - b);
        FpuStatus = (int)((byte*)&s.Fpu.Status - b);
        ChainHits = (int)((byte*)&s.ChainHits - b);
        AccessChecks = (int)((byte*)&s.AccessChecks - b);
        Xmm = (int)((byte*)s.Xmm - b);
    }
}
