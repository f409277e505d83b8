using System.Runtime.CompilerServices;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// Integer ALU operations at 1, 2, 4 or 8 bytes: each returns the result (masked to the size)
/// and records its flags (lazily where possible). Shared by the interpreter and the IL tier.
/// </summary>
public static unsafe class Alu
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(CpuState* s, int size, ulong a, ulong b)
    {
        ulong r = (a + b) & Flags.Mask(size);
        Flags.Record(s, FlagOp.Add, size, a, b, r);
        return r;
    }

    public static ulong Adc(CpuState* s, int size, ulong a, ulong b) => Adc(s, size, a, b, Flags.GetCF(s));

    /// <summary>adc with the carry in given (translated code computes it from the flag producer's operands).</summary>
    public static ulong Adc(CpuState* s, int size, ulong a, ulong b, bool c)
    {
        ulong r = (a + b + (c ? 1UL : 0)) & Flags.Mask(size);
        Flags.Record(s, c ? FlagOp.Adc : FlagOp.Add, size, a, b, r);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sub(CpuState* s, int size, ulong a, ulong b)
    {
        ulong r = (a - b) & Flags.Mask(size);
        Flags.Record(s, FlagOp.Sub, size, a, b, r);
        return r;
    }

    public static ulong Sbb(CpuState* s, int size, ulong a, ulong b) => Sbb(s, size, a, b, Flags.GetCF(s));

    /// <summary>sbb with the borrow in given (translated code computes it from the flag producer's operands).</summary>
    public static ulong Sbb(CpuState* s, int size, ulong a, ulong b, bool c)
    {
        ulong r = (a - b - (c ? 1UL : 0)) & Flags.Mask(size);
        Flags.Record(s, c ? FlagOp.Sbb : FlagOp.Sub, size, a, b, r);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong And(CpuState* s, int size, ulong a, ulong b)
    {
        ulong r = a & b & Flags.Mask(size);
        Flags.Record(s, FlagOp.Logic, size, 0, 0, r);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Or(CpuState* s, int size, ulong a, ulong b)
    {
        ulong r = (a | b) & Flags.Mask(size);
        Flags.Record(s, FlagOp.Logic, size, 0, 0, r);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Xor(CpuState* s, int size, ulong a, ulong b)
    {
        ulong r = (a ^ b) & Flags.Mask(size);
        Flags.Record(s, FlagOp.Logic, size, 0, 0, r);
        return r;
    }

    public static ulong Inc(CpuState* s, int size, ulong a)
    {
        ulong r = (a + 1) & Flags.Mask(size);
        Flags.RecordIncDec(s, true, size, a, r);
        return r;
    }

    public static ulong Dec(CpuState* s, int size, ulong a)
    {
        ulong r = (a - 1) & Flags.Mask(size);
        Flags.RecordIncDec(s, false, size, a, r);
        return r;
    }

    public static ulong Neg(CpuState* s, int size, ulong a) => Sub(s, size, 0, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SignExtend(ulong v, int size) => size switch
    {
        1 => (sbyte)v,
        2 => (short)v,
        4 => (int)v,
        _ => (long)v,
    };

    static ulong SzpFlags(int size, ulong r)
    {
        ulong f = 0;
        if ((r & Flags.Mask(size)) == 0) f |= Flags.ZF;
        if ((r & Flags.SignBit(size)) != 0) f |= Flags.SF;
        if (Flags.Parity(r)) f |= Flags.PF;
        return f;
    }

    const ulong ShiftMask = Flags.CF | Flags.OF | Flags.SF | Flags.ZF | Flags.PF | Flags.AF;

    /// <summary>shl/sal. <paramref name="count"/> is the raw count; it is masked here.</summary>
    public static ulong Shl(CpuState* s, int size, ulong a, int count)
    {
        count &= size == 8 ? 63 : 31;
        if (count == 0) return a;
        int w = size * 8;
        ulong m = Flags.Mask(size);
        ulong r = count >= 64 ? 0 : (a << count) & m;
        bool cf = count <= w && ((a >> (w - count)) & 1) != 0;
        ulong f = SzpFlags(size, r) | (cf ? Flags.CF : 0);
        if (((r & Flags.SignBit(size)) != 0) ^ cf) f |= Flags.OF;
        Flags.SetEager(s, ShiftMask, f);
        return r;
    }

    public static ulong Shr(CpuState* s, int size, ulong a, int count)
    {
        count &= size == 8 ? 63 : 31;
        if (count == 0) return a;
        ulong m = Flags.Mask(size);
        a &= m;
        ulong r = count >= 64 ? 0 : a >> count;
        bool cf = count <= 64 && ((a >> (count - 1)) & 1) != 0;
        ulong f = SzpFlags(size, r) | (cf ? Flags.CF : 0);
        if ((a & Flags.SignBit(size)) != 0) f |= Flags.OF;
        Flags.SetEager(s, ShiftMask, f);
        return r;
    }

    public static ulong Sar(CpuState* s, int size, ulong a, int count)
    {
        count &= size == 8 ? 63 : 31;
        if (count == 0) return a;
        long sa = SignExtend(a, size);
        ulong r = (ulong)(sa >> Math.Min(count, 63)) & Flags.Mask(size);
        bool cf = ((sa >> Math.Min(count - 1, 63)) & 1) != 0;
        ulong f = SzpFlags(size, r) | (cf ? Flags.CF : 0);
        Flags.SetEager(s, ShiftMask, f);
        return r;
    }

    public static ulong Rol(CpuState* s, int size, ulong a, int count)
    {
        count &= size == 8 ? 63 : 31;
        if (count == 0) return a;
        int w = size * 8;
        ulong m = Flags.Mask(size);
        a &= m;
        int c = count % w;
        ulong r = c == 0 ? a : ((a << c) | (a >> (w - c))) & m;
        bool cf = (r & 1) != 0;
        bool of = ((r & Flags.SignBit(size)) != 0) ^ cf;
        Flags.SetEager(s, Flags.CF | Flags.OF, (cf ? Flags.CF : 0) | (of ? Flags.OF : 0));
        return r;
    }

    public static ulong Ror(CpuState* s, int size, ulong a, int count)
    {
        count &= size == 8 ? 63 : 31;
        if (count == 0) return a;
        int w = size * 8;
        ulong m = Flags.Mask(size);
        a &= m;
        int c = count % w;
        ulong r = c == 0 ? a : ((a >> c) | (a << (w - c))) & m;
        bool cf = (r & Flags.SignBit(size)) != 0;
        bool of = cf ^ ((r & (Flags.SignBit(size) >> 1)) != 0);
        Flags.SetEager(s, Flags.CF | Flags.OF, (cf ? Flags.CF : 0) | (of ? Flags.OF : 0));
        return r;
    }

    public static ulong Rcl(CpuState* s, int size, ulong a, int count)
    {
        count &= size == 8 ? 63 : 31;
        int w = size * 8;
        if (size < 4) count %= w + 1;
        if (count == 0) return a & Flags.Mask(size);
        ulong m = Flags.Mask(size);
        ulong r = a & m;
        bool cf = Flags.GetCF(s);
        for (int k = 0; k < count; k++)
        {
            bool outBit = (r & Flags.SignBit(size)) != 0;
            r = ((r << 1) | (cf ? 1UL : 0)) & m;
            cf = outBit;
        }
        bool of = ((r & Flags.SignBit(size)) != 0) ^ cf;
        Flags.SetEager(s, Flags.CF | Flags.OF, (cf ? Flags.CF : 0) | (of ? Flags.OF : 0));
        return r;
    }

    public static ulong Rcr(CpuState* s, int size, ulong a, int count)
    {
        count &= size == 8 ? 63 : 31;
        int w = size * 8;
        if (size < 4) count %= w + 1;
        if (count == 0) return a & Flags.Mask(size);
        ulong m = Flags.Mask(size);
        ulong r = a & m;
        bool cf = Flags.GetCF(s);
        // OF is computed from the operand before the rotate (for count 1: MSB xor CF-in).
        bool of = ((r & Flags.SignBit(size)) != 0) ^ cf;
        for (int k = 0; k < count; k++)
        {
            bool outBit = (r & 1) != 0;
            r = (r >> 1) | (cf ? Flags.SignBit(size) : 0);
            cf = outBit;
        }
        Flags.SetEager(s, Flags.CF | Flags.OF, (cf ? Flags.CF : 0) | (of ? Flags.OF : 0));
        return r;
    }

    /// <summary>Flags of shld/shrd: CF is the last bit shifted out, OF says the sign changed, SF/ZF/PF from the result.</summary>
    static ulong DoubleShiftResult(CpuState* s, int size, ulong dst, ulong r, bool cf)
    {
        ulong f = SzpFlags(size, r) | (cf ? Flags.CF : 0);
        if (((r ^ dst) & Flags.SignBit(size)) != 0) f |= Flags.OF;
        Flags.SetEager(s, ShiftMask, f);
        return r;
    }

    /// <summary>shld dst, src, count.</summary>
    public static ulong Shld(CpuState* s, int size, ulong dst, ulong src, int count)
    {
        count &= size == 8 ? 63 : 31;
        if (count == 0) return dst;
        int w = size * 8;
        ulong m = Flags.Mask(size);
        dst &= m; src &= m;
        ulong r; bool cf;
        if (size == 2 && count > 16)
        {
            // Intel: the 16-bit result is undefined; this matches the 32-bit concatenation the hardware uses.
            ulong cat = (dst << 32) | (src << 16) | dst;
            r = (cat >> (48 - count)) & m;
            cf = ((cat >> (48 - count + 16)) & 1) != 0;
        }
        else
        {
            r = ((dst << count) | (src >> (w - count))) & m;
            cf = ((dst >> (w - count)) & 1) != 0;
        }
        return DoubleShiftResult(s, size, dst, r, cf);
    }

    /// <summary>shrd dst, src, count.</summary>
    public static ulong Shrd(CpuState* s, int size, ulong dst, ulong src, int count)
    {
        count &= size == 8 ? 63 : 31;
        if (count == 0) return dst;
        int w = size * 8;
        ulong m = Flags.Mask(size);
        dst &= m; src &= m;
        ulong r; bool cf;
        if (size == 2 && count > 16)
        {
            ulong cat = (dst << 32) | (src << 16) | dst;
            r = (cat >> count) & m;
            cf = ((cat >> (count - 1)) & 1) != 0;
        }
        else
        {
            r = ((dst >> count) | (src << (w - count))) & m;
            cf = ((dst >> (count - 1)) & 1) != 0;
        }
        return DoubleShiftResult(s, size, dst, r, cf);
    }

    /// <summary>Flags after mul/imul: CF = OF = <paramref name="overflow"/>; SF/ZF/PF from the low result (undefined by Intel).</summary>
    public static void MulFlags(CpuState* s, int size, ulong low, bool overflow)
    {
        ulong f = SzpFlags(size, low) | (overflow ? Flags.CF | Flags.OF : 0);
        Flags.SetArith(s, f);
    }

    /// <summary>Two- and three-operand imul: the truncated product, flags for overflow.</summary>
    public static ulong Imul(CpuState* s, int size, ulong a, ulong b)
    {
        long sa = SignExtend(a, size), sb = SignExtend(b, size);
        ulong r; bool of;
        if (size == 8)
        {
            // Math.BigMul is one host imul (an Int128 product is a call, measured 4 % of bits).
            long hi = Math.BigMul(sa, sb, out long lo);
            r = (ulong)lo;
            of = hi != lo >> 63;
        }
        else
        {
            long p = sa * sb;
            r = (ulong)p & Flags.Mask(size);
            of = p != SignExtend(r, size);
        }
        MulFlags(s, size, r, of);
        return r;
    }

    /// <summary>Flags of popcnt, lzcnt, tzcnt, bsf... set explicitly.</summary>
    public static void SetZfCf(CpuState* s, bool zf, bool cf) =>
        Flags.SetArith(s, (zf ? Flags.ZF : 0) | (cf ? Flags.CF : 0));
}
