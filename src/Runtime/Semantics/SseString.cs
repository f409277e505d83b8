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

    static int Elem(V v, int k, byte imm) => (imm & 3) switch
    {
        0 => v.GetElement(k),
        1 => v.AsUInt16().GetElement(k),
        2 => v.AsSByte().GetElement(k),
        _ => v.AsInt16().GetElement(k),
    };

    /// <summary>IntRes2 (one bit per element) and the flags CF, ZF, SF, OF (AF, PF clear).</summary>
    public static uint Compare(V a, V b, int la, int lb, byte imm, out ulong flags)
    {
        int n = (imm & 1) == 0 ? 16 : 8;
        uint all = n == 16 ? 0xFFFFu : 0xFFu;
        uint res1 = 0;
        switch ((imm >> 2) & 3)
        {
            case 0: // equal any: b[j] is one of a[0..la)
                for (int j = 0; j < lb; j++)
                {
                    int c = Elem(b, j, imm);
                    for (int i = 0; i < la; i++)
                        if (Elem(a, i, imm) == c) { res1 |= 1u << j; break; }
                }
                break;
            case 1: // ranges: a holds [lo, hi] pairs
                for (int j = 0; j < lb; j++)
                {
                    int c = Elem(b, j, imm);
                    for (int i = 0; i + 1 < la; i += 2)
                        if (Elem(a, i, imm) <= c && c <= Elem(a, i + 1, imm)) { res1 |= 1u << j; break; }
                }
                break;
            case 2: // equal each: both invalid → true, one invalid → false
                for (int i = 0; i < n; i++)
                {
                    bool va = i < la, vb = i < lb;
                    bool r = va && vb ? Elem(a, i, imm) == Elem(b, i, imm) : !va && !vb;
                    if (r) res1 |= 1u << i;
                }
                break;
            default: // equal ordered: a (needle) occurs in b at j; an invalid needle element matches
                res1 = all;
                for (int j = 0; j < n; j++)
                {
                    for (int i = 0, k = j; i < n - j; i++, k++)
                    {
                        bool r;
                        if (i >= la) r = true;
                        else if (k >= lb) r = false;
                        else r = Elem(a, i, imm) == Elem(b, k, imm);
                        if (!r) { res1 &= ~(1u << j); break; }
                    }
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
