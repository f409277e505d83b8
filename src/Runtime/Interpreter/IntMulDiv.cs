using System.Runtime.CompilerServices;
using Reg = Iced.Intel.Register;
using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using static UniJit.Runtime.Interpreter.Operands;

namespace UniJit.Runtime.Interpreter;

public static unsafe partial class IntegerHandlers
{
    const int FPE_INTDIV = 1;

    /// <summary>Writes a double-width result to AX (8-bit) or rDX:rAX.</summary>
    static void WriteDxAx(CpuState* s, int z, ulong lo, ulong hi)
    {
        switch (z)
        {
            case 1: s->Gpr[0] = (s->Gpr[0] & ~0xFFFFUL) | (lo & 0xFF) | ((hi & 0xFF) << 8); break;
            case 2: s->Gpr[0] = (s->Gpr[0] & ~0xFFFFUL) | (lo & 0xFFFF); s->Gpr[2] = (s->Gpr[2] & ~0xFFFFUL) | (hi & 0xFFFF); break;
            case 4: s->Gpr[0] = (uint)lo; s->Gpr[2] = (uint)hi; break;
            default: s->Gpr[0] = lo; s->Gpr[2] = hi; break;
        }
    }

    static void MulH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        ulong src = Read(s, in i, 0, z), a = s->Gpr[0] & Flags.Mask(z);
        ulong lo, hi;
        if (z == 8) hi = BigMul(a, src, out lo);
        else
        {
            ulong p = a * src;
            lo = p & Flags.Mask(z);
            hi = p >> (z * 8);
        }
        WriteDxAx(s, z, lo, hi);
        Alu.MulFlags(s, z, lo, hi != 0);
    }

    static void ImulH(Cpu c, in Instruction i)
    {
        var s = c.S;
        if (i.OpCount == 1)
        {
            int z = Size(in i, 0);
            long src = Alu.SignExtend(Read(s, in i, 0, z), z), a = Alu.SignExtend(s->Gpr[0], z);
            ulong lo, hi; bool of;
            if (z == 8)
            {
                // The signed high half from the unsigned product: subtract each negative factor's partner.
                ulong hu = BigMul((ulong)a, (ulong)src, out ulong l);
                long h = (long)hu - (a < 0 ? src : 0) - (src < 0 ? a : 0);
                lo = l; hi = (ulong)h;
                of = h != (long)l >> 63;
            }
            else
            {
                long p = a * src;
                lo = (ulong)p & Flags.Mask(z);
                hi = (ulong)(p >> (z * 8)) & Flags.Mask(z);
                of = p != Alu.SignExtend(lo, z);
            }
            WriteDxAx(s, z, lo, hi);
            Alu.MulFlags(s, z, lo, of);
            return;
        }
        int size = Size(in i, 0);
        ulong x = i.OpCount == 2 ? Read(s, in i, 0, size) : Read(s, in i, 1, size);
        ulong y = i.OpCount == 2 ? Read(s, in i, 1, size) : Read(s, in i, 2, size);
        WriteReg(s, i.Op0Register, Alu.Imul(s, size, x, y));
    }

    static void DivH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        ulong d = Read(s, in i, 0, z);
        if (d == 0) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
        ulong q, r;
        switch (z)
        {
            case 1:
            {
                ulong n = s->Gpr[0] & 0xFFFF;
                q = n / d; r = n % d;
                if (q > 0xFF) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
                s->Gpr[0] = (s->Gpr[0] & ~0xFFFFUL) | q | (r << 8);
                return;
            }
            case 8:
            {
                // Most dividends fit in RAX (C's 64-bit / and %): the host's 64-bit division.
                if (s->Gpr[2] == 0) { q = s->Gpr[0] / d; r = s->Gpr[0] % d; break; }
                if (!Div128(s->Gpr[2], s->Gpr[0], d, out q, out r)) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
                break;
            }
            default:
            {
                int bits = z * 8;
                ulong m = Flags.Mask(z);
                ulong n = ((s->Gpr[2] & m) << bits) | (s->Gpr[0] & m);
                q = n / d; r = n % d;
                if (q > m) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
                break;
            }
        }
        WriteDxAx(s, z, q, r);
    }

    // The 128-bit arithmetic lives in methods of its own: ReadyToRun does not precompile a method that
    // touches UInt128/Int128 (their layout is not fixed across runtimes) or BMI2, and the handlers around
    // them, run at every start (glibc's start-up divides and multiplies), were JIT-compiled in every run.

    /// <summary>a * b as hi:lo, from 32-bit halves (Math.BigMul's BMI2 path keeps a method from being precompiled).</summary>
    static ulong BigMul(ulong a, ulong b, out ulong lo)
    {
        ulong al = (uint)a, ah = a >> 32, bl = (uint)b, bh = b >> 32;
        ulong ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
        ulong mid = (ll >> 32) + (uint)lh + (uint)hl;
        lo = (mid << 32) | (uint)ll;
        return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    }

    /// <summary>hi:lo / d (d non-zero); false when the quotient does not fit in 64 bits.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static bool Div128(ulong hi, ulong lo, ulong d, out ulong q, out ulong r)
    {
        UInt128 n = ((UInt128)hi << 64) | lo;
        UInt128 q128 = n / d;
        (q, r) = ((ulong)q128, (ulong)(n % d));
        return q128 <= ulong.MaxValue;
    }

    /// <summary>Signed hi:lo / d (d non-zero); false when the quotient does not fit in 64 bits.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static bool Idiv128(ulong hi, ulong lo, long d, out long q, out long r)
    {
        Int128 n = (Int128)(((UInt128)hi << 64) | lo);
        (q, r) = (0, 0);
        if (n == Int128.MinValue && d == -1) return false;
        Int128 q128 = n / d, r128 = n % d;
        if (q128 > long.MaxValue || q128 < long.MinValue) return false;
        (q, r) = ((long)q128, (long)r128);
        return true;
    }

    static void IdivH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        long d = Alu.SignExtend(Read(s, in i, 0, z), z);
        if (d == 0) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
        if (z == 8)
        {
            long lo = (long)s->Gpr[0];
            if (s->Gpr[2] == (ulong)(lo >> 63))
            {
                // RDX:RAX is RAX sign-extended (cqo; C's 64-bit / and %): the host's 64-bit division, whose
                // one overflow is MinValue / -1.
                if (lo == long.MinValue && d == -1) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
                WriteDxAx(s, z, (ulong)(lo / d), (ulong)(lo % d));
                return;
            }
            if (!Idiv128(s->Gpr[2], s->Gpr[0], d, out long q, out long r)) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
            WriteDxAx(s, z, (ulong)q, (ulong)r);
            return;
        }
        long num;
        if (z == 1) num = (short)s->Gpr[0];
        else
        {
            int bits = z * 8;
            ulong m = Flags.Mask(z);
            num = Alu.SignExtend(((s->Gpr[2] & m) << bits) | (s->Gpr[0] & m), z * 2);
        }
        long qq = num / d, rr = num % d;
        long lim = 1L << (z * 8 - 1);
        if (qq >= lim || qq < -lim) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
        if (z == 1) s->Gpr[0] = (s->Gpr[0] & ~0xFFFFUL) | ((ulong)qq & 0xFF) | (((ulong)rr & 0xFF) << 8);
        else WriteDxAx(s, z, (ulong)qq & Flags.Mask(z), (ulong)rr & Flags.Mask(z));
    }
}
