using System.Numerics;

namespace UniJit.Runtime.Semantics;

/// <summary>Conversions between Float80 and the memory formats fld/fst/fild/fist/fbld/fbstp use.</summary>
public static partial class F80
{
    /// <summary>Widens an IEEE binary64 (exact; DE for a denormal, IE and quieting for an SNaN).</summary>
    public static Float80 FromDouble(ulong bits, ref uint flags) => FromIeee(bits, 52, 11, true, ref flags);

    /// <summary>Widens an IEEE binary32.</summary>
    public static Float80 FromSingle(uint bits, ref uint flags) => FromIeee(bits, 23, 8, true, ref flags);

    /// <summary>Widens an arithmetic memory operand: SNaNs stay signalling and denormals raise nothing
    /// here, so that the operation applies the x87 NaN and DE rules to it like to a register.
    /// <paramref name="denormal"/> tells whether the source was denormal.</summary>
    public static Float80 FromIeeeOperand(ulong bits, bool dbl, out bool denormal)
    {
        uint f = 0;
        var r = dbl ? FromIeee(bits, 52, 11, false, ref f) : FromIeee(bits, 23, 8, false, ref f);
        denormal = (f & DE) != 0;
        return r;
    }

    static Float80 FromIeee(ulong bits, int fracBits, int expBits, bool quiet, ref uint flags)
    {
        int emaxField = (1 << expBits) - 1, bias = emaxField >> 1;
        bool sign = (bits >> (fracBits + expBits)) != 0;
        int e = (int)(bits >> fracBits) & emaxField;
        ulong f = bits & ((1UL << fracBits) - 1);
        ushort s = (ushort)(sign ? 0x8000 : 0);
        if (e == emaxField)
        {
            if (f == 0) return Float80.Inf(sign);
            var n = new Float80((1UL << 63) | (f << (63 - fracBits)), (ushort)(s | 0x7FFF));
            return quiet ? QuietNaN(n, ref flags) : n;
        }
        if (e == 0)
        {
            if (f == 0) return Float80.Zero(sign);
            flags |= DE;
            int lz = BitOperations.LeadingZeroCount(f);
            // value = f * 2^(1 - bias - fracBits); J at bit 63 after shifting by lz.
            int ex = 1 - bias - fracBits + 63 - lz + Bias;
            return new Float80(f << lz, (ushort)(s | ex));
        }
        return new Float80((1UL << 63) | (f << (63 - fracBits)), (ushort)(s | (e - bias + Bias)));
    }

    public static ulong ToDouble(Float80 a, ushort cw, ref uint flags) => ToIeee(a, 52, 11, cw, ref flags);
    public static uint ToSingle(Float80 a, ushort cw, ref uint flags) => (uint)ToIeee(a, 23, 8, cw, ref flags);

    static ulong ToIeee(Float80 a, int fracBits, int expBits, ushort cw, ref uint flags)
    {
        int emaxField = (1 << expBits) - 1, bias = emaxField >> 1;
        int total = fracBits + expBits;
        ulong signBit = a.Sign ? 1UL << total : 0;
        ulong expAll = (ulong)emaxField << fracBits;
        if (a.IsUnsupported) { flags |= IE; return (1UL << total) | expAll | (1UL << (fracBits - 1)); }
        if (a.IsNaN)
        {
            a = QuietNaN(a, ref flags);
            return signBit | expAll | ((a.Mant << 1) >> (64 - fracBits));
        }
        if (a.IsInf) return signBit | expAll;
        if (a.IsZero) return signBit;
        Unpack(a, out int e, out ulong m);
        int emin = Bias - bias + 1, emax = Bias + bias;
        // Unmasked underflow is reported on tininess alone (the store is then suppressed).
        if ((cw & 0x10) == 0 && e < emin) flags |= UE;
        UInt128 r = Round(a.Sign, ref e, (UInt128)m << 64, fracBits + 1, emin, emax, Rounding(cw), ref flags);
        if (e > emax) return signBit | expAll;
        ulong frac = (ulong)(r >> (127 - fracBits));
        if ((frac >> fracBits) == 0) return signBit | frac;              // denormal or zero
        return signBit | ((ulong)(e - Bias + bias) << fracBits) | (frac & ((1UL << fracBits) - 1));
    }

    /// <summary>Exact conversion of a signed integer.</summary>
    public static Float80 FromInt(long v)
    {
        if (v == 0) return Float80.Zero(false);
        bool s = v < 0;
        ulong m = s ? (ulong)-v : (ulong)v;
        int lz = BitOperations.LeadingZeroCount(m);
        return new Float80(m << lz, (ushort)((s ? 0x8000 : 0) | (Bias + 63 - lz)));
    }

    /// <summary>Converts to a signed integer of <paramref name="bits"/> bits under rounding
    /// <paramref name="rc"/>; out of range, NaN or unsupported gives IE and the integer
    /// indefinite (the most negative value).</summary>
    public static long ToInt(Float80 a, int bits, int rc, ref uint flags)
    {
        long indefinite = bits == 64 ? long.MinValue : -(1L << (bits - 1));
        if (a.IsUnsupported || a.IsNaN || a.IsInf) { flags |= IE; return indefinite; }
        if (a.IsZero) return 0;
        Unpack(a, out int e, out ulong m);
        int ue = e - Bias;
        if (ue >= 64) { flags |= IE; return indefinite; }
        // Integer part and fraction of m * 2^(ue - 63), in a 128-bit fixed point with 64 fraction bits.
        UInt128 fx = ShiftRightJam((UInt128)m << 64, 63 - ue);
        ulong ip = (ulong)(fx >> 64), fr = (ulong)fx;
        if (fr != 0)
        {
            flags |= PE;
            bool inc = rc switch
            {
                RcNearest => fr > 1UL << 63 || (fr == 1UL << 63 && (ip & 1) != 0),
                RcUp => !a.Sign,
                RcDown => a.Sign,
                _ => false,
            };
            if (inc) { ip++; flags |= C1; }
            if (inc && ip == 0) { flags |= IE; flags &= ~(PE | C1); return indefinite; }
        }
        ulong limit = a.Sign ? 1UL << (bits - 1) : (1UL << (bits - 1)) - 1;
        if (ip > limit) { flags |= IE; flags &= ~(PE | C1); return indefinite; }
        return a.Sign ? -(long)ip : (long)ip;
    }

    /// <summary>Packed BCD (18 digits + sign byte) to Float80, exact. Invalid digits give an
    /// undefined value on real hardware; here they are taken at face value.</summary>
    public static Float80 FromBcd(ulong lo, ushort hi)
    {
        ulong v = 0, mul = 1;
        for (int k = 0; k < 18; k++)
        {
            int byteIx = k / 2;
            ulong b = byteIx < 8 ? (lo >> (byteIx * 8)) & 0xFF : (ulong)(hi & 0xFF);
            ulong d = (k & 1) == 0 ? b & 0xF : b >> 4;
            v += d * mul;
            mul *= 10;
        }
        var r = FromInt((long)v);
        return (hi & 0x8000) != 0 ? r.WithSign(true) : r;
    }

    /// <summary>Float80 to packed BCD (rounding under <paramref name="rc"/>); out of range, NaN or
    /// unsupported gives IE and the BCD indefinite (0xFFFF C000000000000000).</summary>
    public static (ulong Lo, ushort Hi) ToBcd(Float80 a, int rc, ref uint flags)
    {
        uint f = 0;
        long v = a.IsZero ? 0 : ToInt(a, 64, rc, ref f);
        if ((f & IE) != 0 || (ulong)Math.Abs(v) > 999_999_999_999_999_999UL || v == long.MinValue)
        {
            flags |= IE;
            return (0xC000_0000_0000_0000, 0xFFFF);
        }
        flags |= f;
        ulong u = (ulong)Math.Abs(v), lo = 0;
        for (int k = 0; k < 16; k++) { lo |= (u % 10) << (4 * k); u /= 10; }
        ushort hi = (ushort)((u % 10) | ((u / 10 % 10) << 4));
        if (a.Sign) hi |= 0x8000;
        return (lo, hi);
    }
}
