using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Iced.Intel;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using C = UniJit.IlBackend.Emit.RegionCompiler.Compilation;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// SSE in the IL tier, without the interpreter handler's operand decoding or register spills.
/// XMM registers are the region's vector locals (<see cref="C.LoadXmm"/>, <see cref="C.StoreXmm"/>,
/// which writes through to the state); a memory operand's address is computed in IL and read or
/// written inline (<see cref="IlEmitter.HostAddress"/>; alignment rules as in <see cref="SseHandlers.Load"/>).
/// <list type="bullet">
/// <item>Rows of <see cref="SseHandlers.Row"/>: the row's semantic method is called directly. A region
/// with floating-point arithmetic runs under the guest's MXCSR (<see cref="C.NativeFp"/>), so its
/// floating-point rows are the very host instructions too (<see cref="NativeRow"/>).</item>
/// <item>Common scalar floating point (addsd, mulss, ucomisd, cvttsd2si, ...): inline host instructions
/// (<see cref="SseNative"/>); comparisons in a region without arithmetic: <see cref="SseCalls"/>.</item>
/// <item>Moves: loads, stores, movsd/movss, movd/movq, movmsk.</item>
/// </list>
/// </summary>
internal static unsafe partial class InstEmit
{
    static readonly MethodInfo shiftCount = typeof(InstEmit).GetMethod(nameof(ShiftCountVector), BindingFlags.Static | BindingFlags.NonPublic)!;
    static readonly nint copyOp = CopyOp();

    static unsafe nint CopyOp() => (nint)(delegate*<V, V, V>)&SimdShuffle.Copy;

    /// <summary>The semantic methods behind the rows' function pointers, so that translated code can
    /// <c>call</c> them (which RyuJIT may inline: one host instruction for pcmpeqb) instead of a
    /// <c>calli</c> through the pointer. Built on the first SSE row a region calls, not with the rest of this
    /// class's tables: listing the four classes' ~500 methods and binding each one's code took ~0.6 ms of the
    /// first compile of every run, SSE or not.</summary>
    static class Rows
    {
        internal static readonly UniJit.IlBackend.Analysis.AddressMap<MethodInfo> Methods = RowMethods();

        static UniJit.IlBackend.Analysis.AddressMap<MethodInfo> RowMethods()
        {
            var d = new UniJit.IlBackend.Analysis.AddressMap<MethodInfo>(512);
            foreach (var t in new[] { typeof(SimdInt), typeof(SimdShuffle), typeof(SimdFloat), typeof(SimdConvert) })
                foreach (var m in t.GetMethods(BindingFlags.Public | BindingFlags.Static))
                    if (!m.IsGenericMethodDefinition) d.TryAdd((ulong)m.MethodHandle.GetFunctionPointer(), m);
            return d;
        }
    }

    /// <summary>Calls a row's semantic method: directly when it is known, else through its pointer.</summary>
    static void CallRow(C c, nint op, Type[] args, Type? result = null)
    {
        if (Rows.Methods.TryGetValue((ulong)op, out var m)) { c.Em.Call(m); return; }
        if (c.Em.Portable) throw new NotSupportedException("a semantic row without a method cannot be saved");
        c.Il.Emit(OpCodes.Ldc_I8, (long)op);
        c.Il.Emit(OpCodes.Conv_I);
        c.Il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, result ?? typeof(V), args, null);
    }

    static MethodInfo Sc(string name) => typeof(SseCalls).GetMethod(name)!;

    static MethodInfo Nat(string name) => typeof(SseNative).GetMethod(name)!;

    /// <summary>Scalar floating point run inline (<see cref="SseNative"/>, in a region under the guest
    /// MXCSR): the method's parameters say how to load each operand (a vector: the destination XMM
    /// register; double/float: an XMM low lane or memory; ulong: a general register or memory); a
    /// vector result goes to the destination XMM register, a ulong result to the destination general
    /// register. The comparisons, which do not make a region native, take <see cref="SseCalls"/>'
    /// versions in a region that is not (<see cref="comparesOutside"/>).</summary>
    static readonly UniJit.IlBackend.Analysis.MethodsBy<Code> scalar = new()
    {
        [Code.Addsd_xmm_xmmm64] = Nat(nameof(SseNative.Addsd)),
        [Code.Subsd_xmm_xmmm64] = Nat(nameof(SseNative.Subsd)),
        [Code.Mulsd_xmm_xmmm64] = Nat(nameof(SseNative.Mulsd)),
        [Code.Divsd_xmm_xmmm64] = Nat(nameof(SseNative.Divsd)),
        [Code.Sqrtsd_xmm_xmmm64] = Nat(nameof(SseNative.Sqrtsd)),
        [Code.Minsd_xmm_xmmm64] = Nat(nameof(SseNative.Minsd)),
        [Code.Maxsd_xmm_xmmm64] = Nat(nameof(SseNative.Maxsd)),
        [Code.Addss_xmm_xmmm32] = Nat(nameof(SseNative.Addss)),
        [Code.Subss_xmm_xmmm32] = Nat(nameof(SseNative.Subss)),
        [Code.Mulss_xmm_xmmm32] = Nat(nameof(SseNative.Mulss)),
        [Code.Divss_xmm_xmmm32] = Nat(nameof(SseNative.Divss)),
        [Code.Sqrtss_xmm_xmmm32] = Nat(nameof(SseNative.Sqrtss)),
        [Code.Minss_xmm_xmmm32] = Nat(nameof(SseNative.Minss)),
        [Code.Maxss_xmm_xmmm32] = Nat(nameof(SseNative.Maxss)),
        [Code.Ucomisd_xmm_xmmm64] = Nat(nameof(SseNative.Ucomisd)),
        [Code.Comisd_xmm_xmmm64] = Nat(nameof(SseNative.Comisd)),
        [Code.Ucomiss_xmm_xmmm32] = Nat(nameof(SseNative.Ucomiss)),
        [Code.Comiss_xmm_xmmm32] = Nat(nameof(SseNative.Comiss)),
        [Code.Cvtsi2sd_xmm_rm32] = Nat(nameof(SseNative.Cvtsi2sd32)),
        [Code.Cvtsi2sd_xmm_rm64] = Nat(nameof(SseNative.Cvtsi2sd64)),
        [Code.Cvtsi2ss_xmm_rm32] = Nat(nameof(SseNative.Cvtsi2ss32)),
        [Code.Cvtsi2ss_xmm_rm64] = Nat(nameof(SseNative.Cvtsi2ss64)),
        [Code.Cvttsd2si_r32_xmmm64] = Nat(nameof(SseNative.Cvttsd2si32)),
        [Code.Cvttsd2si_r64_xmmm64] = Nat(nameof(SseNative.Cvttsd2si64)),
        [Code.Cvttss2si_r32_xmmm32] = Nat(nameof(SseNative.Cvttss2si32)),
        [Code.Cvttss2si_r64_xmmm32] = Nat(nameof(SseNative.Cvttss2si64)),
        [Code.Cvtss2sd_xmm_xmmm32] = Nat(nameof(SseNative.Cvtss2sd)),
        [Code.Cvtsd2ss_xmm_xmmm64] = Nat(nameof(SseNative.Cvtsd2ss)),
    };

    static readonly UniJit.IlBackend.Analysis.MethodsBy<Code> comparesOutside = new()
    {
        [Code.Ucomisd_xmm_xmmm64] = Sc(nameof(SseCalls.Ucomisd)),
        [Code.Comisd_xmm_xmmm64] = Sc(nameof(SseCalls.Comisd)),
        [Code.Ucomiss_xmm_xmmm32] = Sc(nameof(SseCalls.Ucomiss)),
        [Code.Comiss_xmm_xmmm32] = Sc(nameof(SseCalls.Comiss)),
    };

    /// <summary>Whether <paramref name="i"/> is SSE floating-point arithmetic that a region runs as
    /// host instructions under the guest MXCSR (<see cref="SseNative"/>; the region then enters and
    /// leaves that MXCSR, see <see cref="C.NativeFp"/>).</summary>
    public static bool RunsNatively(in Instruction i)
    {
        // A compare raises flags only for NaN and denormal operands: alone it does not make a region native.
        if (scalar.ContainsKey(i.Code)) return !comparesOutside.ContainsKey(i.Code);
        var (shape, op, floating, _) = SseHandlers.Row(i.Code);
        return floating && op != 0 && shape is SseHandlers.Shape.Binary or SseHandlers.Shape.BinaryImm
            or SseHandlers.Shape.ToXmm or SseHandlers.Shape.ToGpr;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V ShiftCountVector(ulong imm) => Vector128.CreateScalar(imm).AsByte();

    static bool IsXmm(in Instruction i, int op) =>
        i.GetOpKind(op) == OpKind.Register && i.GetOpRegister(op) is >= Register.XMM0 and <= Register.XMM15;


    static bool Sse(C c, in Instruction i, bool flagsLive)
    {
        if (i.RflagsModified != 0 && !scalar.ContainsKey(i.Code) && SseHandlers.Row(i.Code).Shape != SseHandlers.Shape.Compare)
            return false;
        for (int k = 0; k < i.OpCount; k++)
            if (i.GetOpKind(k) == OpKind.Memory && i.MemorySize.GetSize() is not (16 or 8 or 4) ) return false;
        return SseScalar(c, in i, flagsLive) || SseMove(c, in i) || SseRow(c, in i);
    }

    /// <summary>Pushes an XMM operand as a vector: the register, or memory of the instruction's size
    /// (16 bytes aligned unless <paramref name="unaligned"/>; 8 or 4 bytes zero-extended).</summary>
    static void XmmSource(C c, in Instruction i, int op, bool unaligned)
    {
        if (i.GetOpKind(op) == OpKind.Register)
        {
            c.LoadXmm(i.GetOpRegister(op));
            return;
        }
        c.Em.EffectiveAddress(in i);
        c.Em.ReadVector(i.MemorySize.GetSize(), unaligned);
    }

    static bool HasMemory(in Instruction i)
    {
        for (int k = 0; k < i.OpCount; k++)
            if (i.GetOpKind(k) == OpKind.Memory) return true;
        return false;
    }

    static bool SseScalar(C c, in Instruction i, bool flagsLive)
    {
        if (!scalar.TryGetValue(i.Code, out var m)) return false;
        // Arithmetic only ever appears in a native region; a comparison may appear in either.
        bool host = c.NativeFp;
        if (!host) m = comparesOutside[i.Code];
        var il = c.Il;
        var ps = m.GetParameters();
        bool compare = comparesOutside.ContainsKey(i.Code);
        bool toGpr = m.ReturnType == typeof(ulong) && !compare, toXmm = m.ReturnType == typeof(V);
        if (!toGpr && !IsXmm(in i, 0)) return false;
        c.MayFault(in i);
        int first = ps[0].ParameterType == typeof(CpuState*) ? 1 : 0;
        if (first == 1) c.Em.LdState();
        int op = toGpr ? 1 : 0;
        for (int k = first; k < ps.Length; k++, op++)
        {
            var t = ps[k].ParameterType;
            if (t == typeof(V)) c.LoadXmm(i.GetOpRegister(op));
            else if (t == typeof(ulong)) c.Em.ReadOperand(in i, op, Operands.Size(in i, op));
            else if (i.GetOpKind(op) == OpKind.Register)
            {
                c.LoadXmm(i.GetOpRegister(op));
                c.Em.Call(Sc(t == typeof(double) ? nameof(SseCalls.F64) : nameof(SseCalls.F32)));
            }
            else
            {
                c.Em.EffectiveAddress(in i);
                c.Em.ReadFloat(t == typeof(double) ? 8 : 4);
            }
        }
        if (host) c.Em.Call(m);
        else c.CallRetrying(m);
        if (host && compare)
        {
            // A native comparison returns ZF/PF/CF as a word: kept for a fused consumer, stored only
            // when the flags are read otherwise (with OF, SF and AF cleared, as the instruction does).
            il.Emit(OpCodes.Stloc, c.FpFlags);
            if (flagsLive)
            {
                c.Em.LdState();
                il.Emit(OpCodes.Ldloc, c.FpFlags);
                c.Em.Call(typeof(Flags).GetMethod(nameof(Flags.SetArith))!);
            }
            c.Producer = FusionKind.Fp;
            return true;
        }
        if (toXmm)
        {
            if (c.SinkResult) Sink(c);
            c.StoreXmm(i.Op0Register);
        }
        // comisd and friends store ZF/PF/CF (and clear OF/SF/AF) in RFLAGS outright: a jcc, setcc or
        // cmov after them tests those bits inline.
        if (i.Mnemonic is Mnemonic.Comisd or Mnemonic.Ucomisd or Mnemonic.Comiss or Mnemonic.Ucomiss)
            c.Producer = FusionKind.Rflags;
        if (toGpr) c.Em.StoreReg(i.Op0Register);
        return true;
    }

    /// <summary>A floating-point row in a native region: the row's semantic method called directly
    /// (under the guest MXCSR already), its result kept (<see cref="SseNative.Keep(CpuState*, V)"/>).
    /// The method runs once here first, outside any guest MXCSR, so that its JIT compilation (or any
    /// first-call work) cannot happen inside the region and leak flags into the guest's.</summary>
    static bool NativeRow(C c, in Instruction i, SseHandlers.Shape shape, nint op, bool unaligned)
    {
        var il = c.Il;
        var keepU = typeof(SseNative).GetMethod(nameof(SseNative.Keep), [typeof(CpuState*), typeof(ulong)])!;
        switch (shape)
        {
            case SseHandlers.Shape.ToGpr:
                if (!IlEmitter.IsGprOperand(in i, 0)) return false;
                WarmRow(i.Code, 0, () => ((delegate*<V, ulong>)op)(default));
                c.MayFault(in i);
                c.Em.LdState();
                XmmSource(c, in i, 1, unaligned);
                CallRow(c, op, [typeof(V)], typeof(ulong));
                c.Em.Call(keepU);
                c.Em.StoreReg(i.Op0Register);
                return true;
            case SseHandlers.Shape.Binary when i.OpCount == 2 && IsXmm(in i, 0):
                WarmRow(i.Code, 0, () => ((delegate*<V, V, V>)op)(default, default));
                c.MayFault(in i);
                c.LoadXmm(i.Op0Register);
                XmmSource(c, in i, 1, unaligned);
                if (SseNative.Ordered.TryGetValue((ulong)op, out var ordered)) c.Em.Call(typeof(SseNative).GetMethod(ordered)!);
                else CallRow(c, op, [typeof(V), typeof(V)]);
                break;
            case SseHandlers.Shape.BinaryImm when i.OpCount == 3 && i.Op2Kind == OpKind.Immediate8 && IsXmm(in i, 0):
            {
                byte imm = i.Immediate8;
                WarmRow(i.Code, imm, () => ((delegate*<V, V, byte, V>)op)(default, default, imm));
                c.MayFault(in i);
                c.LoadXmm(i.Op0Register);
                XmmSource(c, in i, 1, unaligned);
                il.Emit(OpCodes.Ldc_I4, (int)imm);
                CallRow(c, op, [typeof(V), typeof(V), typeof(byte)]);
                break;
            }
            case SseHandlers.Shape.ToXmm when IsXmm(in i, 0):
                WarmRow(i.Code, 0, () => ((delegate*<V, ulong, V>)op)(default, 0));
                c.MayFault(in i);
                c.LoadXmm(i.Op0Register);
                c.Em.ReadOperand(in i, 1, Operands.Size(in i, 1));
                CallRow(c, op, [typeof(V), typeof(ulong)]);
                break;
            default:
                return false;
        }
        if (c.SinkResult) Sink(c);
        c.StoreXmm(i.Op0Register);
        return true;
    }

    /// <summary>Stores the vector result on the stack to the sink, leaving it there (<see cref="SseNative.Kept"/>).</summary>
    static void Sink(C c)
    {
        c.Em.LdState();
        c.Em.Call(typeof(SseNative).GetMethod(nameof(SseNative.Kept))!);
    }

    [ThreadStatic] static InstructionInfoFactory? infoFactory;

    /// <summary>For each instruction of a block in a native region: whether the XMM register it writes is
    /// read later in the block, before anything overwrites it, by an instruction that is kept itself —
    /// native floating-point arithmetic or conversion (whose own result is read the same way, or goes to
    /// the sink) or one that writes memory; not a comparison, whose flags may be dead. RyuJIT cannot drop an operation whose result such an instruction reads, so only
    /// the others need <see cref="SseNative.Kept"/>. A value still in its register at the block's end is
    /// not counted as read: every path after it may overwrite it.</summary>
    internal static bool[] ResultsKept(Instruction[] insns)
    {
        var kept = new bool[insns.Length];
        var readByKept = new bool[16];
        infoFactory ??= new InstructionInfoFactory();
        for (int k = insns.Length - 1; k >= 0; k--)
        {
            ref readonly var ins = ref insns[k];
            var info = infoFactory.GetInfo(in ins);
            if (ins.OpCount > 0 && IsXmm(in ins, 0)) kept[k] = readByKept[ins.Op0Register - Register.XMM0];
            // Not a comparison: with its flags dead, RyuJIT drops it (and what only it read).
            bool keeps = RunsNatively(in ins);
            foreach (var m in info.GetUsedMemory()) keeps |= m.Access is OpAccess.Write or OpAccess.ReadWrite;
            // Going backwards: the instruction's writes happen after its reads.
            foreach (var u in info.GetUsedRegisters())
                if (u.Access == OpAccess.Write && XmmIndex(u.Register) is >= 0 and var n) readByKept[n] = false;
            foreach (var u in info.GetUsedRegisters())
                if (u.Access is OpAccess.Read or OpAccess.ReadWrite or OpAccess.CondRead or OpAccess.ReadCondWrite
                    && XmmIndex(u.Register) is >= 0 and var n) readByKept[n] = keeps;
        }
        return kept;
    }

    static int XmmIndex(Register r) => r switch
    {
        >= Register.XMM0 and <= Register.XMM15 => r - Register.XMM0,
        >= Register.YMM0 and <= Register.YMM15 => r - Register.YMM0,
        _ => -1,
    };

    /// <summary>Runs a floating-point row once (on the compiling thread, outside any guest MXCSR)
    /// unless it ran before, as the interpreter's handlers do before their first scoped run.</summary>
    static void WarmRow(Code code, byte imm, Action run)
    {
        if (SseHandlers.Cold(code, imm)) run();
    }

    static bool SseRow(C c, in Instruction i)
    {
        var (shape, op, floating, unaligned) = SseHandlers.Row(i.Code);
        if (op == 0) return false;
        var il = c.Il;
        // Floating-point arithmetic makes its region native (RunsNatively), so it is always there.
        if (floating && shape != SseHandlers.Shape.Compare) return c.NativeFp && NativeRow(c, in i, shape, op, unaligned);
        if (shape == SseHandlers.Shape.ToGpr)
        {
            if (!IlEmitter.IsGprOperand(in i, 0)) return false;
            if (HasMemory(in i)) c.MayFault(in i);
            XmmSource(c, in i, 1, unaligned);
            CallRow(c, op, [typeof(V)], typeof(ulong));
            c.Em.StoreReg(i.Op0Register);
            return true;
        }
        if (!IsXmm(in i, 0)) return false;
        if (floating || HasMemory(in i)) c.MayFault(in i);
        switch (shape)
        {
            case SseHandlers.Shape.Binary when i.OpCount == 2:
                if (op == copyOp)
                {
                    XmmSource(c, in i, 1, unaligned);
                    c.StoreXmm(i.Op0Register);
                    return true;
                }
                c.LoadXmm(i.Op0Register);
                XmmSource(c, in i, 1, unaligned);
                break;
            case SseHandlers.Shape.BinaryImm when i.OpCount == 3 && i.Op2Kind == OpKind.Immediate8:
                c.LoadXmm(i.Op0Register);
                XmmSource(c, in i, 1, unaligned);
                il.Emit(OpCodes.Ldc_I4, (int)i.Immediate8);
                CallRow(c, op, [typeof(V), typeof(V), typeof(byte)]);
                c.StoreXmm(i.Op0Register);
                return true;
            case SseHandlers.Shape.ShiftImm when i.OpCount == 2 && i.Op1Kind == OpKind.Immediate8:
                c.LoadXmm(i.Op0Register);
                il.Emit(OpCodes.Ldc_I8, (long)i.Immediate8);
                c.Em.Call(shiftCount);
                break;
            case SseHandlers.Shape.Compare when floating:
                c.Em.LdState();
                il.Emit(OpCodes.Ldc_I4, (int)i.Code);
                XmmSource(c, in i, 0, unaligned);
                XmmSource(c, in i, 1, unaligned);
                c.CallRetrying(Sc(nameof(SseCalls.Compare)));
                return true;
            default:
                return false;
        }
        CallRow(c, op, [typeof(V), typeof(V)]);
        c.StoreXmm(i.Op0Register);
        return true;
    }

    static bool SseMove(C c, in Instruction i)
    {
        var il = c.Il; var em = c.Em;
        switch (i.Code)
        {
            case Code.Movaps_xmmm128_xmm or Code.Movapd_xmmm128_xmm or Code.Movdqa_xmmm128_xmm
                or Code.Movntps_m128_xmm or Code.Movntpd_m128_xmm or Code.Movntdq_m128_xmm:
                return Store128(c, in i, aligned: true);
            case Code.Movups_xmmm128_xmm or Code.Movupd_xmmm128_xmm or Code.Movdqu_xmmm128_xmm:
                return Store128(c, in i, aligned: false);
            case Code.Movsd_xmm_xmmm64 or Code.Movsd_xmmm64_xmm:
                return MoveScalar(c, in i, 8);
            case Code.Movss_xmm_xmmm32 or Code.Movss_xmmm32_xmm:
                return MoveScalar(c, in i, 4);
            case Code.Movq_xmmm64_xmm or Code.Movlps_m64_xmm or Code.Movlpd_m64_xmm or Code.Movhps_m64_xmm or Code.Movhpd_m64_xmm:
            {
                int from = i.Code is Code.Movhps_m64_xmm or Code.Movhpd_m64_xmm ? 8 : 0;
                if (i.Op0Kind == OpKind.Register)
                {
                    if (i.Code != Code.Movq_xmmm64_xmm) return false;
                    // movq xmm, xmm: the low quadword, upper cleared.
                    c.LoadXmm(i.Op1Register);
                    c.Em.Call(Sc(nameof(SseCalls.U64)));
                    c.Em.Call(Sc(nameof(SseCalls.FromU64)));
                    c.StoreXmm(i.Op0Register);
                    return true;
                }
                c.MayFault(in i);
                em.EffectiveAddress(in i);
                c.LoadXmm(i.Op1Register);
                c.Em.Call(Sc(from == 8 ? nameof(SseCalls.U64High) : nameof(SseCalls.U64)));
                em.WriteMem(8);
                return true;
            }
            case Code.Movd_xmm_rm32 or Code.Movq_xmm_rm64:
            {
                if (!IlEmitter.IsGprOperand(in i, 1)) return false;
                if (i.Op1Kind == OpKind.Memory) c.MayFault(in i);
                em.ReadOperand(in i, 1, i.Code == Code.Movd_xmm_rm32 ? 4 : 8);
                if (c.NativeFp && i.Op1Kind == OpKind.Register)
                {
                    em.LdState();
                    c.Em.Call(typeof(SseNative).GetMethod(nameof(SseNative.Opaque))!);
                }
                c.Em.Call(Sc(nameof(SseCalls.FromU64)));
                c.StoreXmm(i.Op0Register);
                return true;
            }
            case Code.Movd_rm32_xmm or Code.Movq_rm64_xmm:
            {
                if (!IlEmitter.IsGprOperand(in i, 0)) return false;
                if (i.Op0Kind == OpKind.Memory) c.MayFault(in i);
                var t = em.Temp();
                c.LoadXmm(i.Op1Register);
                c.Em.Call(Sc(nameof(SseCalls.U64)));
                il.Emit(OpCodes.Stloc, t);
                em.WriteOperand(in i, 0, i.Code == Code.Movd_rm32_xmm ? 4 : 8, t);
                em.Free(t);
                return true;
            }
            case Code.Pmovmskb_r32_xmm or Code.Pmovmskb_r64_xmm or Code.Movmskpd_r32_xmm or Code.Movmskpd_r64_xmm
                or Code.Movmskps_r32_xmm or Code.Movmskps_r64_xmm:
            {
                c.LoadXmm(i.Op1Register);
                string name = i.Mnemonic switch
                {
                    Mnemonic.Pmovmskb => nameof(SimdInt.Pmovmskb),
                    Mnemonic.Movmskpd => nameof(SimdShuffle.Movmskpd),
                    _ => nameof(SimdShuffle.Movmskps),
                };
                var type = i.Mnemonic == Mnemonic.Pmovmskb ? typeof(SimdInt) : typeof(SimdShuffle);
                c.Em.Call(type.GetMethod(name)!);
                il.Emit(OpCodes.Conv_U8);
                em.StoreReg(i.Op0Register);
                return true;
            }
        }
        return false;
    }

    /// <summary>movaps/movdqa/movups/... xmm/m128, xmm.</summary>
    static bool Store128(C c, in Instruction i, bool aligned)
    {
        var il = c.Il;
        if (i.Op0Kind == OpKind.Register)
        {
            c.LoadXmm(i.Op1Register);
            c.StoreXmm(i.Op0Register);
            return true;
        }
        c.MayFault(in i);
        c.Em.EffectiveAddress(in i);
        c.LoadXmm(i.Op1Register);
        c.Em.WriteVector128(aligned);
        return true;
    }

    /// <summary>movsd/movss: between registers only the low lane moves; a load zero-extends; a store
    /// writes the low lane.</summary>
    static bool MoveScalar(C c, in Instruction i, int size)
    {
        var il = c.Il;
        if (i.Op0Kind == OpKind.Register && i.Op1Kind == OpKind.Register)
        {
            c.LoadXmm(i.Op0Register);
            c.LoadXmm(i.Op1Register);
            c.Em.Call(typeof(SimdShuffle).GetMethod(size == 8 ? nameof(SimdShuffle.MovsdReg) : nameof(SimdShuffle.MovssReg))!);
            c.StoreXmm(i.Op0Register);
            return true;
        }
        c.MayFault(in i);
        if (i.Op0Kind == OpKind.Register)
        {
            c.Em.EffectiveAddress(in i);
            c.Em.ReadVector(size, unaligned: true);
            c.StoreXmm(i.Op0Register);
            return true;
        }
        c.Em.EffectiveAddress(in i);
        c.LoadXmm(i.Op1Register);
        c.Em.Call(Sc(nameof(SseCalls.U64)));
        c.Em.WriteMem(size);
        return true;
    }
}
