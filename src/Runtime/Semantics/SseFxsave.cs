using UniJit.Runtime.Dispatch;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// fxsave / fxrstor: the 512-byte x87 + SSE state image (Intel SDM vol. 2, FXSAVE, table 3-53 for
/// 64-bit mode). glibc's lazy-binding trampoline (_dl_runtime_resolve_fxsave) uses it when XSAVE is
/// not advertised, so every dynamically linked program runs this on its first PLT calls.
/// Layout: FCW@0, FSW@2 (TOP in bits 13:11), abridged FTW@4 (bit i = physical register i not
/// empty), FOP@6, FIP@8, FDP@16 (64-bit with REX.W; else 32-bit offset + 16-bit selector),
/// MXCSR@24, MXCSR_MASK@28, ST(0)..ST(7)@32 in stack order (16-byte slots, 80 bits used),
/// XMM0..XMM15@160. Bytes 416..511 are not written.
/// </summary>
public static unsafe class SseFxsave
{
    public static void Save(CpuState* s, byte* p, bool rex64)
    {
        ref X87State f = ref s->Fpu;
        int top = f.Top & 7;
        *(ushort*)p = f.Control;
        *(ushort*)(p + 2) = (ushort)((f.Status & ~0x3800) | (top << 11));
        byte ftw = 0;
        for (int r = 0; r < 8; r++)
            if (((f.Tag >> (2 * r)) & 3) != 3) ftw |= (byte)(1 << r);
        p[4] = ftw;
        p[5] = 0;
        *(ushort*)(p + 6) = (ushort)(f.LastOpcode & 0x7FF);
        if (rex64)
        {
            *(ulong*)(p + 8) = f.LastIp;
            *(ulong*)(p + 16) = f.LastDp;
        }
        else
        {
            *(uint*)(p + 8) = (uint)f.LastIp; *(uint*)(p + 12) = 0;
            *(uint*)(p + 16) = (uint)f.LastDp; *(uint*)(p + 20) = 0;
        }
        *(uint*)(p + 24) = s->Mxcsr;
        *(uint*)(p + 28) = SseMxcsr.Writable;
        for (int i = 0; i < 8; i++)
        {
            int r = (top + i) & 7;
            byte* slot = p + 32 + 16 * i;
            *(ulong*)slot = f.Mantissa[r];
            *(ushort*)(slot + 8) = f.SignExp[r];
            *(ushort*)(slot + 10) = 0;
            *(uint*)(slot + 12) = 0;
        }
        Buffer.MemoryCopy(s->Xmm, p + 160, 256, 256);
    }

    public static void Restore(CpuState* s, byte* p, bool rex64)
    {
        uint mxcsr = *(uint*)(p + 24);
        if ((mxcsr & ~SseMxcsr.Writable) != 0) throw new GuestSignalException(Signals.SIGSEGV, 128, 0);
        ref X87State f = ref s->Fpu;
        f.Control = *(ushort*)p;
        ushort fsw = *(ushort*)(p + 2);
        // ES (bit 7) and B (bit 15) are derived: set when a flagged exception is unmasked.
        bool es = (fsw & ~f.Control & 0x3F) != 0;
        fsw = (ushort)((fsw & 0x7F7F) | (es ? 0x8080 : 0));
        f.Status = fsw;
        int top = (fsw >> 11) & 7;
        f.Top = (ushort)top;
        f.LastOpcode = (ushort)(*(ushort*)(p + 6) & 0x7FF);
        if (rex64)
        {
            f.LastIp = *(ulong*)(p + 8);
            f.LastDp = *(ulong*)(p + 16);
        }
        else
        {
            f.LastIp = *(uint*)(p + 8);
            f.LastDp = *(uint*)(p + 16);
        }
        for (int i = 0; i < 8; i++)
        {
            int r = (top + i) & 7;
            byte* slot = p + 32 + 16 * i;
            f.Mantissa[r] = *(ulong*)slot;
            f.SignExp[r] = *(ushort*)(slot + 8);
        }
        byte ftw = p[4];
        ushort tag = 0;
        for (int r = 0; r < 8; r++)
        {
            int t = (ftw & (1 << r)) == 0 ? 3 : TagOf(f.Mantissa[r], f.SignExp[r]);
            tag |= (ushort)(t << (2 * r));
        }
        f.Tag = tag;
        s->Mxcsr = mxcsr;
        Buffer.MemoryCopy(p + 160, s->Xmm, 256, 256);
    }

    /// <summary>The full tag of a non-empty register: 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unnormal).</summary>
    public static int TagOf(ulong mantissa, ushort signExp)
    {
        int e = signExp & 0x7FFF;
        if (e == 0x7FFF) return 2;
        if (e == 0) return mantissa == 0 ? 1 : 2;
        return (mantissa >> 63) != 0 ? 0 : 2;
    }
}
