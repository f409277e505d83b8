using System.Reflection;
using System.Reflection.Emit;
using Iced.Intel;
using FlowControl = Iced.Intel.FlowControl;
using UniJit.Runtime.Semantics;
using C = UniJit.IlBackend.Emit.RegionCompiler.Compilation;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// Inline IL for the hot, simple instructions (moves, ALU, lea, stack, branches, setcc/cmov).
/// Anything else returns false and runs through its interpreter handler. The ALU emitters call the
/// very <see cref="Alu"/> methods the interpreter uses when the flags are live (the JIT inlines them),
/// and plain IL arithmetic when no one reads the flags.
/// </summary>
internal static partial class InstEmit
{
    public static bool TryEmit(C c, in Instruction i, bool flagsLive, out bool ended)
    {
        ended = false;
        if (i.HasLockPrefix || i.HasRepPrefix || i.HasRepnePrefix) return false;
        switch (i.Mnemonic)
        {
            case Mnemonic.Nop or Mnemonic.Endbr64 or Mnemonic.Pause or Mnemonic.Prefetchnta or Mnemonic.Prefetcht0
                or Mnemonic.Prefetcht1 or Mnemonic.Prefetcht2 or Mnemonic.Prefetchw:
                return true;
            case Mnemonic.Mov: return Mov(c, in i);
            case Mnemonic.Movzx: return Movx(c, in i, false);
            case Mnemonic.Movsx or Mnemonic.Movsxd: return Movx(c, in i, true);
            case Mnemonic.Lea: return Lea(c, in i);
            case Mnemonic.Add or Mnemonic.Sub or Mnemonic.And or Mnemonic.Or or Mnemonic.Xor or Mnemonic.Cmp or Mnemonic.Test:
                return InlineAlu.Emit(c, in i, flagsLive);
            case Mnemonic.Push: return Push(c, in i);
            case Mnemonic.Pop: return Pop(c, in i);
            case Mnemonic.Jmp: return Jmp(c, in i, out ended);
            case Mnemonic.Call: return Call(c, in i, out ended);
            case Mnemonic.Ret: return Ret(c, in i, out ended);
            case Mnemonic.Inc or Mnemonic.Dec or Mnemonic.Neg or Mnemonic.Not: return Unary(c, in i, flagsLive);
            case Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr or Mnemonic.Sar or Mnemonic.Rol or Mnemonic.Ror
                or Mnemonic.Rcl or Mnemonic.Rcr: return Shift(c, in i, flagsLive);
            case Mnemonic.Imul: return Imul(c, in i, flagsLive);
            case Mnemonic.Div or Mnemonic.Idiv: return Divide(c, in i);
            case Mnemonic.Mul: return WideMul(c, in i, flagsLive);
            case Mnemonic.Bt or Mnemonic.Bts or Mnemonic.Btr or Mnemonic.Btc: return BitTestRegister(c, in i, flagsLive);
            case Mnemonic.Adc or Mnemonic.Sbb: return AdcSbb(c, in i, flagsLive);
            case Mnemonic.Cdqe or Mnemonic.Cwde or Mnemonic.Cqo or Mnemonic.Cdq: return SignExtendAcc(c, in i);
            case Mnemonic.Xchg: return XchgRegs(c, in i);
            case Mnemonic.Leave: return Leave(c, in i);
            case Mnemonic.Bsf or Mnemonic.Bsr or Mnemonic.Tzcnt or Mnemonic.Lzcnt or Mnemonic.Popcnt or Mnemonic.Bswap:
                return BitCount(c, in i, flagsLive);
            case Mnemonic.Fnstcw: return StoreControlWord(c, in i);
            case Mnemonic.Fldcw: return LoadControlWord(c, in i);
        }
        if (Fusion.IsConsumer(in i)) return Conditional(c, in i, out ended);
        return Sse(c, in i, flagsLive);
    }

    static bool AllGpr(in Instruction i)
    {
        for (int k = 0; k < i.OpCount; k++)
            if (!IlEmitter.IsGprOperand(in i, k)) return false;
        return true;
    }

    /// <summary>fnstcw m16: the x87 control word to memory (it does not wait, so nothing pending faults).
    /// CPython's float formatting brackets its work with fnstcw/fldcw pairs.</summary>
    static bool StoreControlWord(C c, in Instruction i)
    {
        if (i.Op0Kind != OpKind.Memory) return false;
        var em = c.Em; var il = c.Il;
        c.MayFault(in i);
        var t = em.Temp();
        em.LdStateAddr(StateLayout.FpuControl);
        il.Emit(OpCodes.Ldind_U2);
        il.Emit(OpCodes.Conv_U8);
        il.Emit(OpCodes.Stloc, t);
        em.WriteOperand(in i, 0, 2, t);
        em.Free(t);
        return true;
    }

    /// <summary>fldcw m16 (<see cref="X87.LoadControlWord"/>); with an unmasked exception pending it leaves
    /// before the instruction, and the interpreter raises SIGFPE there.</summary>
    static bool LoadControlWord(C c, in Instruction i)
    {
        if (i.Op0Kind != OpKind.Memory) return false;
        var em = c.Em; var il = c.Il;
        c.MayFault(in i);
        em.LdStateAddr(StateLayout.FpuStatus);
        il.Emit(OpCodes.Ldind_U2);
        il.Emit(OpCodes.Ldc_I4, (int)X87.ES);
        il.Emit(OpCodes.And);
        em.SlowPathIfTrue();
        var t = em.Temp();
        em.ReadOperand(in i, 0, 2);
        il.Emit(OpCodes.Stloc, t);
        em.LdStateAddr(StateLayout.Fpu);
        il.Emit(OpCodes.Ldloc, t);
        il.Emit(OpCodes.Conv_U2);
        em.Call(typeof(X87).GetMethod(nameof(X87.LoadControlWord))!);
        em.Free(t);
        return true;
    }

    static bool Mov(C c, in Instruction i)
    {
        if (!AllGpr(in i)) return false;
        var em = c.Em;
        int z = UniJit.Runtime.Interpreter.Operands.Size(in i, 0);
        if (i.Op0Kind == OpKind.Memory || i.Op1Kind == OpKind.Memory) c.MayFault(in i);
        if (i.Op0Kind == OpKind.Register)
        {
            em.ReadOperand(in i, 1, z);
            em.StoreReg(i.Op0Register);
            return true;
        }
        var t = em.Temp();
        em.ReadOperand(in i, 1, z);
        c.Il.Emit(OpCodes.Stloc, t);
        em.WriteOperand(in i, 0, z, t);
        em.Free(t);
        return true;
    }

    static bool Movx(C c, in Instruction i, bool signed)
    {
        var em = c.Em;
        int zs = UniJit.Runtime.Interpreter.Operands.Size(in i, 1);
        if (i.Op1Kind == OpKind.Memory) c.MayFault(in i);
        em.ReadOperand(in i, 1, zs);
        if (signed) em.SignExtend(zs);
        em.StoreReg(i.Op0Register);
        return true;
    }

    static bool Lea(C c, in Instruction i)
    {
        c.Em.EffectiveAddress(in i, noSegment: true);
        c.Em.StoreReg(i.Op0Register);
        return true;
    }

    static bool Push(C c, in Instruction i)
    {
        var em = c.Em;
        var il = c.Il;
        if (i.StackPointerIncrement != -8) return false;
        if (i.Op0Kind == OpKind.Register && !UniJit.Runtime.Interpreter.Operands.IsGpr(i.Op0Register)) return false;
        if (i.Op0Kind == OpKind.Memory) return false;
        c.MayFault(in i);
        var v = em.Temp();
        if (i.Op0Kind == OpKind.Register) em.LoadReg(i.Op0Register);
        else em.LdConst(i.GetImmediate(0));
        il.Emit(OpCodes.Stloc, v);
        PushLocal(c, v);
        em.Free(v);
        return true;
    }

    /// <summary>rsp -= 8; [rsp] = v, with RSP changed only once the write succeeded.</summary>
    static void PushLocal(C c, LocalBuilder v)
    {
        var em = c.Em; var il = c.Il;
        var sp = em.Temp();
        em.LdGpr(4);
        il.Emit(OpCodes.Ldc_I8, 8L);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Stloc, sp);
        il.Emit(OpCodes.Ldloc, sp);
        il.Emit(OpCodes.Ldloc, v);
        em.WriteMem(8);
        il.Emit(OpCodes.Ldloc, sp);
        em.StGpr(4);
        em.Free(sp);
    }

    /// <summary>Pushes [rsp] and adds 8 (+<paramref name="extra"/>) to RSP.</summary>
    static void PopValue(C c, ulong extra = 0)
    {
        var em = c.Em; var il = c.Il;
        em.LdGpr(4);
        em.ReadMem(8);
        em.LdGpr(4);
        il.Emit(OpCodes.Ldc_I8, (long)(8 + extra));
        il.Emit(OpCodes.Add);
        em.StGpr(4);
    }

    static bool Pop(C c, in Instruction i)
    {
        if (i.Op0Kind != OpKind.Register || UniJit.Runtime.Interpreter.Operands.RegSize(i.Op0Register) != 8) return false;
        c.MayFault(in i);
        PopValue(c);
        c.Em.StoreReg(i.Op0Register);
        return true;
    }

    static bool Jmp(C c, in Instruction i, out bool ended)
    {
        ended = true;
        if (i.Op0Kind == OpKind.NearBranch64) { c.Goto(i.NearBranchTarget); return true; }
        if (i.Op0Kind == OpKind.Register && UniJit.Runtime.Interpreter.Operands.RegSize(i.Op0Register) == 8)
        {
            c.Em.LoadReg(i.Op0Register);
            c.ExitDynamic();
            return true;
        }
        if (i.Op0Kind == OpKind.Memory && i.MemorySize == MemorySize.QwordOffset || i.Op0Kind == OpKind.Memory && i.MemorySize == MemorySize.UInt64)
        {
            c.MayFault(in i);
            c.Em.ReadOperand(in i, 0, 8);
            c.ExitDynamic();
            return true;
        }
        ended = false;
        return false;
    }

    static bool Call(C c, in Instruction i, out bool ended)
    {
        ended = false;
        var em = c.Em; var il = c.Il;
        var target = em.Temp();
        if (i.Op0Kind == OpKind.NearBranch64) em.LdConst(i.NearBranchTarget);
        else if (i.Op0Kind == OpKind.Register && UniJit.Runtime.Interpreter.Operands.RegSize(i.Op0Register) == 8) em.LoadReg(i.Op0Register);
        else if (i.Op0Kind == OpKind.Memory && (i.MemorySize == MemorySize.QwordOffset || i.MemorySize == MemorySize.UInt64))
        {
            c.MayFault(in i);
            em.ReadOperand(in i, 0, 8);
        }
        else { em.Free(target); return false; }
        il.Emit(OpCodes.Stloc, target);
        c.MayFault(in i);
        var ret = em.Temp();
        em.LdConst(i.NextIP);
        il.Emit(OpCodes.Stloc, ret);
        PushLocal(c, ret);
        em.Free(ret);
        if (i.Op0Kind == OpKind.NearBranch64) c.Goto(i.NearBranchTarget);
        else { il.Emit(OpCodes.Ldloc, target); c.ExitDynamic(); }
        em.Free(target);
        ended = true;
        return true;
    }

    static bool Ret(C c, in Instruction i, out bool ended)
    {
        ended = false;
        if (i.Code is not (Code.Retnq or Code.Retnq_imm16)) return false;
        c.MayFault(in i);
        PopValue(c, i.OpCount == 1 ? i.Immediate16 : 0UL);
        c.Return();
        ended = true;
        return true;
    }

    static readonly MethodInfo cond = typeof(Flags).GetMethod(nameof(Flags.Cond))!;

    /// <summary>Pushes condition <paramref name="cc"/> (an int 0/1) from the arithmetic flags stored in the
    /// state's RFLAGS (CF bit 0, PF 2, ZF 6, SF 7, OF 11), for producers that store them outright.</summary>
    static void RflagsCondition(C c, int cc, LocalBuilder? word)
    {
        var il = c.Il;
        void Bit(int n) { il.Emit(OpCodes.Ldc_I4, n); il.Emit(OpCodes.Shr_Un); }
        var f = word ?? c.Em.Temp();
        if (word == null)
        {
            c.Em.LdStateAddr(StateLayout.Rflags);
            il.Emit(OpCodes.Ldind_I8);
            il.Emit(OpCodes.Stloc, f);
        }
        il.Emit(OpCodes.Ldloc, f);
        switch (cc >> 1)
        {
            case 0: Bit(11); break;                                                    // o
            case 1: break;                                                             // b
            case 2: Bit(6); break;                                                     // e
            case 3: il.Emit(OpCodes.Ldloc, f); Bit(6); il.Emit(OpCodes.Or); break;    // be: CF | ZF
            case 4: Bit(7); break;                                                     // s
            case 5: Bit(2); break;                                                     // p
            case 6: Bit(7); il.Emit(OpCodes.Ldloc, f); Bit(11); il.Emit(OpCodes.Xor); break; // l: SF ^ OF
            default:                                                                   // le: ZF | (SF ^ OF)
                Bit(6); il.Emit(OpCodes.Ldloc, f); Bit(7); il.Emit(OpCodes.Ldloc, f); Bit(11);
                il.Emit(OpCodes.Xor); il.Emit(OpCodes.Or); break;
        }
        if (word == null) c.Em.Free(f);
        il.Emit(OpCodes.Conv_I4);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.And);
        if ((cc & 1) != 0) { il.Emit(OpCodes.Ldc_I4_1); il.Emit(OpCodes.Xor); }
    }

    /// <summary>Pushes the truth of the instruction's condition (an int 0/1), fused with the
    /// producing ALU instruction's operands where possible, else from the state's lazy flags.</summary>
    static void EmitCondition(C c, in Instruction i)
    {
        var il = c.Il; var em = c.Em;
        int cc = Fusion.Cc(in i);
        if (c.Producer is FusionKind.Rflags or FusionKind.Fp && Fusion.CanFuse(c.Producer, in i))
        {
            RflagsCondition(c, cc, c.Producer == FusionKind.Fp ? c.FpFlags : null);
            return;
        }
        if (c.Producer != FusionKind.None && Fusion.CanFuse(c.Producer, in i))
        {
            int z = c.ProducerSize;
            if (c.Producer == FusionKind.Sub || c.Producer == FusionKind.IncDec && cc >= 12)
            {
                bool signed = cc >= 12;
                il.Emit(OpCodes.Ldloc, c.Fa); if (signed) em.SignExtend(z);
                il.Emit(OpCodes.Ldloc, c.Fb); if (signed) em.SignExtend(z);
                // cc: 2 b, 3 ae, 4 e, 5 ne, 6 be, 7 a, 12 l, 13 ge, 14 le, 15 g
                switch (cc)
                {
                    case 2: il.Emit(OpCodes.Clt_Un); break;
                    case 3: il.Emit(OpCodes.Clt_Un); Not(il); break;
                    case 4: il.Emit(OpCodes.Ceq); break;
                    case 5: il.Emit(OpCodes.Ceq); Not(il); break;
                    case 6: il.Emit(OpCodes.Cgt_Un); Not(il); break;
                    case 7: il.Emit(OpCodes.Cgt_Un); break;
                    case 12: il.Emit(OpCodes.Clt); break;
                    case 13: il.Emit(OpCodes.Clt); Not(il); break;
                    case 14: il.Emit(OpCodes.Cgt); Not(il); break;
                    case 15: il.Emit(OpCodes.Cgt); break;
                }
                return;
            }
            // Logic, Add, Result and IncDec: from the result (CF = OF = 0 for logic).
            il.Emit(OpCodes.Ldloc, c.Fr);
            em.SignExtend(z);
            il.Emit(OpCodes.Ldc_I8, 0L);
            switch (cc)
            {
                case 2: il.Emit(OpCodes.Pop); il.Emit(OpCodes.Pop); il.Emit(OpCodes.Ldc_I4_0); break;
                case 3: il.Emit(OpCodes.Pop); il.Emit(OpCodes.Pop); il.Emit(OpCodes.Ldc_I4_1); break;
                case 4 or 6: il.Emit(OpCodes.Ceq); break;
                case 5 or 7: il.Emit(OpCodes.Ceq); Not(il); break;
                case 8 or 12: il.Emit(OpCodes.Clt); break;
                case 9 or 13: il.Emit(OpCodes.Clt); Not(il); break;
                case 14: il.Emit(OpCodes.Cgt); Not(il); break;
                case 15: il.Emit(OpCodes.Cgt); break;
                case 0: il.Emit(OpCodes.Pop); il.Emit(OpCodes.Pop); il.Emit(OpCodes.Ldc_I4_0); break;
                case 1: il.Emit(OpCodes.Pop); il.Emit(OpCodes.Pop); il.Emit(OpCodes.Ldc_I4_1); break;
            }
            return;
        }
        em.LdState();
        // From the state: ZF and SF are one test each (Flags.GetZF/GetSF, which RyuJIT inlines); the rest
        // goes through Flags.Cond.
        if (cc is 4 or 5 or 8 or 9)
        {
            c.Em.Call(cc < 8 ? getZF : getSF);
            if ((cc & 1) != 0) Not(il);
            return;
        }
        il.Emit(OpCodes.Ldc_I4, cc);
        c.Em.Call(cond);
    }

    static readonly MethodInfo getZF = typeof(Flags).GetMethod(nameof(Flags.GetZF))!;
    static readonly MethodInfo getSF = typeof(Flags).GetMethod(nameof(Flags.GetSF))!;

    static void Not(ILGenerator il) { il.Emit(OpCodes.Ldc_I4_0); il.Emit(OpCodes.Ceq); }

    static bool Conditional(C c, in Instruction i, out bool ended)
    {
        ended = false;
        var il = c.Il; var em = c.Em;
        if (i.FlowControl == FlowControl.ConditionalBranch)
        {
            EmitCondition(c, in i);
            c.GotoIf(i.NearBranchTarget);
            c.Goto(i.NextIP);
            ended = true;
            return true;
        }
        if (!AllGpr(in i)) return false;
        if (Fusion.IsSetcc(i.Mnemonic))
        {
            if (i.Op0Kind == OpKind.Memory) c.MayFault(in i);
            var t = em.Temp();
            EmitCondition(c, in i);
            il.Emit(OpCodes.Conv_U8);
            il.Emit(OpCodes.Stloc, t);
            em.WriteOperand(in i, 0, 1, t);
            em.Free(t);
            return true;
        }
        // cmovcc: the source is read whatever the condition; the destination is always written.
        int z = UniJit.Runtime.Interpreter.Operands.Size(in i, 0);
        if (i.Op1Kind == OpKind.Memory) c.MayFault(in i);
        var v = em.Temp();
        em.ReadOperand(in i, 1, z);
        il.Emit(OpCodes.Stloc, v);
        var useOld = il.DefineLabel();
        var done = il.DefineLabel();
        EmitCondition(c, in i);
        il.Emit(OpCodes.Brfalse, useOld);
        il.Emit(OpCodes.Ldloc, v);
        il.Emit(OpCodes.Br, done);
        c.Em.MarkLabel(useOld);
        em.LoadReg(i.Op0Register);
        c.Em.MarkLabel(done);
        em.StoreReg(i.Op0Register);
        em.Free(v);
        return true;
    }
}
