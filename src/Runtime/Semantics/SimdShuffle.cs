using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// Shuffles, unpacks and lane moves on XMM registers. Pure data movement: no MXCSR flags, so no
/// floating-point scope is needed even for the *ps/*pd forms.
/// </summary>
public static class SimdShuffle
{
    // The shuffles by an immediate are the host's own instructions where the IL tier passes the immediate
    // as a constant; the interpreter takes the *AnyImm forms below.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Shufps(V a, V b, byte imm) =>
        Sse.Shuffle(a.AsSingle(), b.AsSingle(), imm).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Shufpd(V a, V b, byte imm) =>
        Sse2.Shuffle(a.AsDouble(), b.AsDouble(), imm).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pshufd(V a, V b, byte imm) =>
        Sse2.Shuffle(b.AsUInt32(), imm).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pshuflw(V a, V b, byte imm) =>
        Sse2.ShuffleLow(b.AsUInt16(), imm).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Pshufhw(V a, V b, byte imm) =>
        Sse2.ShuffleHigh(b.AsUInt16(), imm).AsByte();

    // The same shuffles for an immediate known only at run time (the interpreter's), lane by lane.
    public static V ShufpsAnyImm(V a, V b, byte imm)
    {
        Vector128<uint> x = a.AsUInt32(), y = b.AsUInt32();
        return Vector128.Create(x.GetElement(imm & 3), x.GetElement((imm >> 2) & 3), y.GetElement((imm >> 4) & 3), y.GetElement(imm >> 6)).AsByte();
    }

    public static V ShufpdAnyImm(V a, V b, byte imm) =>
        Vector128.Create(a.AsUInt64().GetElement(imm & 1), b.AsUInt64().GetElement((imm >> 1) & 1)).AsByte();

    public static V PshufdAnyImm(V a, V b, byte imm)
    {
        var y = b.AsUInt32();
        return Vector128.Create(y.GetElement(imm & 3), y.GetElement((imm >> 2) & 3), y.GetElement((imm >> 4) & 3), y.GetElement(imm >> 6)).AsByte();
    }

    public static V PshuflwAnyImm(V a, V b, byte imm)
    {
        var y = b.AsUInt16();
        return Vector128.Create(y.GetElement(imm & 3), y.GetElement((imm >> 2) & 3), y.GetElement((imm >> 4) & 3), y.GetElement(imm >> 6),
            y.GetElement(4), y.GetElement(5), y.GetElement(6), y.GetElement(7)).AsByte();
    }

    public static V PshufhwAnyImm(V a, V b, byte imm)
    {
        var y = b.AsUInt16();
        return Vector128.Create(y.GetElement(0), y.GetElement(1), y.GetElement(2), y.GetElement(3),
            y.GetElement(4 + (imm & 3)), y.GetElement(4 + ((imm >> 2) & 3)), y.GetElement(4 + ((imm >> 4) & 3)), y.GetElement(4 + (imm >> 6))).AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Unpcklps(V a, V b) => Sse.UnpackLow(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Unpckhps(V a, V b) => Sse.UnpackHigh(a.AsSingle(), b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Unpcklpd(V a, V b) => Sse2.UnpackLow(a.AsUInt64(), b.AsUInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Unpckhpd(V a, V b) => Sse2.UnpackHigh(a.AsUInt64(), b.AsUInt64()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Movhlps(V a, V b) => Vector128.Create(b.AsUInt64().GetElement(1), a.AsUInt64().GetElement(1)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Movlhps(V a, V b) => Vector128.Create(a.AsUInt64().GetElement(0), b.AsUInt64().GetElement(0)).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Movsldup(V a, V b)
    {
        var y = b.AsUInt32();
        return Vector128.Create(y.GetElement(0), y.GetElement(0), y.GetElement(2), y.GetElement(2)).AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Movshdup(V a, V b)
    {
        var y = b.AsUInt32();
        return Vector128.Create(y.GetElement(1), y.GetElement(1), y.GetElement(3), y.GetElement(3)).AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Movddup(V a, V b) => Vector128.Create(b.AsUInt64().GetElement(0)).AsByte();

    /// <summary>movss/movsd xmm, xmm: the low lane from b, the rest of a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V MovssReg(V a, V b) => a.AsUInt32().WithElement(0, b.AsUInt32().GetElement(0)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V MovsdReg(V a, V b) => a.AsUInt64().WithElement(0, b.AsUInt64().GetElement(0)).AsByte();
    /// <summary>movq xmm, xmm/m64: the low quadword, upper zeroed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Movq(V a, V b) => Vector128.CreateScalar(b.AsUInt64().GetElement(0)).AsByte();
    /// <summary>movlps/movlpd xmm, m64 and movhps/movhpd xmm, m64 (b holds the loaded quadword).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V MovLow(V a, V b) => a.AsUInt64().WithElement(0, b.AsUInt64().GetElement(0)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V MovHigh(V a, V b) => a.AsUInt64().WithElement(1, b.AsUInt64().GetElement(0)).AsByte();
    /// <summary>A plain copy of the source (movaps, movdqu, lddqu, ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Copy(V a, V b) => b;

    /// <summary>insertps: imm8[7:6] source lane (0 for a memory source), [5:4] destination lane, [3:0] zero mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V Insertps(V a, V b, byte imm)
    {
        uint v = b.AsUInt32().GetElement(imm >> 6);
        var r = a.AsUInt32().WithElement((imm >> 4) & 3, v);
        for (int k = 0; k < 4; k++)
            if ((imm & (1 << k)) != 0) r = r.WithElement(k, 0u);
        return r.AsByte();
    }

    /// <summary>movmskps / movmskpd: the sign bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Movmskps(V a) => (uint)Sse.MoveMask(a.AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Movmskpd(V a) => (uint)Sse2.MoveMask(a.AsDouble());
}
