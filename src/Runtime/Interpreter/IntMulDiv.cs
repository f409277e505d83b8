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
        if (z == 8) hi = Math.BigMul(a, src, out lo);
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
                long h = Math.BigMul(a, src, out long l);
                lo = (ulong)l; hi = (ulong)h;
                of = h != l >> 63;
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
                UInt128 n = ((UInt128)s->Gpr[2] << 64) | s->Gpr[0];
                UInt128 q128 = n / d;
                if (q128 > ulong.MaxValue) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
                q = (ulong)q128; r = (ulong)(n % d);
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
            Int128 n = (Int128)(((UInt128)s->Gpr[2] << 64) | s->Gpr[0]);
            if (n == Int128.MinValue && d == -1) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
            Int128 q = n / d, r = n % d;
            if (q > long.MaxValue || q < long.MinValue) throw new GuestSignalException(Signals.SIGFPE, FPE_INTDIV, i.IP);
            WriteDxAx(s, z, (ulong)(long)q, (ulong)(long)r);
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
