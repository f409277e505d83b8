namespace UniJit.Runtime.Semantics;

/// <summary>Comparison, classification and the exponent/integer manipulations: frndint, fscale,
/// fxtract, fprem, fprem1 (Intel SDM vol. 2 entries of those instructions).</summary>
public static partial class F80
{
    public const int Less = -1, Equal = 0, Greater = 1, Unordered = 2;

    /// <summary>Compares a with b. <paramref name="quiet"/> (fucom*) raises IE only for SNaNs;
    /// otherwise any NaN raises IE.</summary>
    public static int Compare(Float80 a, Float80 b, bool quiet, ref uint flags)
    {
        if (a.IsUnsupported || b.IsUnsupported) { flags |= IE; return Unordered; }
        if (a.IsNaN || b.IsNaN)
        {
            if (!quiet || a.IsSNaN || b.IsSNaN) flags |= IE;
            return Unordered;
        }
        if (a.IsDenormal || b.IsDenormal) flags |= DE;
        if (a.IsZero && b.IsZero) return Equal;
        if (a.Sign != b.Sign) return a.Sign ? Less : Greater;
        int m = CompareMagnitude(a, b);
        return a.Sign ? -m : m;
    }

    /// <summary>Orders |a| and |b| for supported non-NaN values.</summary>
    static int CompareMagnitude(Float80 a, Float80 b)
    {
        if (a.IsZero) return b.IsZero ? Equal : Less;
        if (b.IsZero) return Greater;
        Unpack(a, out int ea, out ulong ma);
        Unpack(b, out int eb, out ulong mb);
        if (ea != eb) return ea < eb ? Less : Greater;
        return ma == mb ? Equal : ma < mb ? Less : Greater;
    }

    /// <summary>fxam's class code as status bits C3 (0x4000), C2 (0x400), C0 (0x100), plus C1 = sign.</summary>
    public static uint Examine(Float80 a)
    {
        uint c1 = a.Sign ? C1 : 0;
        if (a.IsUnsupported) return c1;
        if (a.IsNaN) return c1 | 0x100;
        if (a.IsInf) return c1 | 0x500;
        if (a.IsZero) return c1 | 0x4000;
        if (a.IsDenormal) return c1 | 0x4400;
        return c1 | 0x400;
    }

    /// <summary>frndint: rounds to an integral value under <paramref name="rc"/>.</summary>
    public static Float80 RoundToInt(Float80 a, int rc, ref uint flags)
    {
        if (a.IsUnsupported) { flags |= IE; return Float80.Indefinite; }
        if (a.IsNaN) return QuietNaN(a, ref flags);
        if (a.IsInf || a.IsZero) return a;
        if (a.IsDenormal) flags |= DE;
        Unpack(a, out int e, out ulong m);
        int ue = e - Bias;
        if (ue >= 63) return a;
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
        }
        if (ip == 0) return Float80.Zero(a.Sign);
        var r = FromInt((long)ip);
        return r.WithSign(a.Sign);
    }

    /// <summary>fscale: a * 2^trunc(b), rounded to 64 bits (precision control does not apply).</summary>
    public static Float80 Scale(Float80 a, Float80 b, ushort cw, ref uint flags)
    {
        var r = ScaleCore(a, b, cw, ref flags);
        Denormal(a, b, ref flags);
        return r;
    }

    static Float80 ScaleCore(Float80 a, Float80 b, ushort cw, ref uint flags)
    {
        if (Screen(a, b, ref flags, out var r)) return r;
        if (b.IsInf)
        {
            if (b.Sign)
            {
                if (a.IsInf) { flags |= IE; return Float80.Indefinite; }
                return a.IsZero ? a : Float80.Zero(a.Sign);
            }
            if (a.IsZero) { flags |= IE; return Float80.Indefinite; }
            return Float80.Inf(a.Sign);
        }
        if (a.IsInf || a.IsZero) return a;
        long n;
        if (b.IsZero) n = 0;
        else
        {
            Unpack(b, out int eb, out ulong mb);
            int ue = eb - Bias;
            if (ue < 0) n = 0;
            else if (ue >= 30) n = 1 << 30;
            else n = (long)(mb >> (63 - ue));
            if (b.Sign) n = -n;
        }
        Unpack(a, out int ea, out ulong ma);
        long ne = Math.Clamp(ea + n, -(1L << 20), 1L << 20);
        return RoundPack(a.Sign, (int)ne, (UInt128)ma << 64, 64, Rounding(cw), ref flags, Wrap(cw));
    }

    /// <summary>fxtract: splits a into its unbiased exponent and its significand (in [1, 2)).</summary>
    public static void Extract(Float80 a, ref uint flags, out Float80 exponent, out Float80 significand)
    {
        if (a.IsUnsupported) { flags |= IE; exponent = significand = Float80.Indefinite; return; }
        if (a.IsNaN) { exponent = significand = QuietNaN(a, ref flags); return; }
        if (a.IsInf) { exponent = Float80.Inf(false); significand = a; return; }
        if (a.IsZero) { flags |= ZE; exponent = Float80.Inf(true); significand = a; return; }
        if (a.IsDenormal) flags |= DE;
        Unpack(a, out int e, out ulong m);
        exponent = FromInt(e - Bias);
        significand = new Float80(m, (ushort)((a.Sign ? 0x8000 : 0) | Bias));
    }

    /// <summary>fprem (<paramref name="ieee"/> false: truncated quotient) and fprem1 (round to nearest).
    /// Returns the (partial) remainder; <paramref name="status"/> receives C0/C3/C1 = the quotient's
    /// low three bits, or C2 when the reduction is incomplete.</summary>
    public static Float80 Remainder(Float80 a, Float80 b, bool ieee, ushort cw, ref uint flags, out uint status)
    {
        var r = RemainderCore(a, b, ieee, cw, ref flags, out status);
        Denormal(a, b, ref flags);
        // A denormal result (also an operand passed through) underflows: re-biased when unmasked.
        if (r.IsDenormal && (long)r.Mant >= 0 && (cw & 0x10) == 0)
        {
            Unpack(r, out int e, out ulong m);
            r = RoundPack(r.Sign, e, (UInt128)m << 64, 64, RcNearest, ref flags, WrapUnderflow);
        }
        return r;
    }

    static Float80 RemainderCore(Float80 a, Float80 b, bool ieee, ushort cw, ref uint flags, out uint status)
    {
        status = 0;
        if (Screen(a, b, ref flags, out var r)) return r;
        if (a.IsInf || b.IsZero) { flags |= IE; return Float80.Indefinite; }
        if (b.IsInf || a.IsZero) return Canonical(a);
        Unpack(a, out int ea, out ulong ma);
        Unpack(b, out int eb, out ulong mb);
        int diff = ea - eb;
        bool partial = false;
        if (diff >= 64)
        {
            // Partial remainder, 32..63 quotient bits at a time (as AMD documents and Intel does).
            int n = 32 + diff % 32;
            eb = ea - n;
            diff = n;
            ieee = false;
            partial = true;
        }
        bool sign = a.Sign;
        ulong rm;
        ulong q;
        if (diff < 0)
        {
            // |a| < |b|: quotient 0, or 1 for fprem1 when |a| > |b|/2.
            q = 0;
            rm = ma;
            if (ieee && diff == -1 && ma > mb)
            {
                // |b| - |a| = (2mb - ma) * 2^(ea-bias-63), exact in 65 bits at a's scale.
                UInt128 d = ((UInt128)mb << 1) - ma;
                status = C1;
                return RoundPack(!sign, ea + 64, d, 64, RcNearest, ref flags, Wrap(cw));
            }
            return Canonical(a);
        }
        UInt128 A = (UInt128)ma << diff, B = mb;
        UInt128 Q = A / B, R = A % B;
        if (ieee && (R << 1 > B || (R << 1 == B && (Q & 1) != 0)))
        {
            R = B - R;
            Q++;
            sign = !sign;
        }
        q = (ulong)Q;
        rm = (ulong)R;
        if (partial) status = 0x400;
        else status = ((uint)(q & 4) << 6) | ((uint)(q & 2) << 13) | ((uint)(q & 1) << 9);
        if (rm == 0) return Float80.Zero(a.Sign);
        // R's bit 63 weighs 2^(eb - bias): R << 64 puts it at bit 127.
        return RoundPack(sign, eb, (UInt128)rm << 64, 64, RcNearest, ref flags, Wrap(cw));
    }
}
