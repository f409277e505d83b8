using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Iced.Intel;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// SSE helpers for translated code outside <see cref="SseNative"/>: lane access for moves, and the
/// comparisons (comisd, ucomiss, ... and the Compare rows) of a region that runs no floating-point
/// arithmetic and so stays under .NET's MXCSR (see <see cref="RegionCompiler.Compilation.NativeFp"/>).
///
/// A comparison raises nothing but IE (a NaN operand) and DE (a denormal one), whatever MXCSR's
/// control bits, and its result depends on MXCSR only through DAZ (a denormal compared as zero):
/// with neither NaN nor denormal operands it is computed inline (<see cref="Plain(double)"/>), and
/// otherwise the row's semantic method runs under the guest MXCSR (<see cref="Compare"/>), exactly as
/// the interpreter's handler does (<see cref="SseHandlers.Row"/>).
/// </summary>
public static unsafe class SseCalls
{
    /// <summary>The exact path of a comparison: the row's semantic method under the guest MXCSR. An
    /// unmasked exception sets <see cref="CpuState.Retry"/> instead of raising it (the region leaves
    /// before the instruction and the interpreter raises it).</summary>
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

    const ulong Abs64 = 0x7FFF_FFFF_FFFF_FFFF, MinNormal64 = 0x0010_0000_0000_0000, Inf64 = 0x7FF0_0000_0000_0000;
    const uint Abs32 = 0x7FFF_FFFF, MinNormal32 = 0x0080_0000, Inf32 = 0x7F80_0000;

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
}
