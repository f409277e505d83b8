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
    static readonly int codeCount = Enum.GetValues<Code>().Length;
    /// <summary>The semantic method of each code's row (a function pointer whose type the shape knows).</summary>
    static readonly nint[] ops = new nint[codeCount];
    static readonly bool[] unaligned = new bool[codeCount];

    public static void Register()
    {
        RegisterMoves();
        RegisterInteger();
        RegisterFloat();
        RegisterConvert();
        RegisterSse4();
        RegisterState();
    }

    /// <summary>The semantic method registered for <paramref name="c"/> (0 if none), for the IL tier.</summary>
    public static nint Op(Code c) => ops[(int)c];

    // ---- row registration -------------------------------------------------------------------

    static void Bin(Code c, delegate*<V, V, V> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &Binary); }
    static void BinFp(Code c, delegate*<V, V, V> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &BinaryFp); }
    static void Imm(Code c, delegate*<V, V, byte, V> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &BinaryImm); }
    static void ImmFp(Code c, delegate*<V, V, byte, V> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &BinaryImmFp); }
    static void Shift(Code c, delegate*<V, V, V> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &ShiftImm); }

    // ---- operand access ------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static V* X(CpuState* s, Reg r) => (V*)(s->Xmm + (r - Reg.XMM0) * 16);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Misaligned() => throw new GuestSignalException(Signals.SIGSEGV, 128 /* SI_KERNEL */, 0);

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
        if (i.GetOpKind(op) == OpKind.Register) return *X(s, i.GetOpRegister(op));
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

    static void BinaryImmFp(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V* d = X(s, i.Op0Register);
        var f = (delegate*<V, V, byte, V>)ops[(int)i.Code];
        V a = *d;
        byte imm = i.Immediate8;
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
