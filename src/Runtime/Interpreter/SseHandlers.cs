using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Iced.Intel;
using Reg = Iced.Intel.Register;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// SSE .. SSE4.2 handlers. Semantics live in Semantics/Simd*.cs and Sse*.cs as static methods over
/// <see cref="Vector128{T}"/>; this class only reads operands, calls them and writes results.
///
/// Most instructions have one of a few shapes ("xmm = f(xmm, xmm/m)", "... with imm8", ...), so a
/// row names the shape's handler and the semantic method, kept per <see cref="Code"/> in
/// <see cref="ops"/>; the IL tier reads the same rows. Floating-point rows run inside an
/// <see cref="SseMxcsr"/> scope so rounding, DAZ/FTZ and exception flags follow the guest MXCSR.
/// Legacy SSE memory operands of 128 bits must be 16-byte aligned (else #GP → SIGSEGV) unless the
/// instruction is an unaligned one (movups, movdqu, lddqu, pcmp*str*).
/// </summary>
public static unsafe partial class SseHandlers
{
    const int codeCount = HandlerTable.CodeCount;
    /// <summary>The semantic method of each code's row (a function pointer whose type the shape knows).</summary>
    static readonly nint[] ops = new nint[codeCount];
    static readonly bool[] unaligned = new bool[codeCount];
    /// <summary>(code, imm8) pairs whose semantic method has run once outside an MXCSR scope.</summary>
    static readonly ulong[] warm = new ulong[codeCount * 4];

    /// <summary>True the first time (code, imm8) runs: the caller then runs the (pure) semantic
    /// method once outside the MXCSR scope so that its JIT compilation happens there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Cold(in Instruction i, byte imm) => Cold(i.Code, imm);

    /// <summary>True the first time (code, imm8) runs; for the IL tier's calls to Floating rows
    /// (see <see cref="Row(Code)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Cold(Code code, byte imm)
    {
        int k = (int)code * 256 + imm;
        ref ulong w = ref warm[k >> 6];
        ulong bit = 1UL << (k & 63);
        if ((w & bit) != 0) return false;
        w |= bit;
        return true;
    }

    public static void Register()
    {
        RegisterMoves();
        RegisterInteger();
        RegisterFloat();
        RegisterConvert();
        RegisterSse4();
        RegisterState();
    }

    /// <summary>CPUID.1:ECX bits for the groups whose every legacy XMM encoding (as Iced classifies
    /// them) has a handler: SSE3(0), SSSE3(9), SSE4.1(19), SSE4.2(20), and POPCNT(23) once popcnt has
    /// a handler. MONITOR/MWAIT are CPUID.1:ECX bit 3, not part of SSE3's user-mode set.</summary>
    public static uint Features()
    {
        uint f = 0;
        if (Complete(CpuidFeature.SSE3)) f |= 1u << 0;
        if (Complete(CpuidFeature.SSSE3)) f |= 1u << 9;
        if (Complete(CpuidFeature.SSE4_1)) f |= 1u << 19;
        if (Complete(CpuidFeature.SSE4_2)) f |= 1u << 20;
        if (HandlerTable.IsImplemented(Code.Popcnt_r64_rm64) && HandlerTable.IsImplemented(Code.Popcnt_r32_rm32)
            && HandlerTable.IsImplemented(Code.Popcnt_r16_rm16)) f |= 1u << 23;
        return f;
    }

    static bool Complete(CpuidFeature g)
    {
        for (int c = 1; c < codeCount; c++)
        {
            var code = (Code)c;
            if (code.Encoding() != EncodingKind.Legacy || code.Mnemonic() is Mnemonic.Monitor or Mnemonic.Mwait) continue;
            var feats = code.CpuidFeatures();
            // A loop, not Array.IndexOf: that generic instance would be JIT-compiled at every start.
            bool member = false;
            foreach (var f in feats) member |= f == g;
            if (!member) continue;
            // The MMX-register forms (SSSE3's pshufb mm, ...) count too: MMX is advertised (MmxHandlers).
            if (!HandlerTable.IsImplemented(code)) return false;
        }
        return true;
    }

    /// <summary>True for encodings with an MMX register operand (MMX itself and the SSE/SSE2/SSSE3
    /// forms on MMX registers, all in <see cref="MmxHandlers"/>).</summary>
    public static bool UsesMmx(Code code)
    {
        var op = code.ToOpCode();
        for (int k = 0; k < op.OpCount; k++)
            if (op.GetOpKind(k) is OpCodeOperandKind.mm_reg or OpCodeOperandKind.mm_rm or OpCodeOperandKind.mm_or_mem) return true;
        return false;
    }

    /// <summary>The semantic method registered for <paramref name="c"/> (0 if none), for the IL tier.</summary>
    public static nint Op(Code c) => ops[(int)c];

    /// <summary>How a row's semantic method is called (what <see cref="Op"/> points to).</summary>
    public enum Shape : byte
    {
        /// <summary>Irregular: only the interpreter handler.</summary>
        None,
        /// <summary>xmm0 = f(xmm0, xmm/m): <c>delegate*&lt;V, V, V&gt;</c>.</summary>
        Binary,
        /// <summary>xmm0 = f(xmm0, xmm/m, imm8): <c>delegate*&lt;V, V, byte, V&gt;</c>.</summary>
        BinaryImm,
        /// <summary>xmm0 = f(xmm0, count vector from imm8): <c>delegate*&lt;V, V, V&gt;</c>.</summary>
        ShiftImm,
        /// <summary>xmm0 = f(xmm0, r/m32|64): <c>delegate*&lt;V, ulong, V&gt;</c>.</summary>
        ToXmm,
        /// <summary>r32|64 = f(xmm/m): <c>delegate*&lt;V, ulong&gt;</c>.</summary>
        ToGpr,
        /// <summary>xmm0 = f(xmm0, xmm/m, XMM0): <c>delegate*&lt;V, V, V, V&gt;</c>.</summary>
        BlendVariable,
        /// <summary>EFLAGS (ZF, PF, CF) = f(xmm0, xmm/m): <c>delegate*&lt;V, V, ulong&gt;</c>.</summary>
        Compare,
    }

    static readonly Shape[] shapes = new Shape[codeCount];
    static readonly bool[] floating = new bool[codeCount];

    /// <summary>The row of <paramref name="c"/>: its shape, semantic method, whether it must run in an
    /// <see cref="SseMxcsr"/> scope, and whether a 16-byte memory operand may be misaligned.
    /// A caller that runs a Floating row's method in its own scope must first run it once outside
    /// any scope (as <see cref="Cold"/> does), so that its JIT compilation cannot leak flags.</summary>
    public static (Shape Shape, nint Op, bool Floating, bool Unaligned) Row(Code c) =>
        (shapes[(int)c], ops[(int)c], floating[(int)c], unaligned[(int)c]);

    static void Row(Code c, Shape shape, nint f, bool fp, delegate*<Cpu, in Instruction, void> handler)
    {
        shapes[(int)c] = shape;
        ops[(int)c] = f;
        floating[(int)c] = fp;
        HandlerTable.Add(c, handler);
    }

    // ---- row registration -------------------------------------------------------------------

    static void Bin(Code c, delegate*<V, V, V> f) => Row(c, Shape.Binary, (nint)f, false, &Binary);
    static void BinFp(Code c, delegate*<V, V, V> f) => Row(c, Shape.Binary, (nint)f, true, &BinaryFp);
    static void Imm(Code c, delegate*<V, V, byte, V> f) => Row(c, Shape.BinaryImm, (nint)f, false, &BinaryImm);

    /// <summary>A row whose method is one host instruction only for a constant immediate (the IL tier's
    /// case), with <paramref name="any"/> for the interpreter's run-time immediate: the intrinsic with a
    /// variable immediate is RyuJIT's 256-way table, JIT-compiled in every run instead of precompiled.</summary>
    static void Imm(Code c, delegate*<V, V, byte, V> f, delegate*<V, V, byte, V> any)
    {
        Row(c, Shape.BinaryImm, (nint)f, false, &BinaryAnyImm);
        anyImm[(int)c] = (nint)any;
    }

    static readonly nint[] anyImm = new nint[codeCount];
    static void ImmFp(Code c, delegate*<V, V, byte, V> f) => Row(c, Shape.BinaryImm, (nint)f, true, &BinaryImmFp);
    static void Shift(Code c, delegate*<V, V, V> f) => Row(c, Shape.ShiftImm, (nint)f, false, &ShiftImm);

    // ---- operand access ------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static V* X(CpuState* s, Reg r) => (V*)(s->Xmm + (r - Reg.XMM0) * 16);

    /// <summary>#GP for a misaligned legacy-SSE 16-byte access: SIGSEGV with SI_KERNEL.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Misaligned() => throw new GuestSignalException(Signals.SIGSEGV, 128 /* SI_KERNEL */, 0);

    /// <summary>Checks a legacy-SSE 16-byte access: misaligned → #GP unless the code allows it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CheckAlign(in Instruction i, ulong a)
    {
        if ((a & 15) != 0 && !unaligned[(int)i.Code]) Misaligned();
    }

    /// <summary>Reads operand <paramref name="op"/>: an XMM register, or memory of the instruction's
    /// memory size (zero-extended to 128 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static V Src(CpuState* s, in Instruction i, int op)
    {
        if (Operands.Kind(in i, op) == OpKind.Register) return *X(s, Operands.Reg(in i, op));
        return Load(s, in i);
    }

    internal static V Load(CpuState* s, in Instruction i)
    {
        ulong a = Operands.Ea(s, in i);
        switch (i.MemorySize.GetSize())
        {
            case 16:
                CheckAlign(in i, a);
                return Vector128.Load(GuestMemory.R(a, 16));
            case 8: return Vector128.CreateScalar(*(ulong*)GuestMemory.R(a, 8)).AsByte();
            case 4: return Vector128.CreateScalar(*(uint*)GuestMemory.R(a, 4)).AsByte();
            case 2: return Vector128.CreateScalar(*(ushort*)GuestMemory.R(a, 2)).AsByte();
            default: return Vector128.CreateScalar(*GuestMemory.R(a, 1));
        }
    }

    /// <summary>Stores the low <c>size</c> bytes of <paramref name="v"/> to the memory operand.</summary>
    internal static void Store(CpuState* s, in Instruction i, V v, int size, bool aligned)
    {
        ulong a = Operands.Ea(s, in i);
        if (size == 16)
        {
            if (aligned && (a & 15) != 0) Misaligned();
            Vector128.Store(v, GuestMemory.W(a, 16));
        }
        else if (size == 8) *(ulong*)GuestMemory.W(a, 8) = v.AsUInt64().ToScalar();
        else if (size == 4) *(uint*)GuestMemory.W(a, 4) = v.AsUInt32().ToScalar();
        else if (size == 2) *(ushort*)GuestMemory.W(a, 2) = v.AsUInt16().ToScalar();
        else *GuestMemory.W(a, 1) = v.ToScalar();
    }

    // ---- shapes ----------------------------------------------------------------------------------

    /// <summary>xmm = f(xmm, xmm/m).</summary>
    static void Binary(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V* d = X(s, i.Op0Register);
        *d = ((delegate*<V, V, V>)ops[(int)i.Code])(*d, b);
    }

    /// <summary>xmm = f(xmm, xmm/m) under the guest MXCSR.</summary>
    static void BinaryFp(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V* d = X(s, i.Op0Register);
        var f = (delegate*<V, V, V>)ops[(int)i.Code];
        V a = *d;
        if (Cold(in i, 0)) f(a, b);
        uint host = SseMxcsr.Enter(s);
        V r = f(a, b);
        SseMxcsr.Leave(s, host);
        *d = r;
    }

    /// <summary>xmm = f(xmm, xmm/m, imm8).</summary>
    static void BinaryImm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V* d = X(s, i.Op0Register);
        *d = ((delegate*<V, V, byte, V>)ops[(int)i.Code])(*d, b, i.Immediate8);
    }

    static void BinaryAnyImm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V* d = X(s, i.Op0Register);
        *d = ((delegate*<V, V, byte, V>)anyImm[(int)i.Code])(*d, b, i.Immediate8);
    }

    static void BinaryImmFp(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V* d = X(s, i.Op0Register);
        var f = (delegate*<V, V, byte, V>)ops[(int)i.Code];
        V a = *d;
        byte imm = i.Immediate8;
        if (Cold(in i, imm)) f(a, b, imm);
        uint host = SseMxcsr.Enter(s);
        V r = f(a, b, imm);
        SseMxcsr.Leave(s, host);
        *d = r;
    }

    /// <summary>psllw/psrld/... xmm, imm8: the shift-by-register method with the count in a vector.</summary>
    static void ShiftImm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V* d = X(s, i.Op0Register);
        *d = ((delegate*<V, V, V>)ops[(int)i.Code])(*d, Vector128.CreateScalar((ulong)i.Immediate8).AsByte());
    }

    /// <summary>pblendvb/blendvps/blendvpd: xmm = f(xmm, xmm/m, XMM0).</summary>
    static void BlendVariable(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V* d = X(s, i.Op0Register);
        V mask = *X(s, Reg.XMM0);
        *d = ((delegate*<V, V, V, V>)ops[(int)i.Code])(*d, b, mask);
    }

    static void Nop(Cpu cpu, in Instruction i) { }

    static void Fence(Cpu cpu, in Instruction i) => Interlocked.MemoryBarrier();
}
