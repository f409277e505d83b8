using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Iced.Intel;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.State;
using C = UniJit.IlBackend.Emit.RegionCompiler.Compilation;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// Integer SSE between registers, as direct calls to the SIMD semantics the interpreter's rows name
/// (<see cref="SseHandlers.Row"/>): xmm0 = f(xmm0, xmm1) and shifts by an immediate. XMM registers stay
/// in the state, so no general register is stored or reloaded. Floating-point rows (which run under the
/// guest's MXCSR) and memory operands (alignment rules) keep going through the handlers.
/// </summary>
internal static partial class InstEmit
{
    static readonly int xmmOffset = (int)Marshal.OffsetOf<CpuState>(nameof(CpuState.Xmm));
    static readonly MethodInfo shiftCount = typeof(InstEmit).GetMethod(nameof(ShiftCountVector), BindingFlags.Static | BindingFlags.NonPublic)!;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V ShiftCountVector(ulong imm) => Vector128.CreateScalar(imm).AsByte();

    static bool IsXmm(in Instruction i, int op) =>
        i.GetOpKind(op) == OpKind.Register && i.GetOpRegister(op) is >= Register.XMM0 and <= Register.XMM15;

    static void XmmAddress(C c, Register r)
    {
        c.Em.LdStateAddr(xmmOffset + (r - Register.XMM0) * 16);
    }

    static bool SseInteger(C c, in Instruction i)
    {
        var (shape, op, floating, _) = SseHandlers.Row(i.Code);
        if (op == 0 || floating || i.RflagsModified != 0 || !IsXmm(in i, 0)) return false;
        var il = c.Il;
        if (shape == SseHandlers.Shape.Binary && i.OpCount == 2 && IsXmm(in i, 1))
        {
            XmmAddress(c, i.Op0Register);
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Ldobj, typeof(V));
            XmmAddress(c, i.Op1Register);
            il.Emit(OpCodes.Ldobj, typeof(V));
        }
        else if (shape == SseHandlers.Shape.ShiftImm && i.OpCount == 2 && i.Op1Kind == OpKind.Immediate8)
        {
            XmmAddress(c, i.Op0Register);
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Ldobj, typeof(V));
            il.Emit(OpCodes.Ldc_I8, (long)i.Immediate8);
            il.Emit(OpCodes.Call, shiftCount);
        }
        else return false;
        il.Emit(OpCodes.Ldc_I8, (long)op);
        il.Emit(OpCodes.Conv_I);
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, typeof(V), [typeof(V), typeof(V)], null);
        il.Emit(OpCodes.Stobj, typeof(V));
        return true;
    }
}
