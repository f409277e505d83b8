using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Iced.Intel;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// SSE floating point as translated code calls it: the exact path (a row's semantic method run under
/// the guest MXCSR, exactly as the interpreter's handlers do, see <see cref="SseHandlers.Row"/>), and
/// fast paths for the common scalar instructions.
///
/// Why the fast paths are exact. Outside an <see cref="SseMxcsr"/> scope the host MXCSR has .NET's
/// control bits 0x1F80 (round to nearest, no DAZ/FTZ, all masked); its flags are nobody's business
/// (every scope clears them on entry and restores the host value on exit). So plain .NET
/// <c>double</c>/<c>float</c> arithmetic computes the very result the guest's instruction computes
/// whenever the guest's control bits are also 0x1F80 — and then the only thing left is MXCSR's sticky
/// flags. A fast path is taken only when it can prove which flags the instruction raises, and that
/// raising them changes nothing:
/// <list type="bullet">
/// <item>PE: the fast paths of add/sub/mul/div/sqrt and cvtsd2ss run only when the guest's PE is
/// already set and masked (<see cref="InexactIsFree"/>), the normal state of any program after its
/// first inexact operation. Before that, they take the exact path, which sets PE.</item>
/// <item>IE, ZE, DE: excluded by the operands: no NaN, no infinity, no denormal (DE is raised by a
/// denormal source even when the result is normal), no zero divisor.</item>
/// <item>OE, UE: excluded by the result: a finite result under round-to-nearest means no overflow;
/// a result above the smallest normal means the exact value was not tiny (rounding is monotonic and
/// the smallest normal is representable; x86 detects tininess after rounding, and a rounded result
/// equal to the smallest normal is left to the exact path). A zero result is accepted only where it
/// is exact: a sum of non-denormal doubles is a multiple of the smallest denormal, so it rounds to
/// zero only if it is zero; a product or quotient is zero exactly when its (first) operand is.</item>
/// </list>
/// Comparisons, min/max, exact conversions (cvtsi2sd from 32 bits, cvtss2sd, integers that fit the
/// significand) and truncations of in-range values raise nothing with non-NaN, non-denormal inputs,
/// whatever MXCSR says, so they need no MXCSR test (truncation's PE aside, handled as above).
/// Everything else goes to the exact path. The SSE oracle tests run every case in both tiers
/// (tests/UniJit.Tests/Semantics/Sse/SseDiff.cs) with random rounding modes, DAZ/FTZ and flags.
/// </summary>
public static unsafe class SseCalls
{
    // ---- exact path: the row's semantic method under the guest MXCSR ----------------------------

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static V Binary(CpuState* s, int code, V a, V b)
    {
        var f = (delegate*<V, V, V>)SseHandlers.Op((Code)code);
        if (SseHandlers.Cold((Code)code, 0)) f(a, b);
        uint host = SseMxcsr.Enter(s);
        V r = f(a, b);
        SseMxcsr.LeaveOrRetry(s, host);
        return r;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static V BinaryImm(CpuState* s, int code, V a, V b, int imm)
    {
        var f = (delegate*<V, V, byte, V>)SseHandlers.Op((Code)code);
        byte k = (byte)imm;
        if (SseHandlers.Cold((Code)code, k)) f(a, b, k);
        uint host = SseMxcsr.Enter(s);
        V r = f(a, b, k);
        SseMxcsr.LeaveOrRetry(s, host);
        return r;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static V ToXmm(CpuState* s, int code, V a, ulong x)
    {
        var f = (delegate*<V, ulong, V>)SseHandlers.Op((Code)code);
        if (SseHandlers.Cold((Code)code, 0)) f(a, x);
        uint host = SseMxcsr.Enter(s);
        V r = f(a, x);
        SseMxcsr.LeaveOrRetry(s, host);
        return r;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong ToGpr(CpuState* s, int code, V b)
    {
        var f = (delegate*<V, ulong>)SseHandlers.Op((Code)code);
        if (SseHandlers.Cold((Code)code, 0)) f(b);
        uint host = SseMxcsr.Enter(s);
        ulong r = f(b);
        SseMxcsr.LeaveOrRetry(s, host);
        return r;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Compare(CpuState* s, int code, V a, V b)
    {
        var f = (delegate*<V, V, ulong>)SseHandlers.Op((Code)code);
        if (SseHandlers.Cold((Code)code, 0)) f(a, b);
        uint host = SseMxcsr.Enter(s);
        ulong flags = f(a, b);
        SseMxcsr.LeaveOrRetry(s, host);
        if (s->Retry == 0) Flags.SetArith(s, flags);
    }

    // ---- operand classes -------------------------------------------------------------------------

    const ulong Abs64 = 0x7FFF_FFFF_FFFF_FFFF, MinNormal64 = 0x0010_0000_0000_0000, Inf64 = 0x7FF0_0000_0000_0000;
    const uint Abs32 = 0x7FFF_FFFF, MinNormal32 = 0x0080_0000, Inf32 = 0x7F80_0000;

    /// <summary>Guest MXCSR = 0x1F80 (the host's control bits) with PE already set: .NET arithmetic
    /// rounds as the guest's would, and raising PE again changes nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool InexactIsFree(CpuState* s) => (s->Mxcsr & 0xFFE0) == 0x1FA0;

    /// <summary>PE set and masked: whatever the rounding, raising PE changes nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool PeIsFree(CpuState* s) => (s->Mxcsr & 0x1020) == 0x1020;

    /// <summary>Smallest normal &lt; |r| ≤ largest finite: not NaN, no overflow, not tiny.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Big(double r) => (BitConverter.DoubleToUInt64Bits(r) & Abs64) - (MinNormal64 + 1) < Inf64 - (MinNormal64 + 1);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Big(float r) => (BitConverter.SingleToUInt32Bits(r) & Abs32) - (MinNormal32 + 1) < Inf32 - (MinNormal32 + 1);

    /// <summary>Not a denormal (zero, normal, infinity or NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool NotDenormal(double x) => (BitConverter.DoubleToUInt64Bits(x) & Abs64) - 1 >= MinNormal64 - 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool NotDenormal(float x) => (BitConverter.SingleToUInt32Bits(x) & Abs32) - 1 >= MinNormal32 - 1;

    /// <summary>Zero, normal or infinity: neither NaN nor denormal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Plain(double x)
    {
        ulong m = BitConverter.DoubleToUInt64Bits(x) & Abs64;
        return m == 0 || m - MinNormal64 <= Inf64 - MinNormal64;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Plain(float x)
    {
        uint m = BitConverter.SingleToUInt32Bits(x) & Abs32;
        return m == 0 || m - MinNormal32 <= Inf32 - MinNormal32;
    }

    // The exact path of a scalar instruction returns only the low lane (the others are the
    // destination's, unchanged): a vector returned from a call comes back through a buffer in the
    // caller's frame, which keeps RyuJIT from holding the XMM local in a register (measured).
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double Slow(CpuState* s, Code code, V a, double y) => Binary(s, (int)code, a, Vector128.CreateScalar(y).AsByte()).AsDouble().ToScalar();
    [MethodImpl(MethodImplOptions.NoInlining)]
    static float Slow(CpuState* s, Code code, V a, float y) => Binary(s, (int)code, a, Vector128.CreateScalar(y).AsByte()).AsSingle().ToScalar();
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double SlowD(CpuState* s, Code code, V a, float y) => Binary(s, (int)code, a, Vector128.CreateScalar(y).AsByte()).AsDouble().ToScalar();
    [MethodImpl(MethodImplOptions.NoInlining)]
    static float SlowF(CpuState* s, Code code, V a, double y) => Binary(s, (int)code, a, Vector128.CreateScalar(y).AsByte()).AsSingle().ToScalar();
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double SlowD(CpuState* s, Code code, V a, ulong x) => ToXmm(s, (int)code, a, x).AsDouble().ToScalar();
    [MethodImpl(MethodImplOptions.NoInlining)]
    static float SlowF(CpuState* s, Code code, V a, ulong x) => ToXmm(s, (int)code, a, x).AsSingle().ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Low(V a, double r) => a.AsDouble().WithElement(0, r).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Low(V a, float r) => a.AsSingle().WithElement(0, r).AsByte();

    /// <summary>The low lane of an XMM value, as translated code reads a scalar operand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double F64(V a) => a.AsDouble().ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F32(V a) => a.AsSingle().ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong U64(V a) => a.AsUInt64().ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong U64High(V a) => a.AsUInt64().GetElement(1);
    /// <summary>A quadword zero-extended to 128 bits (movd/movq xmm, r/m).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V FromU64(ulong x) => Vector128.CreateScalar(x).AsByte();

    // ---- scalar double: xmm.lo = xmm.lo op y ------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Addsd(CpuState* s, V a, double y)
    {
        double x = F64(a), r = x + y;
        return Low(a, InexactIsFree(s) && NotDenormal(x) && NotDenormal(y) && (Big(r) || r == 0)
            ? r
            : Slow(s, Code.Addsd_xmm_xmmm64, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Subsd(CpuState* s, V a, double y)
    {
        double x = F64(a), r = x - y;
        return Low(a, InexactIsFree(s) && NotDenormal(x) && NotDenormal(y) && (Big(r) || r == 0)
            ? r
            : Slow(s, Code.Subsd_xmm_xmmm64, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Mulsd(CpuState* s, V a, double y)
    {
        double x = F64(a), r = x * y;
        return Low(a, InexactIsFree(s) && NotDenormal(x) && NotDenormal(y) && (Big(r) || r == 0 && (x == 0 || y == 0))
            ? r
            : Slow(s, Code.Mulsd_xmm_xmmm64, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Divsd(CpuState* s, V a, double y)
    {
        double x = F64(a), r = x / y;
        return Low(a, InexactIsFree(s) && NotDenormal(x) && NotDenormal(y) && (Big(r) || r == 0 && x == 0)
            ? r
            : Slow(s, Code.Divsd_xmm_xmmm64, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Sqrtsd(CpuState* s, V a, double y)
    {
        double r = Math.Sqrt(y);
        return Low(a, InexactIsFree(s) && NotDenormal(y) && (Big(r) || r == 0)
            ? r
            : Slow(s, Code.Sqrtsd_xmm_xmmm64, a, y));
    }

    /// <summary>minsd: the source unless the destination is less (NaNs and equal zeros give the source).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Minsd(CpuState* s, V a, double y)
    {
        double x = F64(a);
        return Low(a, Plain(x) && Plain(y)
            ? x < y ? x : y
            : Slow(s, Code.Minsd_xmm_xmmm64, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Maxsd(CpuState* s, V a, double y)
    {
        double x = F64(a);
        return Low(a, Plain(x) && Plain(y)
            ? x > y ? x : y
            : Slow(s, Code.Maxsd_xmm_xmmm64, a, y));
    }

    // ---- scalar single ------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Addss(CpuState* s, V a, float y)
    {
        float x = F32(a), r = x + y;
        return Low(a, InexactIsFree(s) && NotDenormal(x) && NotDenormal(y) && (Big(r) || r == 0)
            ? r
            : Slow(s, Code.Addss_xmm_xmmm32, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Subss(CpuState* s, V a, float y)
    {
        float x = F32(a), r = x - y;
        return Low(a, InexactIsFree(s) && NotDenormal(x) && NotDenormal(y) && (Big(r) || r == 0)
            ? r
            : Slow(s, Code.Subss_xmm_xmmm32, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Mulss(CpuState* s, V a, float y)
    {
        float x = F32(a), r = x * y;
        return Low(a, InexactIsFree(s) && NotDenormal(x) && NotDenormal(y) && (Big(r) || r == 0 && (x == 0 || y == 0))
            ? r
            : Slow(s, Code.Mulss_xmm_xmmm32, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Divss(CpuState* s, V a, float y)
    {
        float x = F32(a), r = x / y;
        return Low(a, InexactIsFree(s) && NotDenormal(x) && NotDenormal(y) && (Big(r) || r == 0 && x == 0)
            ? r
            : Slow(s, Code.Divss_xmm_xmmm32, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Sqrtss(CpuState* s, V a, float y)
    {
        float r = MathF.Sqrt(y);
        return Low(a, InexactIsFree(s) && NotDenormal(y) && (Big(r) || r == 0)
            ? r
            : Slow(s, Code.Sqrtss_xmm_xmmm32, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Minss(CpuState* s, V a, float y)
    {
        float x = F32(a);
        return Low(a, Plain(x) && Plain(y)
            ? x < y ? x : y
            : Slow(s, Code.Minss_xmm_xmmm32, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Maxss(CpuState* s, V a, float y)
    {
        float x = F32(a);
        return Low(a, Plain(x) && Plain(y)
            ? x > y ? x : y
            : Slow(s, Code.Maxss_xmm_xmmm32, a, y));
    }

    // ---- compares: ZF, PF, CF (unordered 111, less 001, equal 100, greater 000); OF, SF, AF 0 ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Order(double x, double y) => x < y ? 1UL : x == y ? 0x40UL : 0UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ucomisd(CpuState* s, double x, double y)
    {
        if (Plain(x) && Plain(y)) Flags.SetArith(s, Order(x, y));
        else Compare(s, (int)Code.Ucomisd_xmm_xmmm64, Vector128.CreateScalar(x).AsByte(), Vector128.CreateScalar(y).AsByte());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Comisd(CpuState* s, double x, double y)
    {
        if (Plain(x) && Plain(y)) Flags.SetArith(s, Order(x, y));
        else Compare(s, (int)Code.Comisd_xmm_xmmm64, Vector128.CreateScalar(x).AsByte(), Vector128.CreateScalar(y).AsByte());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ucomiss(CpuState* s, float x, float y)
    {
        if (Plain(x) && Plain(y)) Flags.SetArith(s, Order(x, y));
        else Compare(s, (int)Code.Ucomiss_xmm_xmmm32, Vector128.CreateScalar(x).AsByte(), Vector128.CreateScalar(y).AsByte());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Comiss(CpuState* s, float x, float y)
    {
        if (Plain(x) && Plain(y)) Flags.SetArith(s, Order(x, y));
        else Compare(s, (int)Code.Comiss_xmm_xmmm32, Vector128.CreateScalar(x).AsByte(), Vector128.CreateScalar(y).AsByte());
    }

    // ---- conversions ----------------------------------------------------------------------------------

    /// <summary>cvtsi2sd from 32 bits: every int32 is a double, nothing is ever raised.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsi2sd32(CpuState* s, V a, ulong x) => Low(a, (double)(int)x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsi2sd64(CpuState* s, V a, ulong x)
    {
        return Low(a, (x + (1UL << 53)) <= 1UL << 54
            ? (double)(long)x
            : SlowD(s, Code.Cvtsi2sd_xmm_rm64, a, x));   // |x| ≤ 2^53: exact
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsi2ss32(CpuState* s, V a, ulong x)
    {
        return Low(a, ((ulong)(long)(int)x + (1UL << 24)) <= 1UL << 25
            ? (float)(int)x
            : SlowF(s, Code.Cvtsi2ss_xmm_rm32, a, x));   // |x| ≤ 2^24: exact
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsi2ss64(CpuState* s, V a, ulong x)
    {
        return Low(a, (x + (1UL << 24)) <= 1UL << 25
            ? (float)(long)x
            : SlowF(s, Code.Cvtsi2ss_xmm_rm64, a, x));
    }

    /// <summary>Truncations of in-range values: IE impossible, PE only if inexact (then it must be free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cvttsd2si32(CpuState* s, double x)
    {
        if (x > -2147483649.0 && x < 2147483648.0 && (PeIsFree(s) || x == Math.Truncate(x))) return (uint)(int)x;
        return ToGpr(s, (int)Code.Cvttsd2si_r32_xmmm64, Vector128.CreateScalar(x).AsByte());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cvttsd2si64(CpuState* s, double x)
    {
        if (x >= -9223372036854775808.0 && x < 9223372036854775808.0 && (PeIsFree(s) || x == Math.Truncate(x))) return (ulong)(long)x;
        return ToGpr(s, (int)Code.Cvttsd2si_r64_xmmm64, Vector128.CreateScalar(x).AsByte());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cvttss2si32(CpuState* s, float x)
    {
        if (x >= -2147483648.0f && x < 2147483648.0f && (PeIsFree(s) || x == MathF.Truncate(x))) return (uint)(int)x;
        return ToGpr(s, (int)Code.Cvttss2si_r32_xmmm32, Vector128.CreateScalar(x).AsByte());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cvttss2si64(CpuState* s, float x)
    {
        if (x >= -9223372036854775808.0f && x < 9223372036854775808.0f && (PeIsFree(s) || x == MathF.Truncate(x))) return (ulong)(long)x;
        return ToGpr(s, (int)Code.Cvttss2si_r64_xmmm32, Vector128.CreateScalar(x).AsByte());
    }

    /// <summary>cvtss2sd: exact for every non-NaN, non-denormal float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtss2sd(CpuState* s, V a, float y)
    {
        return Low(a, Plain(y)
            ? (double)y
            : SlowD(s, Code.Cvtss2sd_xmm_xmmm32, a, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Cvtsd2ss(CpuState* s, V a, double y)
    {
        float r = (float)y;
        return Low(a, InexactIsFree(s) && (Big(r) || y == 0)
            ? r
            : SlowF(s, Code.Cvtsd2ss_xmm_xmmm64, a, y));
    }
}
