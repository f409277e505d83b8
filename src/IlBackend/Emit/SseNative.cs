using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// SSE floating point as translated code runs it: the guest's instruction as the same host
/// instruction, under the guest's MXCSR. A region with floating point enters
/// <see cref="Runtime.Semantics.SseMxcsr.RegionEnter"/> at its start and leaves it at every exit and
/// around every interpreter-handler call, so the host MXCSR has the guest's rounding, DAZ and FTZ while
/// these run, and the flags they raise are added to the guest's when the region leaves.
///
/// What keeps that exact under an optimizing JIT (the signatures match <see cref="SseCalls"/>' so
/// the emitter loads operands the same way; a state pointer is for the sink):
/// <list type="bullet">
/// <item>A result is also stored to <see cref="CpuState.FpSink"/> (<see cref="Kept"/>, <see cref="Keep"/>)
/// unless a later instruction of its block that is kept itself reads it (<see cref="InstEmit.ResultsKept"/>):
/// RyuJIT may not drop an operation whose result the guest overwrites unread, since its flags are a
/// result too.</item>
/// <item>No folding at compile time (where neither the guest's rounding nor its flags would apply):
/// RyuJIT (.NET 10) folds a scalar division of two constant vectors (<c>mov r, imm; movq xmm, r</c>
/// twice, or by a zeroed register), so a general register's value enters an XMM register through
/// <see cref="Opaque"/>; it does not fold conversions of constants or operations on zeroed registers
/// alone. <c>SseFloatTests.NativeRegionHazards</c> has a case for each and fails if a later JIT folds more.</item>
/// <item>An instruction that can change MXCSR's control bits (ldmxcsr, fxrstor, xrstor) ends the
/// region, so no floating-point expression is shared across such a change.</item>
/// </list>
/// </summary>
public static unsafe class SseNative
{
    /// <summary>Stores a vector result's low quadword to the sink and returns it: what the emitter adds
    /// after an operation whose result might otherwise be dropped (<see cref="InstEmit.ResultsKept"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Kept(V r, CpuState* s)
    {
        s->FpSink = r.AsUInt64().ToScalar();
        return r;
    }

    /// <summary>A general register's value on its way into an XMM register (movd/movq xmm, r): stored to
    /// the sink and read back volatile, so that RyuJIT cannot see a constant the guest moved in
    /// (<c>mov r, imm; movq xmm, r</c>) and fold the floating point that uses it at compile time, which
    /// would raise none of its MXCSR flags (<c>SseFloatTests.NativeRegionHazards</c>, "movq constants").</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Opaque(ulong v, CpuState* s)
    {
        s->FpSink = v;
        return Volatile.Read(ref s->FpSink);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Keep(CpuState* s, ulong r)
    {
        s->FpSink = r;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<double> D(double y) => Vector128.CreateScalarUnsafe(y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> F(float y) => Vector128.CreateScalarUnsafe(y);

    // ---- scalar double: xmm.lo = xmm.lo op y ------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Addsd(V a, double y) => Sse2.AddScalar(a.AsDouble(), D(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Subsd(V a, double y) => Sse2.SubtractScalar(a.AsDouble(), D(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Mulsd(V a, double y) => Sse2.MultiplyScalar(a.AsDouble(), D(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Divsd(V a, double y) => Sse2.DivideScalar(a.AsDouble(), D(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Sqrtsd(V a, double y) => Sse2.SqrtScalar(a.AsDouble(), D(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Minsd(V a, double y) => Sse2.MinScalar(a.AsDouble(), D(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Maxsd(V a, double y) => Sse2.MaxScalar(a.AsDouble(), D(y)).AsByte();

    // ---- scalar single ----------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Addss(V a, float y) => Sse.AddScalar(a.AsSingle(), F(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Subss(V a, float y) => Sse.SubtractScalar(a.AsSingle(), F(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Mulss(V a, float y) => Sse.MultiplyScalar(a.AsSingle(), F(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Divss(V a, float y) => Sse.DivideScalar(a.AsSingle(), F(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Sqrtss(V a, float y) => Sse.SqrtScalar(a.AsSingle(), F(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Minss(V a, float y) => Sse.MinScalar(a.AsSingle(), F(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Maxss(V a, float y) => Sse.MaxScalar(a.AsSingle(), F(y)).AsByte();

    // ---- packed add and multiply ------------------------------------------------------------------
    // RyuJIT treats these as commutative and may swap their operands, but with a NaN in both operands
    // x86 returns the first one's: with any NaN, the semantic method runs uninlined (operands in order).

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Addps(V a, V b) => Sse.MoveMask(Sse.CompareUnordered(a.AsSingle(), b.AsSingle())) == 0
        ? Sse.Add(a.AsSingle(), b.AsSingle()).AsByte() : InOrder(&SimdFloat.Addps, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Mulps(V a, V b) => Sse.MoveMask(Sse.CompareUnordered(a.AsSingle(), b.AsSingle())) == 0
        ? Sse.Multiply(a.AsSingle(), b.AsSingle()).AsByte() : InOrder(&SimdFloat.Mulps, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Addpd(V a, V b) => Sse2.MoveMask(Sse2.CompareUnordered(a.AsDouble(), b.AsDouble())) == 0
        ? Sse2.Add(a.AsDouble(), b.AsDouble()).AsByte() : InOrder(&SimdFloat.Addpd, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Mulpd(V a, V b) => Sse2.MoveMask(Sse2.CompareUnordered(a.AsDouble(), b.AsDouble())) == 0
        ? Sse2.Multiply(a.AsDouble(), b.AsDouble()).AsByte() : InOrder(&SimdFloat.Mulpd, a, b);

    // Compiled before any region can call it (a first call would JIT it under the guest's MXCSR): the type
    // initializer runs before any region exists (RegionContext's). A field initializer, not a static
    // constructor: a class with one is not beforefieldinit, and ReadyToRun code (saved regions) then calls
    // a class-initialization helper before every inlined method of it — before each floating-point
    // instruction, with the XMM registers spilled around the call.
    static readonly bool Prepared = Prepare();
    static bool Prepare()
    {
        RuntimeHelpers.PrepareMethod(
            typeof(SseNative).GetMethod(nameof(InOrder), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MethodHandle);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static V InOrder(delegate*<V, V, V> f, V a, V b) => f(a, b);

    /// <summary>The packed rows above, by the semantic method they stand for.</summary>
    public static readonly UniJit.IlBackend.Analysis.AddressMap<string> Ordered = new()
    {
        [(ulong)(nint)(delegate*<V, V, V>)&SimdFloat.Addps] = nameof(Addps),
        [(ulong)(nint)(delegate*<V, V, V>)&SimdFloat.Mulps] = nameof(Mulps),
        [(ulong)(nint)(delegate*<V, V, V>)&SimdFloat.Addpd] = nameof(Addpd),
        [(ulong)(nint)(delegate*<V, V, V>)&SimdFloat.Mulpd] = nameof(Mulpd),
    };

    // ---- compares: ZF, PF, CF (unordered 111, less 001, equal 100, greater 000); OF, SF, AF 0 ----
    // C#'s comparisons are ucomisd/ucomiss on the host, under the guest's MXCSR (DAZ included), raising
    // what ucomisd raises; comisd's own compare is added for its IE on a quiet NaN (its result is used,
    // so it stays).

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Order(bool less, bool equal, bool greater) => less ? 1UL : equal ? 0x40UL : greater ? 0UL : 0x45UL;

    // They return the flags word; the emitter keeps it in a local for a fused jcc/setcc/cmov and
    // stores it (Flags.SetArith) only when something else may read the flags. It also goes to the
    // sink: with the flags dead, RyuJIT would drop the comparison and the MXCSR flags it raises.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Ucomisd(CpuState* s, double x, double y) => Keep(s, Order(x < y, x == y, x > y));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Comisd(CpuState* s, double x, double y) => Keep(s, Order(x < y, Sse2.CompareScalarOrderedEqual(D(x), D(y)), x > y));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Ucomiss(CpuState* s, float x, float y) => Keep(s, Order(x < y, x == y, x > y));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Comiss(CpuState* s, float x, float y) => Keep(s, Order(x < y, Sse.CompareScalarOrderedEqual(F(x), F(y)), x > y));

    // ---- conversions ------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsi2sd32(V a, ulong x) => Sse2.ConvertScalarToVector128Double(a.AsDouble(), (int)x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsi2sd64(V a, ulong x) => Sse2.X64.ConvertScalarToVector128Double(a.AsDouble(), (long)x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsi2ss32(V a, ulong x) => Sse.ConvertScalarToVector128Single(a.AsSingle(), (int)x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsi2ss64(V a, ulong x) => Sse.X64.ConvertScalarToVector128Single(a.AsSingle(), (long)x).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtss2sd(V a, float y) => Sse2.ConvertScalarToVector128Double(a.AsDouble(), F(y)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsd2ss(V a, double y) => Sse2.ConvertScalarToVector128Single(a.AsSingle(), D(y)).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cvttsd2si32(CpuState* s, double x) => Keep(s, (uint)Sse2.ConvertToInt32WithTruncation(D(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cvttsd2si64(CpuState* s, double x) => Keep(s, (ulong)Sse2.X64.ConvertToInt64WithTruncation(D(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cvttss2si32(CpuState* s, float x) => Keep(s, (uint)Sse.ConvertToInt32WithTruncation(F(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cvttss2si64(CpuState* s, float x) => Keep(s, (ulong)Sse.X64.ConvertToInt64WithTruncation(F(x)));
}
