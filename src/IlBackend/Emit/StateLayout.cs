using System.Runtime.InteropServices;
using UniJit.Runtime.State;

namespace UniJit.IlBackend.Emit;

/// <summary>Byte offsets of <see cref="CpuState"/> fields, for IL that addresses the state through its pointer.</summary>
public static class StateLayout
{
    public static readonly int Gpr = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.Gpr));
    public static readonly int Rflags = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.Rflags));
    public static readonly int Rip = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.Rip));
    public static readonly int FsBase = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.FsBase));
    public static readonly int GsBase = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.GsBase));
    public static readonly int Attention = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.Attention));
    public static readonly int HandlerIp = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.HandlerIp));
    public static readonly int EntryIndex = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.EntryIndex));
    public static readonly int Retry = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.Retry));
    public static readonly int InstructionCount = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.InstructionCount));
    public static readonly int Mxcsr = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.Mxcsr));
    public static readonly int FpHeld = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.FpHeld));
    public static readonly int Fpu = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.Fpu));
    public static readonly int FpuControl = Fpu + (int)Marshal.OffsetOf<X87State>(nameof(X87State.Control));
    public static readonly int FpuStatus = Fpu + (int)Marshal.OffsetOf<X87State>(nameof(X87State.Status));
    public static readonly int ChainHits = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.ChainHits));
}
