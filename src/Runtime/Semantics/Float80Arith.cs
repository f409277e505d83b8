using System.Runtime.CompilerServices;

namespace UniJit.Runtime.Semantics;

/// <summary>Basic arithmetic: add, subtract, multiply, divide, square root (Intel SDM vol. 1, 4.8
/// and table 4-7 for NaN operands). All are exact until the final <see cref="Round"/>.</summary>
public static partial class F80
{
    /// <summary>The x87 rule for NaN operands (SDM table 4-7, checked against the CPU): an SNaN
    /// raises IE and is quieted; a QNaN wins over an SNaN; of two NaNs of the same kind the larger
    /// significand wins (then the positive one).</summary>
    public static Float80 PropagateNaN(Float80 a, Float80 b, ref uint flags)
    {
        bool an = a.IsNaN, bn = b.IsNaN;
        bool asn = a.IsSNaN, bsn = b.IsSNaN;
        if (asn || bsn) flags |= IE;
        a.Mant |= 1UL << 62;
        b.Mant |= 1UL << 62;
        if (an && bn)
        {
            if (asn != bsn) return asn ? b : a;
            if (a.Mant != b.Mant) return a.Mant > b.Mant ? a : b;
            return a.SignExp < b.SignExp ? a : b;
        }
        return an ? a : b;
    }

    /// <summary>Raises DE for a denormal operand unless the operation already raised IE or ZE
    /// (the CPU reports only the invalid or zero-divide exception then).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Denormal(Float80 a, Float80 b, ref uint flags)
    {
        if ((a.IsDenormal || b.IsDenormal) && (flags & (IE | ZE)) == 0 && !a.IsNaN && !b.IsNaN) flags |= DE;
    }

    /// <summary>A pseudo-denormal operand passed through unchanged is stored normalized (exponent 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float80 Canonical(Float80 a) =>
        a.Exp == 0 && (long)a.Mant < 0 ? new Float80(a.Mant, (ushort)(a.SignExp | 1)) : a;

    /// <summary>One NaN operand: quiet it (IE if it was signalling).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float80 QuietNaN(Float80 a, ref uint flags)
    {
        if (a.IsSNaN) flags |= IE;
        a.Mant |= 1UL << 62;
        return a;
    }

    /// <summary>Common operand screening for two-operand arithmetic. Returns true (with the result)
    /// when an unsupported encoding or a NaN decides it; raises DE for denormal operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Screen(Float80 a, Float80 b, ref uint flags, out Float80 r)
    {
        if (a.IsUnsupported || b.IsUnsupported) { flags |= IE; r = Float80.Indefinite; return true; }
        if (a.IsNaN || b.IsNaN) { r = PropagateNaN(a, b, ref flags); return true; }
        r = default;
        return false;
    }

    public static Float80 Add(Float80 a, Float80 b, ushort cw, ref uint flags)
    {
        var r = AddSub(a, b, false, cw, ref flags);
        Denormal(a, b, ref flags);
        return r;
    }

    public static Float80 Sub(Float80 a, Float80 b, ushort cw, ref uint flags)
    {
        var r = AddSub(a, b, true, cw, ref flags);
        Denormal(a, b, ref flags);
        return r;
    }

    static Float80 AddSub(Float80 a, Float80 b, bool negB, ushort cw, ref uint flags)
    {
        if (Screen(a, b, ref flags, out var r)) return r;
        bool sa = a.Sign, sb = b.Sign ^ negB;
        int rc = Rounding(cw);
        if (a.IsInf || b.IsInf)
        {
            if (a.IsInf && b.IsInf && sa != sb) { flags |= IE; return Float80.Indefinite; }
            return Float80.Inf(a.IsInf ? sa : sb);
        }
        if (a.IsZero && b.IsZero)
            return Float80.Zero(sa == sb ? sa : rc == RcDown);
        if (a.IsZero) return RoundValue(b.WithSign(sb), cw, ref flags);
        if (b.IsZero) return RoundValue(a, cw, ref flags);
        Unpack(a, out int ea, out ulong ma);
        Unpack(b, out int eb, out ulong mb);
        // Bit 126 holds J, leaving bit 127 for a carry and 63 guard bits below.
        UInt128 xa = (UInt128)ma << 63, xb = (UInt128)mb << 63;
        if (ea < eb || (ea == eb && xa < xb))
        {
            (xa, xb) = (xb, xa);
            (ea, eb) = (eb, ea);
            (sa, sb) = (sb, sa);
        }
        xb = ShiftRightJam(xb, ea - eb);
        UInt128 s;
        if (sa == sb) s = xa + xb;
        else
        {
            s = xa - xb;
            if (s == 0) return Float80.Zero(rc == RcDown);
        }
        return RoundPack(sa, ea + 1, s, cw, ref flags);
    }

    /// <summary>Rounds an existing value to the control word's precision (x + 0).</summary>
    static Float80 RoundValue(Float80 a, ushort cw, ref uint flags)
    {
        if (a.IsZero) return a;
        Unpack(a, out int e, out ulong m);
        return RoundPack(a.Sign, e, (UInt128)m << 64, cw, ref flags);
    }

    public static Float80 Mul(Float80 a, Float80 b, ushort cw, ref uint flags)
    {
        var r = MulCore(a, b, cw, ref flags);
        Denormal(a, b, ref flags);
        return r;
    }

    static Float80 MulCore(Float80 a, Float80 b, ushort cw, ref uint flags)
    {
        if (Screen(a, b, ref flags, out var r)) return r;
        bool s = a.Sign ^ b.Sign;
        if (a.IsInf || b.IsInf)
        {
            if (a.IsZero || b.IsZero) { flags |= IE; return Float80.Indefinite; }
            return Float80.Inf(s);
        }
        if (a.IsZero || b.IsZero) return Float80.Zero(s);
        Unpack(a, out int ea, out ulong ma);
        Unpack(b, out int eb, out ulong mb);
        UInt128 p = (UInt128)ma * mb;   // J*J lands at bit 126 or 127
        return RoundPack(s, ea + eb - Bias + 1, p, cw, ref flags);
    }

    public static Float80 Div(Float80 a, Float80 b, ushort cw, ref uint flags)
    {
        var r = DivCore(a, b, cw, ref flags);
        Denormal(a, b, ref flags);
        return r;
    }

    static Float80 DivCore(Float80 a, Float80 b, ushort cw, ref uint flags)
    {
        if (Screen(a, b, ref flags, out var r)) return r;
        bool s = a.Sign ^ b.Sign;
        if (a.IsInf)
        {
            if (b.IsInf) { flags |= IE; return Float80.Indefinite; }
            return Float80.Inf(s);
        }
        if (b.IsInf) return Float80.Zero(s);
        if (b.IsZero)
        {
            if (a.IsZero) { flags |= IE; return Float80.Indefinite; }
            flags |= ZE;
            return Float80.Inf(s);
        }
        if (a.IsZero) return Float80.Zero(s);
        Unpack(a, out int ea, out ulong ma);
        Unpack(b, out int eb, out ulong mb);
        return RoundPack(s, ea - eb + Bias, DivSig(ma, mb), cw, ref flags);
    }

    /// <summary>ma/mb (both with J set) as a 128-bit quotient whose bit 127 weighs 2^0, sticky in bit 0.</summary>
    internal static UInt128 DivSig(ulong ma, ulong mb)
    {
        // q = ma * 2^127 / mb, in two 64-bit long-division steps.
        UInt128 n = (UInt128)ma << 63;               // < 2^127
        UInt128 q1 = n / mb, r1 = n % mb;             // q1 < 2^64 since ma < 2*mb
        UInt128 n2 = r1 << 64;
        UInt128 q2 = n2 / mb, r2 = n2 % mb;
        UInt128 q = (q1 << 64) | q2;
        if (r2 != 0) q |= 1;
        return q;
    }

    public static Float80 Sqrt(Float80 a, ushort cw, ref uint flags)
    {
        if (a.IsUnsupported) { flags |= IE; return Float80.Indefinite; }
        if (a.IsNaN) return QuietNaN(a, ref flags);
        if (a.IsZero) return a;
        if (a.Sign) { flags |= IE; return Float80.Indefinite; }
        if (a.IsDenormal) flags |= DE;
        if (a.IsInf) return a;
        Unpack(a, out int e, out ulong m);
        int ue = e - Bias;
        // value = m * 2^(ue-63); make the exponent even: N = m << 64 or m << 63.
        UInt128 n = (ue & 1) == 0 ? (UInt128)m << 63 : (UInt128)m << 64;
        int re = (ue & 1) == 0 ? ue : ue - 1;          // sqrt = sqrt(N) * 2^((re - 126)/2)... see below
        ulong root = ISqrt(n, out UInt128 rem);
        // sqrt(N) with N in [2^126, 2^128) is in [2^63, 2^64): J at bit 63.
        UInt128 sig = ((UInt128)root << 64) | (rem > root ? (UInt128)1 << 63 : 0) | (rem != 0 ? UInt128.One : 0);
        // value = sqrt(m * 2^(ue-63)); with N = m*2^63 (ue even): sqrt(N)*2^((ue-126)/2); root bit 63 weighs 2^(ue/2)
        return RoundPack(false, re / 2 + Bias, sig, cw, ref flags);
    }

    /// <summary>floor(sqrt(n)) and the remainder n - root².</summary>
    internal static ulong ISqrt(UInt128 n, out UInt128 rem)
    {
        ulong r = (ulong)Math.Sqrt((double)n);
        // Newton steps from the double estimate, then exact correction.
        for (int k = 0; k < 2 && r != 0; k++)
        {
            UInt128 t = ((UInt128)r + n / r) >> 1;
            r = t > ulong.MaxValue ? ulong.MaxValue : (ulong)t;
        }
        while ((UInt128)r * r > n) r--;
        while (r != ulong.MaxValue && (UInt128)(r + 1) * (r + 1) <= n) r++;
        rem = n - (UInt128)r * r;
        return r;
    }
}
