using System.Runtime.CompilerServices;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// Float80 arithmetic, split over Float80*.cs by concern. This file: the flags, the control-word
/// fields, and the one rounding routine every result goes through.
///
/// Intermediate values are (sign, biased exponent in the 80-bit bias, 128-bit significand) where
/// the significand's bit 127 weighs 2^(exp-16383); the low bits carry guard bits and a sticky bit
/// ("jamming" shifts keep any lost 1 in bit 0), which is all IEEE rounding needs.
/// Rounding follows Intel SDM vol. 1, 4.7 and 8.5: precision control only narrows the significand
/// (the exponent range stays 15 bits), denormal results are rounded at the same significand bit
/// position after denormalization, tininess is detected before rounding, and masked underflow is
/// reported only when the result is also inexact. C1 is set when the significand was rounded up.
/// </summary>
public static partial class F80
{
    public const uint IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20, SF = 0x40;
    /// <summary>Status-word C1 position, used in flag accumulators for "rounded up".</summary>
    public const uint C1 = 0x200;

    public const int RcNearest = 0, RcDown = 1, RcUp = 2, RcZero = 3;

    /// <summary>Significand bits selected by the control word's precision control (bits 8-9).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Precision(ushort cw) => ((cw >> 8) & 3) switch { 0 => 24, 2 => 53, _ => 64 };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Rounding(ushort cw) => (cw >> 10) & 3;

    public const int Bias = 16383;

    /// <summary>Shifts right, OR-ing every bit shifted out into bit 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 ShiftRightJam(UInt128 v, int n)
    {
        if (n <= 0) return v;
        if (n >= 128) return v != 0 ? UInt128.One : UInt128.Zero;
        UInt128 r = v >> n;
        if ((v << (128 - n)) != 0) r |= 1;
        return r;
    }

    /// <summary><see cref="Round"/>'s wrap bits: with overflow (underflow) unmasked, a register
    /// result is delivered with its exponent divided (multiplied) by 2^24576 instead of being
    /// replaced by infinity (denormalized); SDM vol. 1, 8.5.4 and 8.5.5.</summary>
    public const int WrapOverflow = 1, WrapUnderflow = 2;

    /// <summary>Wrap bits for a register result under control word <paramref name="cw"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Wrap(ushort cw) => ((cw & 8) == 0 ? WrapOverflow : 0) | ((cw & 0x10) == 0 ? WrapUnderflow : 0);

    /// <summary>The exponent bias adjustment for unmasked overflow and underflow results.</summary>
    public const int BiasAdjust = 24576;

    /// <summary>
    /// Rounds (sign, exp, sig) to <paramref name="prec"/> significand bits within the biased
    /// exponent range [<paramref name="emin"/>, <paramref name="emax"/>] (80-bit bias). Returns the
    /// rounded significand aligned at bit 127 (bit 127 clear for a denormal) and updates
    /// <paramref name="exp"/> (emin for denormals, emax + 1 for infinity).
    /// </summary>
    public static UInt128 Round(bool sign, ref int exp, UInt128 sig, int prec, int emin, int emax, int rc, ref uint flags, int wrap = 0)
    {
        if (sig == 0) { exp = 0; return 0; }
        int lz = (int)UInt128.LeadingZeroCount(sig);
        sig <<= lz;
        exp -= lz;
        bool tiny = false;
        int adjust = 0;
        if (exp < emin && (wrap & WrapUnderflow) != 0)
        {
            // Unmasked underflow: reported on tininess alone; the result is re-biased (and only
            // denormalized if it is still too small).
            flags |= UE;
            adjust = BiasAdjust;
            exp += BiasAdjust;
        }
        else if (exp > emax && (wrap & WrapOverflow) != 0)
        {
            flags |= OE;
            adjust = -BiasAdjust;
            exp -= BiasAdjust;
        }
        if (exp < emin)
        {
            tiny = true;
            sig = ShiftRightJam(sig, emin - exp);
            exp = emin;
        }
        int shift = 128 - prec;
        UInt128 unit = UInt128.One << shift;
        UInt128 mask = unit - 1;
        UInt128 rem = sig & mask;
        UInt128 r = sig & ~mask;
        bool inc = false;
        if (rem != 0)
        {
            flags |= PE;
            if (tiny) flags |= UE;
            inc = rc switch
            {
                RcNearest => rem > (unit >> 1) || (rem == (unit >> 1) && (r & unit) != 0),
                RcUp => !sign,
                RcDown => sign,
                _ => false,
            };
        }
        if (inc)
        {
            flags |= C1;
            r += unit;
            if (r == 0) { r = UInt128.One << 127; exp++; }
        }
        if (adjust != 0 && (exp > emax || tiny))
        {
            // Out of range even after the bias adjustment: infinity or zero whatever the rounding.
            flags |= PE;
            if (tiny) { flags &= ~C1; exp = 0; return 0; }
            flags |= C1;
            exp = emax + 1;
            return UInt128.One << 127;
        }
        if (exp > emax)
        {
            flags |= OE | PE;
            if (rc == RcNearest || (rc == RcUp && !sign) || (rc == RcDown && sign))
            {
                flags |= C1;
                exp = emax + 1;
                return UInt128.One << 127;
            }
            flags &= ~C1;
            exp = emax;
            return ~mask;
        }
        return r;
    }

    /// <summary>Rounds to an 80-bit value (precision <paramref name="prec"/>).</summary>
    public static Float80 RoundPack(bool sign, int exp, UInt128 sig, int prec, int rc, ref uint flags, int wrap = 0)
    {
        if (sig == 0) return Float80.Zero(sign);
        UInt128 r = Round(sign, ref exp, sig, prec, 1, 0x7FFE, rc, ref flags, wrap);
        ulong m = (ulong)(r >> 64);
        if (exp > 0x7FFE) return Float80.Inf(sign);
        if (r == 0) return Float80.Zero(sign);
        if ((long)m >= 0) exp = 0;
        return new Float80(m, (ushort)((sign ? 0x8000 : 0) | exp));
    }

    /// <summary>Rounds under the control word's precision and rounding control.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float80 RoundPack(bool sign, int exp, UInt128 sig, ushort cw, ref uint flags) =>
        RoundPack(sign, exp, sig, Precision(cw), Rounding(cw), ref flags, Wrap(cw));

    /// <summary>Unpacks a finite non-zero supported value: significand with J at bit 63 (denormals
    /// normalized), exponent possibly below 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unpack(Float80 a, out int exp, out ulong mant)
    {
        exp = a.Exp;
        mant = a.Mant;
        if (exp == 0)
        {
            int lz = System.Numerics.BitOperations.LeadingZeroCount(mant);
            mant <<= lz;
            exp = 1 - lz;
        }
    }
}
