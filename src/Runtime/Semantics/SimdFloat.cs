using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector128<byte>;

// Guest immediates are not constants: the JIT expands these intrinsics through a jump table.
#pragma warning disable CA1857

namespace UniJit.Runtime.Semantics;

/// <summary>
/// SSE/SSE2/SSE3/SSE4.1 floating point on XMM registers. Each method runs the host instruction of
/// the same name, so NaN propagation, signed zeros, min/max operand order and denormals are the
/// CPU's; callers run them inside an <see cref="SseMxcsr"/> scope for rounding and flags.
/// Scalar forms keep the upper lanes of <c>a</c> (the destination), as the instructions do.
/// </summary>
public static class SimdFloat
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static Vector128<float> F(V v) => v.AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static Vector128<double> D(V v) => v.AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Addps(V a, V b) => Sse.Add(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Addpd(V a, V b) => Sse2.Add(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Addss(V a, V b) => Sse.AddScalar(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Addsd(V a, V b) => Sse2.AddScalar(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Subps(V a, V b) => Sse.Subtract(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Subpd(V a, V b) => Sse2.Subtract(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Subss(V a, V b) => Sse.SubtractScalar(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Subsd(V a, V b) => Sse2.SubtractScalar(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Mulps(V a, V b) => Sse.Multiply(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Mulpd(V a, V b) => Sse2.Multiply(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Mulss(V a, V b) => Sse.MultiplyScalar(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Mulsd(V a, V b) => Sse2.MultiplyScalar(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Divps(V a, V b) => Sse.Divide(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Divpd(V a, V b) => Sse2.Divide(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Divss(V a, V b) => Sse.DivideScalar(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Divsd(V a, V b) => Sse2.DivideScalar(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Minps(V a, V b) => Sse.Min(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Minpd(V a, V b) => Sse2.Min(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Minss(V a, V b) => Sse.MinScalar(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Minsd(V a, V b) => Sse2.MinScalar(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Maxps(V a, V b) => Sse.Max(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Maxpd(V a, V b) => Sse2.Max(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Maxss(V a, V b) => Sse.MaxScalar(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Maxsd(V a, V b) => Sse2.MaxScalar(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Sqrtps(V a, V b) => Sse.Sqrt(F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Sqrtpd(V a, V b) => Sse2.Sqrt(D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Sqrtss(V a, V b) => Sse.SqrtScalar(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Sqrtsd(V a, V b) => Sse2.SqrtScalar(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Rcpps(V a, V b) => Sse.Reciprocal(F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Rcpss(V a, V b) => Sse.ReciprocalScalar(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Rsqrtps(V a, V b) => Sse.ReciprocalSqrt(F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Rsqrtss(V a, V b) => Sse.ReciprocalSqrtScalar(F(a), F(b)).AsByte();

    // Bitwise: no floating-point exceptions, no MXCSR scope needed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Andps(V a, V b) => Sse.And(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Andnps(V a, V b) => Sse.AndNot(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Orps(V a, V b) => Sse.Or(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Xorps(V a, V b) => Sse.Xor(F(a), F(b)).AsByte();

    // ---- SSE3 ----
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Addsubps(V a, V b) => Sse3.AddSubtract(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Addsubpd(V a, V b) => Sse3.AddSubtract(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Haddps(V a, V b) => Sse3.HorizontalAdd(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Haddpd(V a, V b) => Sse3.HorizontalAdd(D(a), D(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Hsubps(V a, V b) => Sse3.HorizontalSubtract(F(a), F(b)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Hsubpd(V a, V b) => Sse3.HorizontalSubtract(D(a), D(b)).AsByte();

    // ---- compares: predicate imm8[2:0] (legacy encodings ignore the upper bits) ----
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cmpps(V a, V b, byte imm) => ((imm & 7) switch
    {
        0 => Sse.CompareEqual(F(a), F(b)),
        1 => Sse.CompareLessThan(F(a), F(b)),
        2 => Sse.CompareLessThanOrEqual(F(a), F(b)),
        3 => Sse.CompareUnordered(F(a), F(b)),
        4 => Sse.CompareNotEqual(F(a), F(b)),
        5 => Sse.CompareNotLessThan(F(a), F(b)),
        6 => Sse.CompareNotLessThanOrEqual(F(a), F(b)),
        _ => Sse.CompareOrdered(F(a), F(b)),
    }).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cmppd(V a, V b, byte imm) => ((imm & 7) switch
    {
        0 => Sse2.CompareEqual(D(a), D(b)),
        1 => Sse2.CompareLessThan(D(a), D(b)),
        2 => Sse2.CompareLessThanOrEqual(D(a), D(b)),
        3 => Sse2.CompareUnordered(D(a), D(b)),
        4 => Sse2.CompareNotEqual(D(a), D(b)),
        5 => Sse2.CompareNotLessThan(D(a), D(b)),
        6 => Sse2.CompareNotLessThanOrEqual(D(a), D(b)),
        _ => Sse2.CompareOrdered(D(a), D(b)),
    }).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cmpss(V a, V b, byte imm) => ((imm & 7) switch
    {
        0 => Sse.CompareScalarEqual(F(a), F(b)),
        1 => Sse.CompareScalarLessThan(F(a), F(b)),
        2 => Sse.CompareScalarLessThanOrEqual(F(a), F(b)),
        3 => Sse.CompareScalarUnordered(F(a), F(b)),
        4 => Sse.CompareScalarNotEqual(F(a), F(b)),
        5 => Sse.CompareScalarNotLessThan(F(a), F(b)),
        6 => Sse.CompareScalarNotLessThanOrEqual(F(a), F(b)),
        _ => Sse.CompareScalarOrdered(F(a), F(b)),
    }).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cmpsd(V a, V b, byte imm) => ((imm & 7) switch
    {
        0 => Sse2.CompareScalarEqual(D(a), D(b)),
        1 => Sse2.CompareScalarLessThan(D(a), D(b)),
        2 => Sse2.CompareScalarLessThanOrEqual(D(a), D(b)),
        3 => Sse2.CompareScalarUnordered(D(a), D(b)),
        4 => Sse2.CompareScalarNotEqual(D(a), D(b)),
        5 => Sse2.CompareScalarNotLessThan(D(a), D(b)),
        6 => Sse2.CompareScalarNotLessThanOrEqual(D(a), D(b)),
        _ => Sse2.CompareScalarOrdered(D(a), D(b)),
    }).AsByte();

    /// <summary>comiss/ucomiss/comisd/ucomisd → ZF, PF, CF (unordered: all three; OF, SF, AF cleared).
    /// The host's comis/ucomis runs for the MXCSR flags (invalid on QNaN for comi, SNaN for ucomi;
    /// denormal). The flag pattern follows from the ordering the host compare reports.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Comiss(V a, V b) => Pattern(Sse.CompareScalarOrderedLessThan(F(a), F(b)),
        Sse.CompareScalarOrderedEqual(F(a), F(b)), NaN32(a) || NaN32(b));
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Ucomiss(V a, V b) => Pattern(Sse.CompareScalarUnorderedLessThan(F(a), F(b)),
        Sse.CompareScalarUnorderedEqual(F(a), F(b)), NaN32(a) || NaN32(b));
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Comisd(V a, V b) => Pattern(Sse2.CompareScalarOrderedLessThan(D(a), D(b)),
        Sse2.CompareScalarOrderedEqual(D(a), D(b)), NaN64(a) || NaN64(b));
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Ucomisd(V a, V b) => Pattern(Sse2.CompareScalarUnorderedLessThan(D(a), D(b)),
        Sse2.CompareScalarUnorderedEqual(D(a), D(b)), NaN64(a) || NaN64(b));

    // NaN tests on the bits: a floating-point compare would raise MXCSR flags (DE, IE) of its own.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static bool NaN32(V v) => (v.AsUInt32().ToScalar() & 0x7FFFFFFF) > 0x7F800000;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static bool NaN64(V v) => (v.AsUInt64().ToScalar() & 0x7FFFFFFFFFFFFFFF) > 0x7FF0000000000000;

    /// <summary>True if a non-NaN lane of <paramref name="x"/> (lanes below <paramref name="n"/>) differs from <paramref name="r"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static bool Changed32(V x, V r, int n)
    {
        for (int k = 0; k < n; k++)
        {
            uint xv = x.AsUInt32().GetElement(k), rv = r.AsUInt32().GetElement(k);
            if ((xv & 0x7FFFFFFF) > 0x7F800000 || xv == rv) continue;
            // A denormal under DAZ is an exact zero.
            if ((xv & 0x7F800000) == 0 && (rv & 0x7FFFFFFF) == 0 && SseMxcsr.HostDaz()) continue;
            return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static bool Changed64(V x, V r, int n)
    {
        for (int k = 0; k < n; k++)
        {
            ulong xv = x.AsUInt64().GetElement(k), rv = r.AsUInt64().GetElement(k);
            if ((xv & 0x7FFFFFFFFFFFFFFF) > 0x7FF0000000000000 || xv == rv) continue;
            if ((xv & 0x7FF0000000000000) == 0 && (rv & 0x7FFFFFFFFFFFFFFF) == 0 && SseMxcsr.HostDaz()) continue;
            return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static ulong Pattern(bool less, bool equal, bool unordered) =>
        unordered ? Flags.ZF | Flags.PF | Flags.CF : less ? Flags.CF : equal ? Flags.ZF : 0;

    // ---- SSE4.1 ----
    /// <summary>roundps/pd/ss/sd imm8: [1:0] mode, [2] use MXCSR.RC, [3] suppress precision.
    /// The host forms (as .NET emits them) raise precision; when imm8[3] suppresses it, PE is
    /// put back as it was, and when it does not, PE is also derived from the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Roundps(V a, V b, byte imm)
    {
        var x = F(b);
        uint before = SseMxcsr.HostRead();
        var r = Mode(imm) switch
        {
            0 => Sse41.RoundToNearestInteger(x),
            1 => Sse41.RoundToNegativeInfinity(x),
            2 => Sse41.RoundToPositiveInfinity(x),
            _ => Sse41.RoundToZero(x),
        };
        if ((imm & 8) != 0) SseMxcsr.RestorePrecision(before);
        else if (Changed32(b, r.AsByte(), 4)) RaiseInexact();
        return r.AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Roundpd(V a, V b, byte imm)
    {
        var x = D(b);
        uint before = SseMxcsr.HostRead();
        var r = Mode(imm) switch
        {
            0 => Sse41.RoundToNearestInteger(x),
            1 => Sse41.RoundToNegativeInfinity(x),
            2 => Sse41.RoundToPositiveInfinity(x),
            _ => Sse41.RoundToZero(x),
        };
        if ((imm & 8) != 0) SseMxcsr.RestorePrecision(before);
        else if (Changed64(b, r.AsByte(), 2)) RaiseInexact();
        return r.AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Roundss(V a, V b, byte imm)
    {
        var x = F(b);
        uint before = SseMxcsr.HostRead();
        var r = Mode(imm) switch
        {
            0 => Sse41.RoundToNearestIntegerScalar(F(a), x),
            1 => Sse41.RoundToNegativeInfinityScalar(F(a), x),
            2 => Sse41.RoundToPositiveInfinityScalar(F(a), x),
            _ => Sse41.RoundToZeroScalar(F(a), x),
        };
        if ((imm & 8) != 0) SseMxcsr.RestorePrecision(before);
        else if (Changed32(b, r.AsByte(), 1)) RaiseInexact();
        return r.AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Roundsd(V a, V b, byte imm)
    {
        var x = D(b);
        uint before = SseMxcsr.HostRead();
        var r = Mode(imm) switch
        {
            0 => Sse41.RoundToNearestIntegerScalar(D(a), x),
            1 => Sse41.RoundToNegativeInfinityScalar(D(a), x),
            2 => Sse41.RoundToPositiveInfinityScalar(D(a), x),
            _ => Sse41.RoundToZeroScalar(D(a), x),
        };
        if ((imm & 8) != 0) SseMxcsr.RestorePrecision(before);
        else if (Changed64(b, r.AsByte(), 1)) RaiseInexact();
        return r.AsByte();
    }

    /// <summary>The rounding mode of round*: imm8[1:0], or MXCSR.RC when imm8[2] is set. (The host's
    /// "current direction" form does not suppress precision, so the mode is made explicit.)</summary>
    static int Mode(byte imm) => (imm & 4) != 0 ? SseMxcsr.HostRounding() : imm & 3;

    /// <summary>Compiles the helpers a semantic method may reach only for some data, so that the JIT
    /// never runs inside an <see cref="SseMxcsr"/> scope (its own floating point would raise flags).</summary>
    public static void Warm() => RaiseInexact();

    /// <summary>Raises PE in the host MXCSR (which the enclosing scope collects): 1/3 is inexact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RaiseInexact()
    {
        var one = Vector128.CreateScalar(1.0);
        var three = Vector128.CreateScalar(Volatile3);
        Volatile.Write(ref sink, Sse2.DivideScalar(one, three).ToScalar());
    }
    static double Volatile3 = 3.0;
    static double sink;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Dpps(V a, V b, byte imm) => Sse41.DotProduct(F(a), F(b), imm).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Dppd(V a, V b, byte imm) => Sse41.DotProduct(D(a), D(b), imm).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Blendps(V a, V b, byte imm) => Sse41.Blend(F(a), F(b), (byte)(imm & 15)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Blendpd(V a, V b, byte imm) => Sse41.Blend(D(a), D(b), (byte)(imm & 3)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Blendvps(V a, V b, V mask) => Sse41.BlendVariable(F(a), F(b), F(mask)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Blendvpd(V a, V b, V mask) => Sse41.BlendVariable(D(a), D(b), D(mask)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Insertps(V a, V b, byte imm) => Sse41.Insert(F(a), F(b), imm).AsByte();
}
