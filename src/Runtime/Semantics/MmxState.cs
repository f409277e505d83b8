using System.Runtime.CompilerServices;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// The MMX registers and what MMX instructions do to the x87 state they live in (Intel SDM vol. 1,
/// 9.5 and table 9-2). MM0..MM7 are the significands of the x87 physical registers R0..R7 (not
/// ST(i): the stack top does not move them). Every MMX instruction other than emms:
/// <list type="bullet">
/// <item>first raises a pending unmasked x87 exception (#MF → SIGFPE), as a waiting x87 instruction does;</item>
/// <item>then sets TOP to 0 and every tag to non-empty ("valid"; the full tag of each register is kept
/// as the contents say, as <see cref="X87State.Tag"/>'s invariant wants, so fnstenv/fxsave agree);</item>
/// <item>a write to MMi also sets that register's sign and exponent (bits 64-79) to all ones.</item>
/// </list>
/// emms marks every register empty (and also sets TOP to 0). Handlers read their sources (which may fault) before calling
/// <see cref="Enter"/>, so a faulting instruction leaves the x87 state as it was.
/// </summary>
public static unsafe class Mmx
{
    /// <summary>#MF: a pending unmasked x87 exception is raised before the MMX instruction runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Begin(CpuState* s, ulong ip) => X87.Begin(&s->Fpu, ip);

    /// <summary>The transition to MMX mode: TOP = 0 and no register empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Enter(CpuState* s)
    {
        // Already there (the usual case inside MMX code): TOP is 0 and no tag pair is 11.
        uint tag = s->Fpu.Tag;
        if ((s->Fpu.Top | (tag & (tag >> 1) & 0x5555)) != 0) EnterSlow(&s->Fpu);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void EnterSlow(X87State* f)
    {
        X87.SetTop(f, 0);
        int t = 0;
        for (int p = 0; p < 8; p++) t |= SseFxsave.TagOf(f->Mantissa[p], f->SignExp[p]) << (2 * p);
        f->Tag = (ushort)t;
    }

    /// <summary>MMn (n = 0..7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(CpuState* s, int n) => s->Fpu.Mantissa[n];

    /// <summary>Writes MMn: significand = <paramref name="v"/>, sign and exponent all ones (so its tag
    /// is "special"). Call after <see cref="Enter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(CpuState* s, int n, ulong v)
    {
        s->Fpu.Mantissa[n] = v;
        s->Fpu.SignExp[n] = 0xFFFF;
        s->Fpu.Tag = (ushort)((s->Fpu.Tag & ~(3 << (2 * n))) | (2 << (2 * n)));
    }

    /// <summary>emms: every x87 register empty and TOP = 0 (table 9-2; the contents stay).</summary>
    public static void Emms(CpuState* s)
    {
        X87.SetTop(&s->Fpu, 0);
        s->Fpu.Tag = 0xFFFF;
    }
}
