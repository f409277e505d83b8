using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// SSE/SSE2 conversions, each the host instruction of the same name (run inside an
/// <see cref="SseMxcsr"/> scope: rounding follows MXCSR.RC, out-of-range results are the
/// "integer indefinite" 0x80000000 / 0x8000000000000000 with IE raised, as the CPU does).
/// </summary>
public static class SimdConvert
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtps2pd(V a, V b) => Sse2.ConvertToVector128Double(b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtpd2ps(V a, V b) => Sse2.ConvertToVector128Single(b.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtss2sd(V a, V b) => Sse2.ConvertScalarToVector128Double(a.AsDouble(), b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtsd2ss(V a, V b) => Sse2.ConvertScalarToVector128Single(a.AsSingle(), b.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtdq2ps(V a, V b) => Sse2.ConvertToVector128Single(b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtps2dq(V a, V b) => Sse2.ConvertToVector128Int32(b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvttps2dq(V a, V b) => Sse2.ConvertToVector128Int32WithTruncation(b.AsSingle()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtdq2pd(V a, V b) => Sse2.ConvertToVector128Double(b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtpd2dq(V a, V b) => Sse2.ConvertToVector128Int32(b.AsDouble()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvttpd2dq(V a, V b) => Sse2.ConvertToVector128Int32WithTruncation(b.AsDouble()).AsByte();

    // ---- integer register → float (the upper lanes of a are kept) ----
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtsi2ss32(V a, ulong x) => Sse.ConvertScalarToVector128Single(a.AsSingle(), (int)x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtsi2ss64(V a, ulong x) => Sse.X64.ConvertScalarToVector128Single(a.AsSingle(), (long)x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtsi2sd32(V a, ulong x) => Sse2.ConvertScalarToVector128Double(a.AsDouble(), (int)x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cvtsi2sd64(V a, ulong x) => Sse2.X64.ConvertScalarToVector128Double(a.AsDouble(), (long)x).AsByte();

    // ---- float → integer register (32-bit results are zero-extended by the register write) ----
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Cvtss2si32(V b) => (uint)Sse.ConvertToInt32(b.AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Cvtss2si64(V b) => (ulong)Sse.X64.ConvertToInt64(b.AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Cvttss2si32(V b) => (uint)Sse.ConvertToInt32WithTruncation(b.AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Cvttss2si64(V b) => (ulong)Sse.X64.ConvertToInt64WithTruncation(b.AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Cvtsd2si32(V b) => (uint)Sse2.ConvertToInt32(b.AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Cvtsd2si64(V b) => (ulong)Sse2.X64.ConvertToInt64(b.AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Cvttsd2si32(V b) => (uint)Sse2.ConvertToInt32WithTruncation(b.AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Cvttsd2si64(V b) => (ulong)Sse2.X64.ConvertToInt64WithTruncation(b.AsDouble());
}
