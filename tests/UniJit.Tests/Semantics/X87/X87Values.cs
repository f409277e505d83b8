using UniJit.Runtime.Semantics;

namespace UniJit.Tests.Semantics.X87;

/// <summary>Seeded generators of x87 inputs: 80-bit values of every class (normals near and far,
/// denormals, pseudo-denormals, unnormals, pseudo-NaNs/infinities, zeros, infinities, QNaNs, SNaNs,
/// exact small integers, double-representable values), IEEE binary32/64 bit patterns, integers,
/// and control words over all precision and rounding settings (exceptions masked).</summary>
public sealed class X87Values(int seed)
{
    readonly Random rng = new(seed);

    public Random Rng => rng;

    ulong U64() => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63);

    ushort S(ushort e) => (ushort)(e | (rng.Next(2) == 0 ? 0 : 0x8000));

    /// <summary>A random 80-bit value; <paramref name="bias"/> centres "ordinary" exponents.</summary>
    public Float80 F80(int spread = 70)
    {
        int k = rng.Next(100);
        ulong m = U64();
        if (k < 45) return new Float80(m | 1UL << 63, S((ushort)(16383 + rng.Next(-spread, spread + 1))));
        if (k < 52) return new Float80((m | 1UL << 63) & ~((1UL << rng.Next(0, 63)) - 1), S((ushort)(16383 + rng.Next(-spread, spread + 1))));
        if (k < 58) return new Float80(m | 1UL << 63, S((ushort)rng.Next(1, 80)));                  // tiny normals
        if (k < 63) return new Float80(m | 1UL << 63, S((ushort)(0x7FFE - rng.Next(0, 80))));      // huge
        if (k < 67) return new Float80(m >> rng.Next(1, 64), S(0));                                 // denormal
        if (k < 68) return new Float80(m | 1UL << 63, S(0));                                        // pseudo-denormal
        if (k < 70) return new Float80(m & ~(1UL << 63), S((ushort)rng.Next(1, 0x7FFF)));         // unnormal
        if (k < 71) return new Float80(m & ~(1UL << 63), S(0x7FFF));                                // pseudo-NaN/inf
        if (k < 75) return Float80.Zero(rng.Next(2) == 0);
        if (k < 79) return Float80.Inf(rng.Next(2) == 0);
        if (k < 82) return new Float80((m | 3UL << 62) >> (rng.Next(2) == 0 ? 0 : 0), S(0x7FFF));  // QNaN
        if (k < 85) { ulong n = (m & ~(1UL << 62)) | 1UL << 63; if ((n << 1) == 0) n |= 1; return new Float80(n, S(0x7FFF)); } // SNaN
        if (k < 86) return Float80.Indefinite;
        if (k < 93) return Runtime.Semantics.F80.FromInt(rng.Next(-1000, 1000));
        {
            uint f = 0;
            return Runtime.Semantics.F80.FromDouble(BitConverter.DoubleToUInt64Bits((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-40, 40))), ref f);
        }
    }

    /// <summary>A random normal value with unbiased exponent in [lo, hi] (either sign), or with
    /// probability <paramref name="special"/> an edge value (±0, ±1, ±inf, NaN, denormal).</summary>
    public Float80 Ranged(int lo, int hi, double special)
    {
        if (rng.NextDouble() < special)
            return rng.Next(6) switch
            {
                0 => Float80.Zero(rng.Next(2) == 0),
                1 => Float80.One.WithSign(rng.Next(2) == 0),
                2 => Float80.Inf(rng.Next(2) == 0),
                3 => new Float80(U64() >> rng.Next(1, 64), S(0)),
                4 => new Float80(U64() | 3UL << 62, S(0x7FFF)),
                _ => new Float80(U64() | 1UL << 63, S((ushort)(16383 + rng.Next(lo, hi + 1)))),
            };
        ulong m = U64() | 1UL << 63;
        if (rng.Next(4) == 0) m &= ~((1UL << rng.Next(0, 60)) - 1);
        return new Float80(m, S((ushort)(16383 + rng.Next(lo, hi + 1))));
    }

    /// <summary>A value close to <paramref name="a"/> (for cancellation and ties).</summary>
    public Float80 Near(Float80 a)
    {
        if (a.Exp == 0 || a.Exp == 0x7FFF) return F80();
        int k = rng.Next(4);
        ulong m = a.Mant;
        if (k == 0) return a.WithSign(!a.Sign);
        if (k == 1) return new Float80(m ^ (ulong)rng.Next(1, 16), a.SignExp);
        if (k == 2) return new Float80(m, (ushort)(a.SignExp + rng.Next(-3, 4)));
        return new Float80(m ^ (1UL << rng.Next(0, 63)), (ushort)(a.SignExp ^ (rng.Next(2) << 15)));
    }

    public ulong F64()
    {
        int k = rng.Next(10);
        ulong v = U64();
        if (k == 0) return v & 0x800F_FFFF_FFFF_FFFF;                  // denormal / zero
        if (k == 1) return v | 0x7FF0_0000_0000_0000;                  // inf / NaN
        if (k == 2) return (v | 0x7FF0_0000_0000_0000) & ~(1UL << 51); // SNaN / inf
        return BitConverter.DoubleToUInt64Bits((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-60, 60)));
    }

    public uint F32()
    {
        int k = rng.Next(10);
        uint v = (uint)rng.NextInt64();
        if (k == 0) return v & 0x807F_FFFF;
        if (k == 1) return v | 0x7F80_0000;
        if (k == 2) return (v | 0x7F80_0000) & ~(1u << 22);
        return BitConverter.SingleToUInt32Bits((float)((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-30, 30))));
    }

    /// <summary>A control word: all exceptions masked, random precision (incl. reserved 01) and rounding.</summary>
    public ushort Cw()
    {
        int pc = rng.Next(10) switch { 0 => 1, < 3 => 0, < 5 => 2, _ => 3 };
        return (ushort)(0x37F & ~0x300 | (pc << 8) | (rng.Next(4) << 10));
    }

    /// <summary>A control word as <see cref="Cw"/>, but with the invalid, denormal, zero-divide and
    /// precision exceptions each unmasked half of the time.</summary>
    public ushort CwUnmasked() => (ushort)(Cw() & ~(rng.Next(2) | rng.Next(2) << 1 | rng.Next(2) << 2 | rng.Next(2) << 5));

    /// <summary>Random arithmetic flags for fcmovcc.</summary>
    public ulong RFlags() => (ulong)rng.Next(0x1000) & 0x8D5;
}
