using Iced.Intel;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>Transcendental instructions: f2xm1, fyl2x, fyl2xp1, fpatan (ST(1) op ST(0) into ST(1),
/// then pop), fsin, fcos (C2 = argument out of range), fptan and fsincos (which push).</summary>
public static unsafe partial class X87Handlers
{
    static void RegisterTranscendental()
    {
        HandlerTable.Add(Mnemonic.F2xm1, &F2xm1);
        HandlerTable.Add(Mnemonic.Fyl2x, &Fyl2x);
        HandlerTable.Add(Mnemonic.Fyl2xp1, &Fyl2xp1);
        HandlerTable.Add(Mnemonic.Fpatan, &Fpatan);
        HandlerTable.Add(Mnemonic.Fsin, &Fsin);
        HandlerTable.Add(Mnemonic.Fcos, &Fcos);
        HandlerTable.Add(Mnemonic.Fptan, &Fptan);
        HandlerTable.Add(Mnemonic.Fsincos, &Fsincos);
    }

    static void F2xm1(Cpu cpu, in Instruction i) => Unary(cpu, in i, &F80.F2xm1);

    static Float80 Yl2xOp(Float80 st0, Float80 st1, ushort cw, ref uint flags) => F80.Yl2x(st0, st1, cw, ref flags);
    static Float80 Yl2xp1Op(Float80 st0, Float80 st1, ushort cw, ref uint flags) => F80.Yl2xp1(st0, st1, cw, ref flags);
    static Float80 PatanOp(Float80 st0, Float80 st1, ushort cw, ref uint flags) => F80.Patan(st1, st0, cw, ref flags);

    static void Fyl2x(Cpu cpu, in Instruction i) => BinaryPop(cpu, in i, &Yl2xOp);
    static void Fyl2xp1(Cpu cpu, in Instruction i) => BinaryPop(cpu, in i, &Yl2xp1Op);
    static void Fpatan(Cpu cpu, in Instruction i) => BinaryPop(cpu, in i, &PatanOp);

    /// <summary>ST(1) = op(ST(0), ST(1)), then pop.</summary>
    static void BinaryPop(Cpu cpu, in Instruction i, delegate*<Float80, Float80, ushort, ref uint, Float80> op)
    {
        var f = Begin(cpu, in i);
        if (X87.IsEmpty(f, 0) || X87.IsEmpty(f, 1))
        {
            if (!X87.StackFault(f, false)) return;
            X87.Set(f, 1, Float80.Indefinite);
            X87.Pop(f);
            return;
        }
        uint flags = 0;
        Float80 r = op(X87.Get(f, 0), X87.Get(f, 1), f->Control, ref flags);
        if (!X87.Commit(f, flags)) return;
        X87.Set(f, 1, r);
        X87.Pop(f);
    }

    static void Fsin(Cpu cpu, in Instruction i) => Trig(cpu, in i, F80.TrigOp.Sin);
    static void Fcos(Cpu cpu, in Instruction i) => Trig(cpu, in i, F80.TrigOp.Cos);
    static void Fptan(Cpu cpu, in Instruction i) => Trig(cpu, in i, F80.TrigOp.Tan);

    static void Trig(Cpu cpu, in Instruction i, F80.TrigOp op)
    {
        var f = Begin(cpu, in i);
        bool push = op == F80.TrigOp.Tan;
        if (X87.IsEmpty(f, 0) || (push && X87.PushWouldOverflow(f)))
        {
            bool overflow = !X87.IsEmpty(f, 0);
            if (!X87.StackFault(f, overflow)) return;
            f->Status &= unchecked((ushort)~X87.C2);
            X87.Set(f, 0, Float80.Indefinite);
            if (push) X87.Push(f, Float80.Indefinite);
            return;
        }
        uint flags = 0;
        Float80 r = F80.Trig(X87.Get(f, 0), op, f->Control, ref flags, out bool outOfRange);
        if (!X87.Commit(f, flags)) return;
        f->Status = (ushort)(outOfRange ? f->Status | X87.C2 : f->Status & ~X87.C2);
        if (outOfRange) return;
        X87.Set(f, 0, r);
        // fptan pushes 1.0, or the NaN again when the result is a NaN.
        if (push) X87.Push(f, r.IsNaN ? r : Float80.One);
    }

    static void Fsincos(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        if (X87.IsEmpty(f, 0) || X87.PushWouldOverflow(f))
        {
            bool overflow = !X87.IsEmpty(f, 0);
            if (!X87.StackFault(f, overflow)) return;
            f->Status &= unchecked((ushort)~X87.C2);
            X87.Set(f, 0, Float80.Indefinite);
            X87.Push(f, Float80.Indefinite);
            return;
        }
        uint flags = 0;
        F80.SinCos(X87.Get(f, 0), f->Control, ref flags, out var s, out var c, out bool outOfRange);
        if (!X87.Commit(f, flags)) return;
        f->Status = (ushort)(outOfRange ? f->Status | X87.C2 : f->Status & ~X87.C2);
        if (outOfRange) return;
        X87.Set(f, 0, s);
        X87.Push(f, c);
    }
}
