using System.Runtime.InteropServices;

namespace UniJit.Runtime.State;

/// <summary>
/// The x87 FPU: eight 80-bit registers (as a 64-bit significand and a 16-bit sign/exponent), the
/// stack top, control, status and tag words. Semantics live in Semantics/X87Stack.cs
/// (<see cref="Semantics.X87"/>) and Semantics/Float80*.cs.
///
/// Invariants the x87 code keeps (and fxrstor/fldenv/frstor must keep when they write here):
/// <list type="bullet">
/// <item><see cref="Top"/> is the stack top (0..7) and <see cref="Status"/> bits 11-13 mirror it;
/// <see cref="Semantics.X87.StatusWord"/> composes the architectural value from Top.</item>
/// <item><see cref="Tag"/> is the full tag word, kept current on every register write
/// (00 valid, 01 zero, 10 special, 11 empty); fnstenv/fnsave recompute the non-empty tags from
/// the contents anyway, fxsave's abridged form is "tag != 11".</item>
/// <item>Status bits ES (7) and B (15) are set exactly when an exception flag is set whose mask
/// bit in <see cref="Control"/> is clear; a waiting x87 instruction then raises SIGFPE.</item>
/// <item><see cref="Control"/> always has bit 6 set (it reads as 1 on the hardware).</item>
/// </list>
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct X87State
{
    /// <summary>Physical registers R0..R7 (ST(i) is R[(Top + i) &amp; 7]); MMi is Mantissa[i]
    /// (<see cref="Semantics.Mmx"/>).</summary>
    public fixed ulong Mantissa[8];
    public fixed ushort SignExp[8];
    public ushort Control;
    public ushort Status;
    /// <summary>Full tag word (2 bits per physical register, 11 = empty).</summary>
    public ushort Tag;
    public ushort Top;
    /// <summary>FOP, FIP, FDP: the last instruction's opcode and addresses (FIP and FDP are
    /// recorded; FOP is not, and reads as 0).</summary>
    public ushort LastOpcode;
    public ushort Pad;
    public ulong LastIp, LastDp;
}
