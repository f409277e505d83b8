using System.Reflection;
using System.Reflection.Emit;
using Iced.Intel;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Semantics;
using C = UniJit.IlBackend.Emit.RegionCompiler.Compilation;

namespace UniJit.IlBackend.Emit;

/// <summary>Inline IL for the rest of the common integer work: inc/dec/neg/not, shifts and rotates,
/// two- and three-operand imul, adc/sbb, sign extensions of the accumulator, xchg and leave.
/// Flag-setting forms call the same <see cref="Alu"/> method the interpreter uses.</summary>
internal static partial class InstEmit
{
    static MethodInfo AluMethod(string name) => typeof(Alu).GetMethod(name)!;
    static readonly MethodInfo aluInc = AluMethod(nameof(Alu.Inc)), aluDec = AluMethod(nameof(Alu.Dec)), aluNeg = AluMethod(nameof(Alu.Neg));
    static readonly Type[] aluCarryParameters = [typeof(UniJit.Runtime.State.CpuState*), typeof(int), typeof(ulong), typeof(ulong)];
    static readonly MethodInfo aluAdc = typeof(Alu).GetMethod(nameof(Alu.Adc), aluCarryParameters)!,
        aluSbb = typeof(Alu).GetMethod(nameof(Alu.Sbb), aluCarryParameters)!, aluImul = AluMethod(nameof(Alu.Imul));
    static readonly MethodInfo aluAdcCarry = typeof(Alu).GetMethod(nameof(Alu.Adc), [.. aluCarryParameters, typeof(bool)])!,
        aluSbbCarry = typeof(Alu).GetMethod(nameof(Alu.Sbb), [.. aluCarryParameters, typeof(bool)])!;
    static readonly UniJit.IlBackend.Analysis.MethodsBy<Mnemonic> shifts = new()
    {
        [Mnemonic.Shl] = AluMethod(nameof(Alu.Shl)), [Mnemonic.Sal] = AluMethod(nameof(Alu.Shl)),
        [Mnemonic.Shr] = AluMethod(nameof(Alu.Shr)), [Mnemonic.Sar] = AluMethod(nameof(Alu.Sar)),
        [Mnemonic.Rol] = AluMethod(nameof(Alu.Rol)), [Mnemonic.Ror] = AluMethod(nameof(Alu.Ror)),
        [Mnemonic.Rcl] = AluMethod(nameof(Alu.Rcl)), [Mnemonic.Rcr] = AluMethod(nameof(Alu.Rcr)),
    };

    /// <summary>Emits a read-modify-write of operand 0: <paramref name="op"/> gets the value on the
    /// stack and leaves the result on the stack.</summary>
    static bool Rmw(C c, in Instruction i, Action<int, LocalBuilder?> op)
    {
        if (!AllGpr(in i)) return false;
        // adc/sbb/rcl/rcr to memory read CF and store new flags before the write: if the write took
        // the slow path (which re-runs the instruction in the interpreter), the rerun would read the
        // new CF. Those go to the interpreter handler, which stores nothing before its accesses.
        if (i.Op0Kind == OpKind.Memory && (i.RflagsRead & RflagsBits.CF) != 0) return false;
        var em = c.Em; var il = c.Il;
        int z = Operands.Size(in i, 0);
        LocalBuilder? addr = null;
        if (i.Op0Kind == OpKind.Memory)
        {
            c.MayFault(in i);
            addr = em.Temp();
            em.EffectiveAddress(in i);
            il.Emit(OpCodes.Stloc, addr);
        }
        var v = em.Temp();
        op(z, addr);
        il.Emit(OpCodes.Stloc, v);
        em.WriteOperand(in i, 0, z, v, addr);
        em.Free(v);
        if (addr != null) em.Free(addr);
        return true;
    }

    static bool Unary(C c, in Instruction i, bool flagsLive)
    {
        var m = i.Mnemonic;
        var em = c.Em; var il = c.Il;
        Instruction ins = i;
        bool deferred = false;
        bool fusable = Fusion.Kind(in i) == FusionKind.IncDec;
        bool done = Rmw(c, in i, (z, addr) =>
        {
            if (m == Mnemonic.Neg)
            {
                // A producer like sub 0, x (its flags are those of that subtraction): Fa = 0, Fb = x, Fr = -x.
                ReadOp0(c, ins, z, addr);
                il.Emit(OpCodes.Stloc, c.Fb);
                il.Emit(OpCodes.Ldc_I8, 0L);
                il.Emit(OpCodes.Stloc, c.Fa);
                if (flagsLive)
                {
                    em.LdState();
                    il.Emit(OpCodes.Ldc_I4, z);
                    il.Emit(OpCodes.Ldloc, c.Fb);
                    c.Em.Call(aluNeg);
                }
                else
                {
                    il.Emit(OpCodes.Ldloc, c.Fb);
                    il.Emit(OpCodes.Neg);
                    em.Mask(z);
                    deferred = c.FlagsDeferred;
                }
                il.Emit(OpCodes.Dup);
                il.Emit(OpCodes.Stloc, c.Fr);
                return;
            }
            if (m == Mnemonic.Not)
            {
                ReadOp0(c, ins, z, addr);
                il.Emit(OpCodes.Not);
                em.Mask(z);
                return;
            }
            // For a jcc/setcc/cmov fused with an inc or dec of a register (Fusion.Kind), whether or not its flags
            // are stored: the operands of the sub it equals (x - 1, or x - (-1) for inc) and the result.
            if (fusable)
            {
                il.Emit(OpCodes.Ldc_I8, m == Mnemonic.Inc ? -1L : 1L);
                em.Mask(z);
                il.Emit(OpCodes.Stloc, c.Fb);
            }
            if (!flagsLive)
            {
                ReadOp0(c, ins, z, addr);
                if (c.FlagsDeferred || fusable) { il.Emit(OpCodes.Dup); il.Emit(OpCodes.Stloc, c.Fa); deferred = c.FlagsDeferred; }
                il.Emit(OpCodes.Ldc_I8, m == Mnemonic.Inc ? 1L : -1L);
                il.Emit(OpCodes.Add);
                em.Mask(z);
            }
            else
            {
                em.LdState();
                il.Emit(OpCodes.Ldc_I4, z);
                ReadOp0(c, ins, z, addr);
                if (fusable) { il.Emit(OpCodes.Dup); il.Emit(OpCodes.Stloc, c.Fa); }
                c.Em.Call(m == Mnemonic.Inc ? aluInc : aluDec);
            }
            if (fusable) { il.Emit(OpCodes.Dup); il.Emit(OpCodes.Stloc, c.Fr); }
        });
        if (deferred) c.DeferFlags(m == Mnemonic.Inc ? aluInc : m == Mnemonic.Dec ? aluDec : aluNeg, Operands.Size(in i, 0), m == Mnemonic.Neg ? c.Fb : c.Fa);
        if (done && m == Mnemonic.Neg)
        {
            c.Producer = FusionKind.Sub;
            c.ProducerSize = Operands.Size(in i, 0);
        }
        // An inc or dec of a register has a Fusion.Kind, so the compiler leaves Producer as set here.
        if (done && fusable)
        {
            c.Producer = FusionKind.IncDec;
            c.ProducerSize = Operands.Size(in i, 0);
        }
        return done;
    }

    /// <summary>Reads operand 0 inside an Rmw body, from the address Rmw computed once.</summary>
    static void ReadOp0(C c, Instruction i, int z, LocalBuilder? addr)
    {
        if (addr != null) { c.Il.Emit(OpCodes.Ldloc, addr); c.Em.ReadMem(z, thenWriteAt: addr); }
        else c.Em.LoadReg(i.Op0Register);
    }

    static bool Shift(C c, in Instruction i, bool flagsLive)
    {
        var em = c.Em; var il = c.Il;
        var m = i.Mnemonic;
        Instruction ins = i;
        bool immCount = i.OpCount == 1 || i.Op1Kind is OpKind.Immediate8;
        int deferredCount = -1;
        bool fusable = Fusion.Kind(in i) == FusionKind.Result, kept = false;
        bool done = Rmw(c, in i, (z, addr) =>
        {
            int mask = z == 8 ? 63 : 31;
            int count = immCount ? (ins.OpCount == 1 ? 1 : ins.Immediate8) & mask : -1;
            if (!flagsLive && count > 0 && (m is Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr or Mnemonic.Sar
                || m is Mnemonic.Rol or Mnemonic.Ror && count < z * 8))
            {
                // Dead (or deferred) flags and a constant count: plain IL.
                ReadOp0(c, ins, z, addr);
                if (c.FlagsDeferred) { il.Emit(OpCodes.Dup); il.Emit(OpCodes.Stloc, c.Fa); deferredCount = count; }
                switch (m)
                {
                    case Mnemonic.Shl or Mnemonic.Sal:
                        if (count >= z * 8) { il.Emit(OpCodes.Pop); il.Emit(OpCodes.Ldc_I8, 0L); break; }
                        il.Emit(OpCodes.Ldc_I4, count); il.Emit(OpCodes.Shl); em.Mask(z); break;
                    case Mnemonic.Shr:
                        if (count >= z * 8) { il.Emit(OpCodes.Pop); il.Emit(OpCodes.Ldc_I8, 0L); break; }
                        il.Emit(OpCodes.Ldc_I4, count); il.Emit(OpCodes.Shr_Un); break;
                    case Mnemonic.Sar:
                        em.SignExtend(z); il.Emit(OpCodes.Ldc_I4, Math.Min(count, 63)); il.Emit(OpCodes.Shr); em.Mask(z); break;
                    default:
                    {
                        int left = m == Mnemonic.Rol ? count : z * 8 - count;
                        var t = em.Temp();
                        il.Emit(OpCodes.Stloc, t);
                        il.Emit(OpCodes.Ldloc, t); il.Emit(OpCodes.Ldc_I4, left); il.Emit(OpCodes.Shl);
                        il.Emit(OpCodes.Ldloc, t); il.Emit(OpCodes.Ldc_I4, z * 8 - left); il.Emit(OpCodes.Shr_Un);
                        il.Emit(OpCodes.Or);
                        em.Mask(z);
                        em.Free(t);
                        break;
                    }
                }
                // The result, for a jcc/setcc/cmov fused with the shift (Fusion.Kind).
                if (fusable) { il.Emit(OpCodes.Dup); il.Emit(OpCodes.Stloc, c.Fr); kept = true; }
                return;
            }
            if (!flagsLive && !c.FlagsDeferred && !immCount && m is Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr or Mnemonic.Sar)
            {
                // Dead flags and a count in CL: plain IL on the masked count (a zero count leaves the
                // value as it is, and the flags do not matter).
                ReadOp0(c, ins, z, addr);
                if (m == Mnemonic.Sar) em.SignExtend(z);
                em.LoadReg(ins.Op1Register);
                il.Emit(OpCodes.Conv_I4);
                il.Emit(OpCodes.Ldc_I4, mask);
                il.Emit(OpCodes.And);
                il.Emit(m switch { Mnemonic.Shr => OpCodes.Shr_Un, Mnemonic.Sar => OpCodes.Shr, _ => OpCodes.Shl });
                em.Mask(z);
                return;
            }
            em.LdState();
            il.Emit(OpCodes.Ldc_I4, z);
            ReadOp0(c, ins, z, addr);
            if (ins.OpCount == 1) il.Emit(OpCodes.Ldc_I4_1);
            else if (ins.Op1Kind == OpKind.Register) { em.LoadReg(ins.Op1Register); il.Emit(OpCodes.Conv_I4); }
            else il.Emit(OpCodes.Ldc_I4, (int)ins.Immediate8);
            c.Em.Call(shifts[m]);
            // The flags are stored too, but a fused consumer need not call the lazy-flags code for them.
            if (fusable) { il.Emit(OpCodes.Dup); il.Emit(OpCodes.Stloc, c.Fr); kept = true; }
        });
        if (deferredCount >= 0) c.DeferFlags(shifts[m], Operands.Size(in i, 0), c.Fa, constB: deferredCount);
        // A shift by a non-zero constant has a Fusion.Kind, so the compiler leaves Producer as set here (other
        // shifts keep the one before them: Iced says a shift by zero modifies no flags, and it modifies none).
        if (fusable)
        {
            c.Producer = kept ? FusionKind.Result : FusionKind.None;
            c.ProducerSize = Operands.Size(in i, 0);
        }
        return done;
    }

    static bool Imul(C c, in Instruction i, bool flagsLive)
    {
        if (i.OpCount == 1) return WideMul(c, in i, flagsLive);
        if (!AllGpr(in i)) return false;
        var em = c.Em; var il = c.Il;
        int z = Operands.Size(in i, 0);
        if (i.Op1Kind == OpKind.Memory) c.MayFault(in i);
        if (flagsLive) { em.LdState(); il.Emit(OpCodes.Ldc_I4, z); }
        if (i.OpCount == 2) { em.ReadOperand(in i, 0, z); em.ReadOperand(in i, 1, z); }
        else { em.ReadOperand(in i, 1, z); em.ReadOperand(in i, 2, z); }
        if (flagsLive) c.Em.Call(aluImul);
        else
        {
            if (c.FlagsDeferred)
            {
                il.Emit(OpCodes.Stloc, c.Fb);
                il.Emit(OpCodes.Stloc, c.Fa);
                il.Emit(OpCodes.Ldloc, c.Fa);
                il.Emit(OpCodes.Ldloc, c.Fb);
            }
            il.Emit(OpCodes.Mul);
            em.Mask(z);
        }
        em.StoreReg(i.Op0Register);
        if (!flagsLive && c.FlagsDeferred) c.DeferFlags(aluImul, z, c.Fa, c.Fb);
        return true;
    }

    static readonly MethodInfo bigMul = typeof(Math).GetMethod(nameof(Math.BigMul), [typeof(ulong), typeof(ulong), typeof(ulong).MakeByRefType()])!,
        bigMulSigned = typeof(Math).GetMethod(nameof(Math.BigMul), [typeof(long), typeof(long), typeof(long).MakeByRefType()])!,
        aluMulFlags = typeof(Alu).GetMethod(nameof(Alu.MulFlags))!;

    /// <summary>One-operand mul/imul of 32 or 64 bits: RDX:RAX (EDX:EAX) = RAX (EAX) times the operand, the
    /// 64-bit forms by the host's widening multiply (<see cref="Math.BigMul(ulong, ulong, out ulong)"/>). The
    /// flags are the interpreter's: <see cref="Alu.MulFlags"/> for mul, and for imul those of the two-operand
    /// form (<see cref="Alu.Imul"/>: CF and OF when the product does not fit the low half, SF/ZF/PF of it),
    /// which may be deferred to the block's exits.</summary>
    static bool WideMul(C c, in Instruction i, bool flagsLive)
    {
        if (!AllGpr(in i)) return false;
        int z = Operands.Size(in i, 0);
        if (z < 4) return false;
        var em = c.Em; var il = c.Il;
        bool signed = i.Mnemonic == Mnemonic.Imul;
        if (i.Op0Kind == OpKind.Memory) c.MayFault(in i);
        var (ax, dx) = z == 8 ? (Register.RAX, Register.RDX) : (Register.EAX, Register.EDX);
        bool defer = signed && !flagsLive && c.FlagsDeferred;
        LocalBuilder a = defer ? c.Fa : em.Temp(), b = defer ? c.Fb : em.Temp(), hi = em.Temp();
        var lo = il.DeclareLocal(typeof(ulong));
        em.ReadOperand(in i, 0, z);
        il.Emit(OpCodes.Stloc, b);
        em.LoadReg(ax);
        il.Emit(OpCodes.Stloc, a);
        il.Emit(OpCodes.Ldloc, a);
        if (signed && z == 4) em.SignExtend(4);
        il.Emit(OpCodes.Ldloc, b);
        if (signed && z == 4) em.SignExtend(4);
        if (z == 8)
        {
            il.Emit(OpCodes.Ldloca, lo);
            em.Call(signed ? bigMulSigned : bigMul);
            il.Emit(OpCodes.Stloc, hi);
        }
        else
        {
            // Both zero- (mul) or sign-extended (imul): the 64-bit product is exact.
            il.Emit(OpCodes.Mul);
            il.Emit(OpCodes.Dup);
            em.Mask(4);
            il.Emit(OpCodes.Stloc, lo);
            il.Emit(OpCodes.Ldc_I4, 32);
            il.Emit(signed ? OpCodes.Shr : OpCodes.Shr_Un);
            em.Mask(4);
            il.Emit(OpCodes.Stloc, hi);
        }
        il.Emit(OpCodes.Ldloc, lo);
        em.StoreReg(ax);
        il.Emit(OpCodes.Ldloc, hi);
        em.StoreReg(dx);
        if (flagsLive)
        {
            em.LdState();
            il.Emit(OpCodes.Ldc_I4, z);
            if (signed)
            {
                il.Emit(OpCodes.Ldloc, a);
                il.Emit(OpCodes.Ldloc, b);
                em.Call(aluImul);
                il.Emit(OpCodes.Pop);
            }
            else
            {
                il.Emit(OpCodes.Ldloc, lo);
                il.Emit(OpCodes.Ldloc, hi);
                il.Emit(OpCodes.Ldc_I8, 0L);
                il.Emit(OpCodes.Cgt_Un);
                em.Call(aluMulFlags);
            }
        }
        else if (defer) c.DeferFlags(aluImul, z, a, b);
        if (!defer) { em.Free(a); em.Free(b); }
        em.Free(hi);
        return true;
    }

    /// <summary>adc/sbb. Fused with the flag producer before it in the block (<see cref="Fusion.CanFuse"/>),
    /// the carry in comes from that producer's operands, and with no reader of its own flags the
    /// instruction is plain IL arithmetic (<c>neg; sbb r, r</c>, CPython's dispatch, becomes a compare
    /// and two subtractions); otherwise <see cref="Alu"/> reads the carry from the state.</summary>
    static bool AdcSbb(C c, in Instruction i, bool flagsLive)
    {
        if (!AllGpr(in i)) return false;
        var em = c.Em; var il = c.Il;
        Instruction ins = i;
        bool adc = i.Mnemonic == Mnemonic.Adc;
        bool fused = Fusion.CanFuse(c.Producer, in i);
        if (i.Op1Kind == OpKind.Memory) c.MayFault(in i);
        return Rmw(c, in i, (z, addr) =>
        {
            if (!fused)
            {
                em.LdState();
                il.Emit(OpCodes.Ldc_I4, z);
                ReadOp0(c, ins, z, addr);
                em.ReadOperand(in ins, 1, z);
                c.Em.Call(adc ? aluAdc : aluSbb);
                return;
            }
            if (flagsLive)
            {
                em.LdState();
                il.Emit(OpCodes.Ldc_I4, z);
                ReadOp0(c, ins, z, addr);
                em.ReadOperand(in ins, 1, z);
                PushCarry(c);
                c.Em.Call(adc ? aluAdcCarry : aluSbbCarry);
                return;
            }
            ReadOp0(c, ins, z, addr);
            em.ReadOperand(in ins, 1, z);
            il.Emit(adc ? OpCodes.Add : OpCodes.Sub);
            PushCarry(c);
            il.Emit(OpCodes.Conv_U8);
            il.Emit(adc ? OpCodes.Add : OpCodes.Sub);
            em.Mask(z);
        });
    }

    /// <summary>Pushes the carry flag (an int 0/1) the fused producer (<see cref="C.Producer"/>) left:
    /// a - b borrows when a &lt; b, a + b carries when the result is below a, logic clears it.</summary>
    static void PushCarry(C c)
    {
        var il = c.Il;
        switch (c.Producer)
        {
            case FusionKind.Sub: il.Emit(OpCodes.Ldloc, c.Fa); il.Emit(OpCodes.Ldloc, c.Fb); il.Emit(OpCodes.Clt_Un); break;
            case FusionKind.Add: il.Emit(OpCodes.Ldloc, c.Fr); il.Emit(OpCodes.Ldloc, c.Fa); il.Emit(OpCodes.Clt_Un); break;
            case FusionKind.Logic: il.Emit(OpCodes.Ldc_I4_0); break;
            default: throw new InvalidOperationException($"no carry from {c.Producer}");
        }
    }

    static bool SignExtendAcc(C c, in Instruction i)
    {
        var em = c.Em; var il = c.Il;
        switch (i.Mnemonic)
        {
            case Mnemonic.Cdqe: em.LoadReg(Register.EAX); em.SignExtend(4); em.StoreReg(Register.RAX); return true;
            case Mnemonic.Cwde: em.LoadReg(Register.AX); em.SignExtend(2); em.StoreReg(Register.EAX); return true;
            case Mnemonic.Cqo:
                em.LdGpr(0); il.Emit(OpCodes.Ldc_I4, 63); il.Emit(OpCodes.Shr);
                em.StoreReg(Register.RDX); return true;
            case Mnemonic.Cdq:
                em.LoadReg(Register.EAX); em.SignExtend(4); il.Emit(OpCodes.Ldc_I4, 63); il.Emit(OpCodes.Shr);
                em.StoreReg(Register.EDX); return true;
        }
        return false;
    }

    static readonly MethodInfo divRem128 = typeof(System.Runtime.Intrinsics.X86.X86Base.X64).GetMethod(
        nameof(System.Runtime.Intrinsics.X86.X86Base.X64.DivRem), [typeof(ulong), typeof(ulong), typeof(ulong)])!;

    /// <summary>div/idiv by a 32- or 64-bit operand. The common dividends run inline: for div every one whose
    /// quotient fits (RDX below the divisor: the host's 128-by-64-bit div; EDX below it: a 64-bit division),
    /// for idiv the sign-extended ones (cqo/cdq before it: C's / and %). Anything else (a zero divisor, a
    /// quotient that does not fit, idiv of a wider dividend) leaves before the instruction and the
    /// interpreter runs it, raising SIGFPE where the processor raises #DE. The flags, all undefined after a
    /// division, stay as they were, as the interpreter leaves them.</summary>
    static bool Divide(C c, in Instruction i)
    {
        if (i.OpCount != 1 || !AllGpr(in i)) return false;
        int z = Operands.Size(in i, 0);
        if (z < 4) return false;
        var em = c.Em; var il = c.Il;
        c.MayFault(in i);
        var (ax, dx) = z == 8 ? (Register.RAX, Register.RDX) : (Register.EAX, Register.EDX);
        LocalBuilder d = em.Temp(), lo = em.Temp(), hi = em.Temp(), q = em.Temp();
        em.ReadOperand(in i, 0, z);
        il.Emit(OpCodes.Stloc, d);
        em.LoadReg(ax);
        il.Emit(OpCodes.Stloc, lo);
        em.LoadReg(dx);
        il.Emit(OpCodes.Stloc, hi);
        if (i.Mnemonic == Mnemonic.Div)
        {
            // hi < d: the divisor is not 0 and the quotient fits.
            il.Emit(OpCodes.Ldloc, hi);
            il.Emit(OpCodes.Ldloc, d);
            il.Emit(OpCodes.Clt_Un);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ceq);
            em.SlowPathIfTrue();
            if (z == 8)
            {
                var t = il.DeclareLocal(typeof(ValueTuple<ulong, ulong>));
                il.Emit(OpCodes.Ldloc, lo);
                il.Emit(OpCodes.Ldloc, hi);
                il.Emit(OpCodes.Ldloc, d);
                em.Call(divRem128);
                il.Emit(OpCodes.Stloc, t);
                il.Emit(OpCodes.Ldloca, t);
                il.Emit(OpCodes.Ldfld, typeof(ValueTuple<ulong, ulong>).GetField("Item1")!);
                em.StoreReg(ax);
                il.Emit(OpCodes.Ldloca, t);
                il.Emit(OpCodes.Ldfld, typeof(ValueTuple<ulong, ulong>).GetField("Item2")!);
                em.StoreReg(dx);
            }
            else
            {
                il.Emit(OpCodes.Ldloc, hi);
                il.Emit(OpCodes.Ldc_I4, 32);
                il.Emit(OpCodes.Shl);
                il.Emit(OpCodes.Ldloc, lo);
                il.Emit(OpCodes.Or);
                il.Emit(OpCodes.Stloc, lo);
                QuotientAndRemainder(OpCodes.Div_Un);
            }
        }
        else
        {
            // Inline only for hi = lo's sign extension, d != 0 and not the one overflow, MinValue / -1.
            il.Emit(OpCodes.Ldloc, hi);
            il.Emit(OpCodes.Ldloc, lo);
            em.SignExtend(z);
            il.Emit(OpCodes.Ldc_I4, 63);
            il.Emit(OpCodes.Shr);
            em.Mask(z);
            il.Emit(OpCodes.Ceq);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ceq);
            il.Emit(OpCodes.Ldloc, d);
            il.Emit(OpCodes.Ldc_I8, 0L);
            il.Emit(OpCodes.Ceq);
            il.Emit(OpCodes.Or);
            il.Emit(OpCodes.Ldloc, lo);
            em.LdConst(1UL << (z * 8 - 1));
            il.Emit(OpCodes.Ceq);
            il.Emit(OpCodes.Ldloc, d);
            em.LdConst(Flags.Mask(z));
            il.Emit(OpCodes.Ceq);
            il.Emit(OpCodes.And);
            il.Emit(OpCodes.Or);
            em.SlowPathIfTrue();
            // Sign-extended to 64 bits, neither operand can make the host's division overflow.
            foreach (var l in new[] { lo, d })
            {
                il.Emit(OpCodes.Ldloc, l);
                em.SignExtend(z);
                il.Emit(OpCodes.Stloc, l);
            }
            QuotientAndRemainder(OpCodes.Div);
        }
        em.Free(d); em.Free(lo); em.Free(hi); em.Free(q);
        return true;

        // RAX/EAX = lo / d, RDX/EDX = lo - q * d (one division, not two).
        void QuotientAndRemainder(OpCode divide)
        {
            il.Emit(OpCodes.Ldloc, lo);
            il.Emit(OpCodes.Ldloc, d);
            il.Emit(divide);
            il.Emit(OpCodes.Stloc, q);
            il.Emit(OpCodes.Ldloc, q);
            em.StoreReg(ax);
            il.Emit(OpCodes.Ldloc, lo);
            il.Emit(OpCodes.Ldloc, q);
            il.Emit(OpCodes.Ldloc, d);
            il.Emit(OpCodes.Mul);
            il.Emit(OpCodes.Sub);
            em.StoreReg(dx);
        }
    }

    static readonly MethodInfo flagsSetEager = typeof(Flags).GetMethod(nameof(Flags.SetEager))!;

    /// <summary>bt/bts/btr/btc on a register (a memory operand, whose register bit offset may reach outside
    /// it, stays with the interpreter). CF is the bit tested, stored as the interpreter stores it
    /// (<see cref="Flags.SetEager"/>, the other flags kept) unless no one reads it.</summary>
    static bool BitTestRegister(C c, in Instruction i, bool flagsLive)
    {
        if (i.Op0Kind != OpKind.Register || !AllGpr(in i)) return false;
        var em = c.Em; var il = c.Il;
        int z = Operands.Size(in i, 0), bits = z * 8;
        var v = em.Temp(); var bit = em.Temp();
        em.LoadReg(i.Op0Register);
        il.Emit(OpCodes.Stloc, v);
        if (i.Op1Kind == OpKind.Register) { em.LoadReg(i.Op1Register); em.LdConst((ulong)(bits - 1)); il.Emit(OpCodes.And); }
        else em.LdConst(i.GetImmediate(1) & (ulong)(bits - 1));
        il.Emit(OpCodes.Stloc, bit);
        if (flagsLive)
        {
            em.LdState();
            em.LdConst(Flags.CF);
            il.Emit(OpCodes.Ldloc, v);
            il.Emit(OpCodes.Ldloc, bit);
            il.Emit(OpCodes.Conv_I4);
            il.Emit(OpCodes.Shr_Un);
            em.Call(flagsSetEager);
        }
        if (i.Mnemonic != Mnemonic.Bt)
        {
            il.Emit(OpCodes.Ldloc, v);
            if (i.Mnemonic == Mnemonic.Btr) em.LdConst(ulong.MaxValue);
            em.LdConst(1);
            il.Emit(OpCodes.Ldloc, bit);
            il.Emit(OpCodes.Conv_I4);
            il.Emit(OpCodes.Shl);
            if (i.Mnemonic == Mnemonic.Btr) il.Emit(OpCodes.Xor);
            il.Emit(i.Mnemonic switch { Mnemonic.Bts => OpCodes.Or, Mnemonic.Btr => OpCodes.And, _ => OpCodes.Xor });
            em.StoreReg(i.Op0Register);
        }
        em.Free(v); em.Free(bit);
        return true;
    }

    static bool XchgRegs(C c, in Instruction i)
    {
        if (i.Op0Kind != OpKind.Register || i.Op1Kind != OpKind.Register || !AllGpr(in i)) return false;
        var em = c.Em; var il = c.Il;
        var t = em.Temp();
        em.LoadReg(i.Op0Register);
        il.Emit(OpCodes.Stloc, t);
        em.LoadReg(i.Op1Register);
        em.StoreReg(i.Op0Register);
        il.Emit(OpCodes.Ldloc, t);
        em.StoreReg(i.Op1Register);
        em.Free(t);
        return true;
    }

    static bool Leave(C c, in Instruction i)
    {
        if (i.Code != Code.Leaveq) return false;
        var em = c.Em; var il = c.Il;
        c.MayFault(in i);
        em.LdGpr(5);
        em.StGpr(4);
        PopValue(c);
        em.StGpr(5);
        return true;
    }

    static MethodInfo BitsMethod(string name) => typeof(Bits).GetMethod(name)!;

    /// <summary>bsf, bsr, tzcnt, lzcnt, popcnt and bswap through the shared <see cref="Bits"/> methods,
    /// or, when no one reads their flags, inline through <see cref="System.Numerics.BitOperations"/>.</summary>
    static bool BitCount(C c, in Instruction i, bool flagsLive)
    {
        if (!AllGpr(in i)) return false;
        var em = c.Em; var il = c.Il;
        int z = Operands.Size(in i, 0);
        if (z == 2) return false;
        if (i.OpCount > 1 && i.Op1Kind == OpKind.Memory) c.MayFault(in i);
        if (!flagsLive && i.Mnemonic != Mnemonic.Bswap) return BitCountNoFlags(c, in i, z);
        switch (i.Mnemonic)
        {
            case Mnemonic.Bsf or Mnemonic.Bsr:
                em.LdState();
                em.ReadOperand(in i, 1, z);
                em.LdGpr(Operands.GprIndex(i.Op0Register));
                c.Em.Call(BitsMethod(i.Mnemonic == Mnemonic.Bsf ? nameof(Bits.Bsf) : nameof(Bits.Bsr)));
                em.StGpr(Operands.GprIndex(i.Op0Register));
                return true;
            case Mnemonic.Tzcnt or Mnemonic.Lzcnt:
                em.LdState();
                il.Emit(OpCodes.Ldc_I4, z);
                em.ReadOperand(in i, 1, z);
                c.Em.Call(BitsMethod(i.Mnemonic == Mnemonic.Tzcnt ? nameof(Bits.Tzcnt) : nameof(Bits.Lzcnt)));
                em.StoreReg(i.Op0Register);
                return true;
            case Mnemonic.Popcnt:
                em.LdState();
                em.ReadOperand(in i, 1, z);
                c.Em.Call(BitsMethod(nameof(Bits.Popcnt)));
                em.StoreReg(i.Op0Register);
                return true;
            case Mnemonic.Bswap:
                il.Emit(OpCodes.Ldc_I4, z);
                em.LoadReg(i.Op0Register);
                c.Em.Call(BitsMethod(nameof(Bits.Bswap)));
                em.StoreReg(i.Op0Register);
                return true;
        }
        return false;
    }
    static MethodInfo BitOp(string name, int z) =>
        typeof(System.Numerics.BitOperations).GetMethod(name, [z == 8 ? typeof(ulong) : typeof(uint)])!;

    /// <summary>The results of <see cref="Bits"/>' bsf, bsr, tzcnt, lzcnt and popcnt without their flags:
    /// bsf/bsr of zero leave the whole destination register as it was; tzcnt/lzcnt of zero give the
    /// operand size in bits, as <see cref="System.Numerics.BitOperations"/> does for the same width.</summary>
    static bool BitCountNoFlags(C c, in Instruction i, int z)
    {
        var em = c.Em; var il = c.Il;
        var src = em.Temp();
        em.ReadOperand(in i, 1, z);
        il.Emit(OpCodes.Stloc, src);
        switch (i.Mnemonic)
        {
            case Mnemonic.Bsf or Mnemonic.Bsr:
            {
                int dest = Operands.GprIndex(i.Op0Register);
                var done = il.DefineLabel();
                il.Emit(OpCodes.Ldloc, src);
                il.Emit(OpCodes.Brfalse, done);
                if (i.Mnemonic == Mnemonic.Bsr) il.Emit(OpCodes.Ldc_I4, 63);
                il.Emit(OpCodes.Ldloc, src);
                c.Em.Call(BitOp(i.Mnemonic == Mnemonic.Bsf ? "TrailingZeroCount" : "LeadingZeroCount", 8));
                if (i.Mnemonic == Mnemonic.Bsr) il.Emit(OpCodes.Sub);
                il.Emit(OpCodes.Conv_U8);
                em.StGpr(dest);
                c.Em.MarkLabel(done);
                break;
            }
            default:
                il.Emit(OpCodes.Ldloc, src);
                if (z == 4) il.Emit(OpCodes.Conv_U4);
                c.Em.Call(BitOp(i.Mnemonic switch
                {
                    Mnemonic.Tzcnt => "TrailingZeroCount",
                    Mnemonic.Lzcnt => "LeadingZeroCount",
                    _ => "PopCount",
                }, z));
                il.Emit(OpCodes.Conv_U8);
                em.StoreReg(i.Op0Register);
                break;
        }
        em.Free(src);
        return true;
    }
}
