using System.Runtime.InteropServices;

namespace UniJit.Runtime.State;

/// <summary>The x87 FPU: eight 80-bit registers (as a 64-bit significand and a 16-bit
/// sign/exponent), the stack top, control, status and tag words.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct X87State
{
    /// <summary>Physical registers R0..R7 (ST(i) is R[(Top + i) &amp; 7]).</summary>
    public fixed ulong Mantissa[8];
    public fixed ushort SignExp[8];
    public ushort Control;
    public ushort Status;
    /// <summary>Full tag word (2 bits per physical register, 11 = empty).</summary>
    public ushort Tag;
    public ushort Top;
    public ushort LastOpcode;
    public ushort Pad;
    public ulong LastIp, LastDp;
}
