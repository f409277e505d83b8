using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// Integer SIMD on 64-bit MMX values. Lane-wise operations need nothing here: they are the low half
/// of the <see cref="SimdInt"/> method run on zero-extended operands (<see cref="Low"/>), and so are
/// punpckl*, psadbw, pmovmskb and the shifts (whose count is the whole low quadword in both forms).
/// What is here has its own layout on 64 bits: packs and phadd/phsub (a's lanes then b's, where the
/// XMM form puts b in the upper half), punpckh* (the upper halves), pshufb (3-bit indices), palignr
/// (a 16-byte concatenation) and pshufw. Each is still built from the host's XMM instruction.
/// </summary>
public static unsafe class MmxInt
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Lo(ulong x) => Vector128.CreateScalar(x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Pair(ulong a, ulong b) => Vector128.Create(a, b).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static ulong Q(V v) => v.AsUInt64().ToScalar();

    /// <summary>The MMX form of a lane-wise XMM operation: its low quadword on zero-extended operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Low(delegate*<V, V, V> f, ulong a, ulong b) => Q(f(Lo(a), Lo(b)));

    // ---- packs: the XMM instruction on (a:b) with itself; its low half is a's lanes then b's ----
    public static ulong Packsswb(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Packsswb(x, x)); }
    public static ulong Packssdw(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Packssdw(x, x)); }
    public static ulong Packuswb(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Packuswb(x, x)); }

    // ---- high unpacks: the low unpack of the upper doublewords ----
    public static ulong Punpckhbw(ulong a, ulong b) => Q(SimdInt.Punpcklbw(Lo(a >> 32), Lo(b >> 32)));
    public static ulong Punpckhwd(ulong a, ulong b) => Q(SimdInt.Punpcklwd(Lo(a >> 32), Lo(b >> 32)));
    public static ulong Punpckhdq(ulong a, ulong b) => Q(SimdInt.Punpckldq(Lo(a >> 32), Lo(b >> 32)));

    // ---- SSSE3 horizontal operations: the XMM form's low half works on its first operand only ----
    public static ulong Phaddw(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Phaddw(x, x)); }
    public static ulong Phaddd(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Phaddd(x, x)); }
    public static ulong Phaddsw(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Phaddsw(x, x)); }
    public static ulong Phsubw(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Phsubw(x, x)); }
    public static ulong Phsubd(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Phsubd(x, x)); }
    public static ulong Phsubsw(ulong a, ulong b) { var x = Pair(a, b); return Q(SimdInt.Phsubsw(x, x)); }

    /// <summary>pshufb mm: index bits 2:0 pick a byte of a, bit 7 zeroes (bits 6:3 are ignored).</summary>
    public static ulong Pshufb(ulong a, ulong b) => Q(SimdInt.Pshufb(Lo(a), Lo(b & 0x8787878787878787)));

    /// <summary>palignr mm: the 16-byte concatenation a:b shifted right by imm8 bytes, low 8 bytes.</summary>
    public static ulong Palignr(ulong a, ulong b, byte imm) =>
        imm >= 16 ? 0 : (ulong)((((UInt128)a << 64) | b) >> (imm * 8));

    /// <summary>pshufw: word k of the result is word imm8[2k+1:2k] of b.</summary>
    public static ulong Pshufw(ulong a, ulong b, byte imm)
    {
        ulong r = 0;
        for (int k = 0; k < 4; k++) r |= ((b >> (16 * ((imm >> (2 * k)) & 3))) & 0xFFFF) << (16 * k);
        return r;
    }

    /// <summary>pextrw r, mm, imm8: word imm8[1:0].</summary>
    public static ulong Pextrw(ulong a, byte imm) => (a >> (16 * (imm & 3))) & 0xFFFF;

    /// <summary>pinsrw mm, r/m16, imm8: word imm8[1:0] replaced.</summary>
    public static ulong Pinsrw(ulong a, ulong w, byte imm)
    {
        int sh = 16 * (imm & 3);
        return (a & ~(0xFFFFUL << sh)) | ((w & 0xFFFF) << sh);
    }

    /// <summary>pmovmskb r, mm: the top bit of each byte.</summary>
    public static uint Pmovmskb(ulong a) => SimdInt.Pmovmskb(Lo(a));
}
