using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// SSE4.2 string compares (pcmpestri, pcmpestrm, pcmpistri, pcmpistrm) and crc32.
/// .NET has no intrinsic for the string compares, so they follow Intel SDM vol. 2, 4.1
/// ("Programming considerations with 128-bit SIMD string and text processing instructions"):
/// imm8[1:0] element format, [3:2] aggregation, [5:4] polarity, [6] index/mask selection.
/// <c>a</c> is the first operand (xmm1), <c>b</c> the second (xmm2/m128); la/lb their valid lengths.
/// glibc's strchr/strcmp/strstr/strspn use these.
/// </summary>
public static class SseString
{
    /// <summary>Number of valid elements before the first zero element (implicit length).</summary>
    public static int ImplicitLength(V v, byte imm)
    {
        if ((imm & 1) == 0)
        {
            uint z = (uint)Sse2.MoveMask(Sse2.CompareEqual(v, V.Zero));
            return z == 0 ? 16 : BitOperations.TrailingZeroCount(z);
        }
        uint zw = (uint)Sse2.MoveMask(Sse2.CompareEqual(v.AsUInt16(), Vector128<ushort>.Zero).AsByte());
        return zw == 0 ? 8 : BitOperations.TrailingZeroCount(zw) / 2;
    }

    /// <summary>Explicit length: |reg| saturated to the element count (reg is EAX/EDX, or RAX/RDX with REX.W).</summary>
    public static int ExplicitLength(ulong reg, bool wide, byte imm)
    {
        long v = wide ? (long)reg : (int)(uint)reg;
        int n = (imm & 1) == 0 ? 16 : 8;
        if (v < 0) v = v == long.MinValue ? long.MaxValue : -v;
        return v > n ? n : (int)v;
    }

    /// <summary>One bit per element of <paramref name="x"/> == <paramref name="y"/>.</summary>
    static uint Eq(V x, V y, bool words) => words
        ? (uint)Sse2.MoveMask(Sse2.PackSignedSaturate(Sse2.CompareEqual(x.AsUInt16(), y.AsUInt16()).AsInt16(), Vector128<short>.Zero))
        : (uint)Sse2.MoveMask(Sse2.CompareEqual(x, y));

    /// <summary>Element <paramref name="k"/> of <paramref name="v"/> in every lane.</summary>
    static V Broadcast(V v, int k, bool words) => words
        ? Vector128.Create(v.AsUInt16().GetElement(k)).AsByte()
        : Vector128.Create(v.GetElement(k));

    /// <summary>One bit per element of b with lo &lt;= b &lt;= hi, compared as the format's type.</summary>
    static uint InRange(V b, V lo, V hi, byte imm)
    {
        V ge, le;
        switch (imm & 3)
        {
            case 0: ge = Sse2.CompareEqual(Sse2.Max(b, lo), b); le = Sse2.CompareEqual(Sse2.Min(b, hi), b); break;
            case 1:
                ge = Sse2.CompareEqual(Sse41.Max(b.AsUInt16(), lo.AsUInt16()), b.AsUInt16()).AsByte();
                le = Sse2.CompareEqual(Sse41.Min(b.AsUInt16(), hi.AsUInt16()), b.AsUInt16()).AsByte();
                break;
            case 2:
                ge = Sse2.CompareEqual(Sse41.Max(b.AsSByte(), lo.AsSByte()), b.AsSByte()).AsByte();
                le = Sse2.CompareEqual(Sse41.Min(b.AsSByte(), hi.AsSByte()), b.AsSByte()).AsByte();
                break;
            default:
                ge = Sse2.CompareEqual(Sse2.Max(b.AsInt16(), lo.AsInt16()), b.AsInt16()).AsByte();
                le = Sse2.CompareEqual(Sse2.Min(b.AsInt16(), hi.AsInt16()), b.AsInt16()).AsByte();
                break;
        }
        V both = Sse2.And(ge, le);
        return (imm & 1) != 0
            ? (uint)Sse2.MoveMask(Sse2.PackSignedSaturate(both.AsInt16(), Vector128<short>.Zero))
            : (uint)Sse2.MoveMask(both);
    }

    /// <summary>IntRes2 (one bit per element) and the flags CF, ZF, SF, OF (AF, PF clear).</summary>
    public static uint Compare(V a, V b, int la, int lb, byte imm, out ulong flags)
    {
        bool words = (imm & 1) != 0;
        int n = words ? 8 : 16;
        uint all = (1u << n) - 1;
        uint validB = (1u << lb) - 1;
        uint res1 = 0;
        switch ((imm >> 2) & 3)
        {
            case 0: // equal any: b[j] is one of a[0..la)
                for (int i = 0; i < la; i++) res1 |= Eq(b, Broadcast(a, i, words), words);
                res1 &= validB;
                break;
            case 1: // ranges: a holds [lo, hi] pairs; an incomplete last pair matches nothing
                for (int i = 0; i + 1 < la; i += 2)
                    res1 |= InRange(b, Broadcast(a, i, words), Broadcast(a, i + 1, words), imm);
                res1 &= validB;
                break;
            case 2: // equal each: both valid → compare, both invalid → true, one invalid → false
            {
                int lo = Math.Min(la, lb), hi = Math.Max(la, lb);
                res1 = (Eq(a, b, words) & ((1u << lo) - 1)) | (all & ~((1u << hi) - 1));
                break;
            }
            default: // equal ordered: the needle a[0..la) starts at b[j]; it may run off the end of b's register
                res1 = all;
                for (int i = 0; i < la; i++)
                {
                    uint m = Eq(b, Broadcast(a, i, words), words) & validB;
                    res1 &= (m >> i) | (all & ~((1u << (n - i)) - 1));
                }
                break;
        }
        uint res2 = ((imm >> 4) & 3) switch
        {
            1 => ~res1 & all,
            3 => res1 ^ ((1u << lb) - 1),
            _ => res1,
        };
        flags = (res2 != 0 ? Flags.CF : 0) | (lb < n ? Flags.ZF : 0) | (la < n ? Flags.SF : 0) | ((res2 & 1) != 0 ? Flags.OF : 0);
        return res2;
    }

    /// <summary>pcmp*stri's ECX: lowest (imm8[6]=0) or highest set bit of IntRes2, or the element count.</summary>
    public static uint Index(uint res2, byte imm)
    {
        int n = (imm & 1) == 0 ? 16 : 8;
        if (res2 == 0) return (uint)n;
        return (imm & 0x40) == 0 ? (uint)BitOperations.TrailingZeroCount(res2) : (uint)(31 - BitOperations.LeadingZeroCount(res2));
    }

    /// <summary>pcmp*strm's XMM0: IntRes2 as bits (imm8[6]=0) or expanded to element masks.</summary>
    public static V Mask(uint res2, byte imm)
    {
        if ((imm & 0x40) == 0) return Vector128.CreateScalar(res2).AsByte();
        var r = V.Zero;
        if ((imm & 1) == 0)
        {
            for (int k = 0; k < 16; k++) if ((res2 & (1u << k)) != 0) r = r.WithElement(k, (byte)0xFF);
            return r;
        }
        var w = Vector128<ushort>.Zero;
        for (int k = 0; k < 8; k++) if ((res2 & (1u << k)) != 0) w = w.WithElement(k, (ushort)0xFFFF);
        return w.AsByte();
    }

    /// <summary>crc32 (CRC-32C, Castagnoli) of the low <paramref name="size"/> bytes of <paramref name="data"/>.</summary>
    public static uint Crc32(uint crc, ulong data, int size) => size switch
    {
        1 => Sse42.Crc32(crc, (byte)data),
        2 => Sse42.Crc32(crc, (ushort)data),
        4 => Sse42.Crc32(crc, (uint)data),
        _ => (uint)Sse42.X64.Crc32(crc, data),
    };
}
