using Iced.Intel;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>Basic arithmetic (fadd/fsub/fsubr/fmul/fdiv/fdivr with their p and i forms) and the
/// one-operand ST(0) operations: fchs, fabs, fsqrt, frndint, fscale, fxtract, fprem, fprem1.</summary>
public static unsafe partial class X87Handlers
{
    enum ArithOp { Add, Sub, SubR, Mul, Div, DivR }

    static void RegisterArith()
    {
        HandlerTable.Add(Mnemonic.Fadd, &Fadd);
        HandlerTable.Add(Mnemonic.Fiadd, &Fadd);
        HandlerTable.Add(Mnemonic.Faddp, &Faddp);
        HandlerTable.Add(Mnemonic.Fsub, &Fsub);
        HandlerTable.Add(Mnemonic.Fisub, &Fsub);
        HandlerTable.Add(Mnemonic.Fsubp, &Fsubp);
        HandlerTable.Add(Mnemonic.Fsubr, &Fsubr);
        HandlerTable.Add(Mnemonic.Fisubr, &Fsubr);
        HandlerTable.Add(Mnemonic.Fsubrp, &Fsubrp);
        HandlerTable.Add(Mnemonic.Fmul, &Fmul);
        HandlerTable.Add(Mnemonic.Fimul, &Fmul);
        HandlerTable.Add(Mnemonic.Fmulp, &Fmulp);
        HandlerTable.Add(Mnemonic.Fdiv, &Fdiv);
        HandlerTable.Add(Mnemonic.Fidiv, &Fdiv);
        HandlerTable.Add(Mnemonic.Fdivp, &Fdivp);
        HandlerTable.Add(Mnemonic.Fdivr, &Fdivr);
        HandlerTable.Add(Mnemonic.Fidivr, &Fdivr);
        HandlerTable.Add(Mnemonic.Fdivrp, &Fdivrp);
        HandlerTable.Add(Mnemonic.Fchs, &Fchs);
        HandlerTable.Add(Mnemonic.Fabs, &Fabs);
        HandlerTable.Add(Mnemonic.Fsqrt, &Fsqrt);
        HandlerTable.Add(Mnemonic.Frndint, &Frndint);
        HandlerTable.Add(Mnemonic.Fscale, &Fscale);
        HandlerTable.Add(Mnemonic.Fxtract, &Fxtract);
        HandlerTable.Add(Mnemonic.Fprem, &Fprem);
        HandlerTable.Add(Mnemonic.Fprem1, &Fprem1);
    }

    static void Fadd(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.Add, false);
    static void Faddp(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.Add, true);
    static void Fsub(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.Sub, false);
    static void Fsubp(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.Sub, true);
    static void Fsubr(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.SubR, false);
    static void Fsubrp(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.SubR, true);
    static void Fmul(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.Mul, false);
    static void Fmulp(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.Mul, true);
    static void Fdiv(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.Div, false);
    static void Fdivp(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.Div, true);
    static void Fdivr(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.DivR, false);
    static void Fdivrp(Cpu cpu, in Instruction i) => Arith(cpu, in i, ArithOp.DivR, true);

    /// <summary>dst = dst op src, where (dst, src) is (ST(0), mem), (ST(0), ST(i)) or (ST(i), ST(0)).
    /// Iced names the operands in Intel order, so "fsub st(i), st(0)" is ST(i) - ST(0).</summary>
    static void Arith(Cpu cpu, in Instruction i, ArithOp op, bool pop)
    {
        var f = Begin(cpu, in i);
        uint flags = 0;
        int dst;
        Float80 a, b;
        bool memDenormal = false;
        if (i.Op0Kind == OpKind.Memory)
        {
            dst = 0;
            b = LoadOperand(cpu.S, in i, out memDenormal);
            if (X87.IsEmpty(f, 0))
            {
                if (X87.StackFault(f, false)) X87.Set(f, 0, Float80.Indefinite);
                return;
            }
            a = X87.Get(f, 0);
        }
        else
        {
            dst = i.OpCount > 0 ? St(in i, 0) : 1;
            int src = i.OpCount > 1 ? St(in i, 1) : 0;
            if (X87.IsEmpty(f, dst) || X87.IsEmpty(f, src))
            {
                if (X87.StackFault(f, false))
                {
                    X87.Set(f, dst, Float80.Indefinite);
                    if (pop) X87.Pop(f);
                }
                return;
            }
            a = X87.Get(f, dst);
            b = X87.Get(f, src);
        }
        ushort cw = f->Control;
        Float80 r = op switch
        {
            ArithOp.Add => F80.Add(a, b, cw, ref flags),
            ArithOp.Sub => F80.Sub(a, b, cw, ref flags),
            ArithOp.SubR => F80.Sub(b, a, cw, ref flags),
            ArithOp.Mul => F80.Mul(a, b, cw, ref flags),
            ArithOp.Div => F80.Div(a, b, cw, ref flags),
            _ => F80.Div(b, a, cw, ref flags),
        };
        MemDenormal(memDenormal, a, ref flags);
        if (!X87.Commit(f, flags)) return;
        X87.Set(f, dst, r);
        if (pop) X87.Pop(f);
    }

    /// <summary>Runs a one-operand ST(0) operation; an empty ST(0) is a stack underflow.</summary>
    static void Unary(Cpu cpu, in Instruction i, delegate*<Float80, ushort, ref uint, Float80> op)
    {
        var f = Begin(cpu, in i);
        if (X87.IsEmpty(f, 0))
        {
            if (X87.StackFault(f, false)) X87.Set(f, 0, Float80.Indefinite);
            return;
        }
        uint flags = 0;
        Float80 r = op(X87.Get(f, 0), f->Control, ref flags);
        if (X87.Commit(f, flags)) X87.Set(f, 0, r);
    }

    static Float80 Chs(Float80 a, ushort cw, ref uint flags) => a.Negate();
    static Float80 AbsOp(Float80 a, ushort cw, ref uint flags) => a.Abs();
    static Float80 RndInt(Float80 a, ushort cw, ref uint flags) => F80.RoundToInt(a, F80.Rounding(cw), ref flags);

    static void Fchs(Cpu cpu, in Instruction i) => Unary(cpu, in i, &Chs);
    static void Fabs(Cpu cpu, in Instruction i) => Unary(cpu, in i, &AbsOp);
    static void Fsqrt(Cpu cpu, in Instruction i) => Unary(cpu, in i, &F80.Sqrt);
    static void Frndint(Cpu cpu, in Instruction i) => Unary(cpu, in i, &RndInt);

    static void Fscale(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        if (X87.IsEmpty(f, 0) || X87.IsEmpty(f, 1))
        {
            if (X87.StackFault(f, false)) X87.Set(f, 0, Float80.Indefinite);
            return;
        }
        uint flags = 0;
        Float80 r = F80.Scale(X87.Get(f, 0), X87.Get(f, 1), f->Control, ref flags);
        if (X87.Commit(f, flags)) X87.Set(f, 0, r);
    }

    static void Fxtract(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        if (X87.IsEmpty(f, 0))
        {
            if (!X87.StackFault(f, false)) return;
            X87.Set(f, 0, Float80.Indefinite);
            X87.Push(f, Float80.Indefinite);
            return;
        }
        if (X87.PushWouldOverflow(f))
        {
            if (!X87.StackFault(f, true)) return;
            X87.Set(f, 0, Float80.Indefinite);
            X87.SetTop(f, f->Top - 1);
            X87.Set(f, 0, Float80.Indefinite);
            return;
        }
        uint flags = 0;
        F80.Extract(X87.Get(f, 0), ref flags, out var e, out var m);
        if (!X87.Commit(f, flags)) return;
        X87.Set(f, 0, e);
        X87.Push(f, m);
    }

    static void Fprem(Cpu cpu, in Instruction i) => Prem(cpu, in i, false);
    static void Fprem1(Cpu cpu, in Instruction i) => Prem(cpu, in i, true);

    static void Prem(Cpu cpu, in Instruction i, bool ieee)
    {
        var f = Begin(cpu, in i);
        if (X87.IsEmpty(f, 0) || X87.IsEmpty(f, 1))
        {
            if (X87.StackFault(f, false)) X87.Set(f, 0, Float80.Indefinite);
            return;
        }
        uint flags = 0;
        Float80 r = F80.Remainder(X87.Get(f, 0), X87.Get(f, 1), ieee, f->Control, ref flags, out uint cc);
        if (!X87.Commit(f, flags & ~F80.C1)) return;
        X87.SetCond(f, cc);
        X87.Set(f, 0, r);
    }
}
