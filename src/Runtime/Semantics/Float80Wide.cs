using System.Runtime.CompilerServices;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// A 128-bit-significand float used only inside the transcendental instructions, so that their
/// results carry ~125 correct bits before the single final rounding to 64 bits. Value =
/// (-1)^S * M * 2^(E - 127), M normalized (bit 127 set) or zero. The exponent is an int, so no
/// intermediate overflows or underflows. Products and quotients truncate; sums jam shifted-out
/// bits into bit 0, so a negligible addend still nudges the result in the right direction (which
/// matters for directed rounding of e.g. cos(tiny) = 1 - tiny).
/// </summary>
internal struct Wide
{
    public UInt128 M;
    public int E;
    public bool S;

    public Wide(bool s, int e, UInt128 m) { S = s; E = e; M = m; Normalize(); }

    public readonly bool IsZero => M == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Normalize()
    {
        if (M == 0) { E = 0; return; }
        int lz = (int)UInt128.LeadingZeroCount(M);
        M <<= lz;
        E -= lz;
    }

    public static Wide FromF80(Float80 a)
    {
        if (a.IsZero) return new Wide { S = a.Sign };
        F80.Unpack(a, out int e, out ulong m);
        return new Wide(a.Sign, e - F80.Bias, (UInt128)m << 64);
    }

    public static Wide FromInt(long v) => new(v < 0, 127, (UInt128)(ulong)Math.Abs(v));

    /// <summary>Rounds an inexact (transcendental) result to 80 bits (full 64-bit precision; precision
    /// control does not apply). Bit 0 is forced on: the value is never exact, and the truncation
    /// errors of the evaluation sit far below it.</summary>
    public readonly Float80 ToF80(int rc, ref uint flags)
    {
        if (M == 0) return Float80.Zero(S);
        long e = Math.Clamp((long)E + F80.Bias, -(1L << 20), 1L << 20);
        return F80.RoundPack(S, (int)e, M | 1, 64, rc, ref flags);
    }

    public readonly Wide Neg() => new() { M = M, E = E, S = !S };
    public readonly Wide Abs() => new() { M = M, E = E, S = false };

    public static Wide operator -(Wide a) => a.Neg();

    public static Wide operator *(Wide a, Wide b)
    {
        if (a.M == 0 || b.M == 0) return new Wide { S = a.S ^ b.S };
        ulong a1 = (ulong)(a.M >> 64), a0 = (ulong)a.M, b1 = (ulong)(b.M >> 64), b0 = (ulong)b.M;
        ulong hh = Math.BigMul(a1, b1, out ulong hl);
        ulong mh = Math.BigMul(a1, b0, out ulong ml);
        ulong nh = Math.BigMul(a0, b1, out ulong nl);
        ulong lh = Math.BigMul(a0, b0, out _);
        // Sum the middle column (bits 64..127 of the 256-bit product) for its carry only.
        UInt128 mid = (UInt128)lh + ml + nl;
        UInt128 hi = ((UInt128)hh << 64) + hl + mh + nh + (mid >> 64);
        return new Wide(a.S ^ b.S, a.E + b.E + 1, hi);
    }

    public static Wide operator +(Wide a, Wide b)
    {
        if (b.M == 0) return a;
        if (a.M == 0) return b;
        if (a.E < b.E || (a.E == b.E && a.M < b.M)) (a, b) = (b, a);
        UInt128 y = F80.ShiftRightJam(b.M, a.E - b.E);
        if (a.S != b.S) return new Wide(a.S, a.E, a.M - y);
        UInt128 r = a.M + y;
        if (r >= a.M) return new Wide(a.S, a.E, r);
        // Carry out of bit 127: shift it back in, keeping the lost bit as a sticky bit.
        return new Wide(a.S, a.E + 1, (r >> 1) | (UInt128.One << 127) | (r & 1));
    }

    public static Wide operator -(Wide a, Wide b) => a + b.Neg();

    /// <summary>Quotient by restoring long division (~127 correct bits).</summary>
    public static Wide operator /(Wide a, Wide b)
    {
        if (a.M == 0) return new Wide { S = a.S ^ b.S };
        UInt128 r = a.M >> 1, d = b.M >> 1, q = 0;
        for (int k = 0; k < 128; k++)
        {
            q <<= 1;
            if (r >= d) { r -= d; q |= 1; }
            r <<= 1;
        }
        if (r != 0) q |= 1;
        return new Wide(a.S ^ b.S, a.E - b.E, q);
    }

    /// <summary>Division by a small positive integer.</summary>
    public static Wide operator /(Wide a, int n)
    {
        if (a.M == 0) return a;
        // Keep 64 bits of headroom for the quotient's precision: (M / n) loses log2(n) bits at the top.
        UInt128 q = a.M / (uint)n, r = a.M % (uint)n;
        int lz = (int)UInt128.LeadingZeroCount(q);
        UInt128 ext = (r << lz) / (uint)n;
        return new Wide { S = a.S, E = a.E - lz, M = (q << lz) | ext };
    }

    public static Wide operator *(Wide a, int n) => a * FromInt(n);

    /// <summary>Compares magnitudes.</summary>
    public static int CompareAbs(Wide a, Wide b)
    {
        if (a.M == 0 || b.M == 0) return a.M == 0 ? (b.M == 0 ? 0 : -1) : 1;
        if (a.E != b.E) return a.E < b.E ? -1 : 1;
        return a.M.CompareTo(b.M);
    }

    // Constants to 128 bits (value = M * 2^(E-127)).
    public static readonly Wide Ln2 = new(false, -1, new UInt128(0xb17217f7d1cf79ab, 0xc9e3b39803f2f6af));
    public static readonly Wide Log2E = new(false, 0, new UInt128(0xb8aa3b295c17f0bb, 0xbe87fed0691d3e89));
    public static readonly Wide Pi = new(false, 1, new UInt128(0xc90fdaa22168c234, 0xc4c6628b80dc1cd1));
    public static readonly Wide PiHalf = new(false, 0, new UInt128(0xc90fdaa22168c234, 0xc4c6628b80dc1cd1));
    public static readonly Wide PiQuarter = new(false, -1, new UInt128(0xc90fdaa22168c234, 0xc4c6628b80dc1cd1));
    public static readonly Wide One = new(false, 0, UInt128.One << 127);
    public static readonly Wide Two = new(false, 1, UInt128.One << 127);
    /// <summary>sqrt(2) - 1, the atan reduction threshold.</summary>
    public static readonly Wide Sqrt2m1 = new(false, -2, new UInt128(0xd413cccfe7799211, 0x65f626cdd52afa7c));
    public static readonly Wide Sqrt2 = new(false, 0, new UInt128(0xb504f333f9de6484, 0x597d89b3754abe9f));
}
