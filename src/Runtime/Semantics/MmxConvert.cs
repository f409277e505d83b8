using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// SSE/SSE2 conversions between two packed int32 in an MMX register (or m64) and floats in an XMM
/// register: the <see cref="SimdConvert"/> method of the XMM form on the low lanes. Run inside an
/// <see cref="SseMxcsr"/> scope like every floating-point row (rounding, flags, indefinite results).
/// </summary>
public static class MmxConvert
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Lo(ulong x) => Vector128.CreateScalar(x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static ulong Q(V v) => v.AsUInt64().ToScalar();

    /// <summary>cvtpi2ps xmm, mm/m64: two floats into the low quadword; the upper one is kept.</summary>
    public static V Cvtpi2ps(V x, ulong b) => x.AsUInt64().WithElement(0, Q(SimdConvert.Cvtdq2ps(x, Lo(b)))).AsByte();

    /// <summary>cvtpi2pd xmm, mm/m64: two doubles (exact).</summary>
    public static V Cvtpi2pd(V x, ulong b) => SimdConvert.Cvtdq2pd(x, Lo(b));

    /// <summary>cvtps2pi / cvttps2pi mm, xmm/m64: the low two floats (the zero upper lanes raise nothing).</summary>
    public static ulong Cvtps2pi(V b) => Q(SimdConvert.Cvtps2dq(b, Lo(b.AsUInt64().ToScalar())));
    public static ulong Cvttps2pi(V b) => Q(SimdConvert.Cvttps2dq(b, Lo(b.AsUInt64().ToScalar())));

    /// <summary>cvtpd2pi / cvttpd2pi mm, xmm/m128: both doubles.</summary>
    public static ulong Cvtpd2pi(V b) => Q(SimdConvert.Cvtpd2dq(b, b));
    public static ulong Cvttpd2pi(V b) => Q(SimdConvert.Cvttpd2dq(b, b));
}
