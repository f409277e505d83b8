using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector128<byte>;

// Guest immediates are not constants: the JIT expands these intrinsics through a jump table.
#pragma warning disable CA1857

namespace UniJit.Runtime.Semantics;

/// <summary>
/// Integer SIMD on XMM registers (SSE2, SSSE3, SSE4.1, SSE4.2's pcmpgtq). Each method is the host
/// instruction of the same name, so results are the CPU's by construction. Operands: <c>a</c> is the
/// destination's old value, <c>b</c> the source; unary methods ignore <c>a</c>.
/// AggressiveInlining: the IL tier calls these directly, and in a large region RyuJIT's inlining
/// budget otherwise runs out, leaving a call for what is one host instruction.
/// </summary>
public static class SimdInt
{
    // ---- SSE2 arithmetic ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Paddb(V a, V b) => Sse2.Add(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Paddw(V a, V b) => Sse2.Add(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Paddd(V a, V b) => Sse2.Add(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Paddq(V a, V b) => Sse2.Add(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psubb(V a, V b) => Sse2.Subtract(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psubw(V a, V b) => Sse2.Subtract(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psubd(V a, V b) => Sse2.Subtract(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psubq(V a, V b) => Sse2.Subtract(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Paddsb(V a, V b) => Sse2.AddSaturate(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Paddsw(V a, V b) => Sse2.AddSaturate(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Paddusb(V a, V b) => Sse2.AddSaturate(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Paddusw(V a, V b) => Sse2.AddSaturate(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psubsb(V a, V b) => Sse2.SubtractSaturate(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psubsw(V a, V b) => Sse2.SubtractSaturate(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psubusb(V a, V b) => Sse2.SubtractSaturate(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psubusw(V a, V b) => Sse2.SubtractSaturate(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmullw(V a, V b) => Sse2.MultiplyLow(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmulhw(V a, V b) => Sse2.MultiplyHigh(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmulhuw(V a, V b) => Sse2.MultiplyHigh(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmuludq(V a, V b) => Sse2.Multiply(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmaddwd(V a, V b) => Sse2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psadbw(V a, V b) => Sse2.SumAbsoluteDifferences(a, b).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pavgb(V a, V b) => Sse2.Average(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pavgw(V a, V b) => Sse2.Average(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pminub(V a, V b) => Sse2.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmaxub(V a, V b) => Sse2.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pminsw(V a, V b) => Sse2.Min(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmaxsw(V a, V b) => Sse2.Max(a.AsInt16(), b.AsInt16()).AsByte();

    // ---- logic and compares ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pand(V a, V b) => Sse2.And(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pandn(V a, V b) => Sse2.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Por(V a, V b) => Sse2.Or(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pxor(V a, V b) => Sse2.Xor(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pcmpeqb(V a, V b) => Sse2.CompareEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pcmpeqw(V a, V b) => Sse2.CompareEqual(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pcmpeqd(V a, V b) => Sse2.CompareEqual(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pcmpgtb(V a, V b) => Sse2.CompareGreaterThan(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pcmpgtw(V a, V b) => Sse2.CompareGreaterThan(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pcmpgtd(V a, V b) => Sse2.CompareGreaterThan(a.AsInt32(), b.AsInt32()).AsByte();

    // ---- shifts: the count is the low 64 bits of b (imm8 forms pass it the same way) ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psllw(V a, V b) => Sse2.ShiftLeftLogical(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pslld(V a, V b) => Sse2.ShiftLeftLogical(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psllq(V a, V b) => Sse2.ShiftLeftLogical(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psrlw(V a, V b) => Sse2.ShiftRightLogical(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psrld(V a, V b) => Sse2.ShiftRightLogical(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psrlq(V a, V b) => Sse2.ShiftRightLogical(a.AsUInt64(), b.AsUInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psraw(V a, V b) => Sse2.ShiftRightArithmetic(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psrad(V a, V b) => Sse2.ShiftRightArithmetic(a.AsInt32(), b.AsInt32()).AsByte();

    /// <summary>pslldq: whole-register byte shift left by min(count, 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pslldq(V a, V b)
    {
        ulong n = b.AsUInt64().ToScalar();
        if (n > 15) return V.Zero;
        // pshufb with indices i-n (negative → zero: bit 7 set).
        var idx = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var ctl = Sse2.Subtract(idx, Vector128.Create((byte)n));
        ctl = Sse2.Or(ctl, Sse2.CompareGreaterThan(Vector128.Create((sbyte)n), idx.AsSByte()).AsByte());
        return Pshufb(a, ctl);
    }

    /// <summary>psrldq: whole-register byte shift right by min(count, 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psrldq(V a, V b)
    {
        ulong n = b.AsUInt64().ToScalar();
        if (n > 15) return V.Zero;
        var idx = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var ctl = Sse2.Add(idx, Vector128.Create((byte)n));
        ctl = Sse2.Or(ctl, Sse2.CompareGreaterThan(ctl.AsSByte(), Vector128.Create((sbyte)15)).AsByte());
        return Pshufb(a, ctl);
    }

    // ---- packs and unpacks ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Packsswb(V a, V b) => Sse2.PackSignedSaturate(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Packssdw(V a, V b) => Sse2.PackSignedSaturate(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Packuswb(V a, V b) => Sse2.PackUnsignedSaturate(a.AsInt16(), b.AsInt16());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Packusdw(V a, V b) => Sse41.PackUnsignedSaturate(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Punpcklbw(V a, V b) => Sse2.UnpackLow(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Punpcklwd(V a, V b) => Sse2.UnpackLow(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Punpckldq(V a, V b) => Sse2.UnpackLow(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Punpcklqdq(V a, V b) => Sse2.UnpackLow(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Punpckhbw(V a, V b) => Sse2.UnpackHigh(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Punpckhwd(V a, V b) => Sse2.UnpackHigh(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Punpckhdq(V a, V b) => Sse2.UnpackHigh(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Punpckhqdq(V a, V b) => Sse2.UnpackHigh(a.AsInt64(), b.AsInt64()).AsByte();

    // ---- SSSE3 ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pshufb(V a, V b) => Ssse3.Shuffle(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Phaddw(V a, V b) => Ssse3.HorizontalAdd(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Phaddd(V a, V b) => Ssse3.HorizontalAdd(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Phaddsw(V a, V b) => Ssse3.HorizontalAddSaturate(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Phsubw(V a, V b) => Ssse3.HorizontalSubtract(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Phsubd(V a, V b) => Ssse3.HorizontalSubtract(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Phsubsw(V a, V b) => Ssse3.HorizontalSubtractSaturate(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmaddubsw(V a, V b) => Ssse3.MultiplyAddAdjacent(a, b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psignb(V a, V b) => Ssse3.Sign(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psignw(V a, V b) => Ssse3.Sign(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Psignd(V a, V b) => Ssse3.Sign(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pabsb(V a, V b) => Ssse3.Abs(b.AsSByte());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pabsw(V a, V b) => Ssse3.Abs(b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pabsd(V a, V b) => Ssse3.Abs(b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmulhrsw(V a, V b) => Ssse3.MultiplyHighRoundScale(a.AsInt16(), b.AsInt16()).AsByte();

    /// <summary>palignr: bytes imm .. imm+15 of the 32-byte concatenation a:b (b low), zeros beyond. The host's
    /// own instruction: one palignr where the IL tier passes imm as a constant (memcpy's SSSE3 loops),
    /// RyuJIT's table of the 256 forms in the interpreter's handler.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Palignr(V a, V b, byte imm) =>
        Ssse3.AlignRight(a.AsSByte(), b.AsSByte(), imm).AsByte();

    /// <summary>palignr for an immediate known only at run time (the interpreter's): byte i of a:b (b the low
    /// half) shifted right by imm bytes, zeros past a (see SimdShuffle's *AnyImm).</summary>
    public static V PalignrAnyImm(V a, V b, byte imm)
    {
        V r = default;
        for (int i = 0; i < 16; i++)
        {
            int k = i + imm;
            r = r.WithElement(i, k < 16 ? b.GetElement(k) : k < 32 ? a.GetElement(k - 16) : (byte)0);
        }
        return r;
    }

    // ---- SSE4.1 ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pminsb(V a, V b) => Sse41.Min(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pminsd(V a, V b) => Sse41.Min(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pminuw(V a, V b) => Sse41.Min(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pminud(V a, V b) => Sse41.Min(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmaxsb(V a, V b) => Sse41.Max(a.AsSByte(), b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmaxsd(V a, V b) => Sse41.Max(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmaxuw(V a, V b) => Sse41.Max(a.AsUInt16(), b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmaxud(V a, V b) => Sse41.Max(a.AsUInt32(), b.AsUInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmulld(V a, V b) => Sse41.MultiplyLow(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmuldq(V a, V b) => Sse41.Multiply(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pcmpeqq(V a, V b) => Sse41.CompareEqual(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pcmpgtq(V a, V b) => Sse42.CompareGreaterThan(a.AsInt64(), b.AsInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Phminposuw(V a, V b) => Sse41.MinHorizontal(b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovsxbw(V a, V b) => Sse41.ConvertToVector128Int16(b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovsxbd(V a, V b) => Sse41.ConvertToVector128Int32(b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovsxbq(V a, V b) => Sse41.ConvertToVector128Int64(b.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovsxwd(V a, V b) => Sse41.ConvertToVector128Int32(b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovsxwq(V a, V b) => Sse41.ConvertToVector128Int64(b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovsxdq(V a, V b) => Sse41.ConvertToVector128Int64(b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovzxbw(V a, V b) => Sse41.ConvertToVector128Int16(b).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovzxbd(V a, V b) => Sse41.ConvertToVector128Int32(b).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovzxbq(V a, V b) => Sse41.ConvertToVector128Int64(b).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovzxwd(V a, V b) => Sse41.ConvertToVector128Int32(b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovzxwq(V a, V b) => Sse41.ConvertToVector128Int64(b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pmovzxdq(V a, V b) => Sse41.ConvertToVector128Int64(b.AsUInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Mpsadbw(V a, V b, byte imm) => Sse41.MultipleSumAbsoluteDifferences(a, b, (byte)(imm & 7)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pblendw(V a, V b, byte imm) => Sse41.Blend(a.AsUInt16(), b.AsUInt16(), imm).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pblendvb(V a, V b, V mask) => Sse41.BlendVariable(a, b, mask);

    /// <summary>ptest: (ZF, CF) = ((a AND b) == 0, (NOT a AND b) == 0).</summary>
    public static ulong PtestFlags(V a, V b) =>
        (Sse41.TestZ(a, b) ? Flags.ZF : 0) | (Sse41.TestC(a, b) ? Flags.CF : 0);

    /// <summary>pmovmskb: the sign bit of each byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Pmovmskb(V a) => (uint)Sse2.MoveMask(a);
}
