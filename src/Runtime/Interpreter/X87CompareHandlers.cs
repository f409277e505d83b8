using Iced.Intel;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>Comparisons: fcom/fcomp/fcompp, fucom/fucomp/fucompp, ficom/ficomp, ftst, fxam (into
/// C3/C2/C0) and fcomi/fcomip/fucomi/fucomip (into ZF/PF/CF; SDM vol. 2, FCOMI).</summary>
public static unsafe partial class X87Handlers
{
    static void RegisterCompare()
    {
        HandlerTable.Add(Mnemonic.Fcom, &Fcom);
        HandlerTable.Add(Mnemonic.Ficom, &Fcom);
        HandlerTable.Add(Mnemonic.Fcomp, &Fcomp);
        HandlerTable.Add(Mnemonic.Ficomp, &Fcomp);
        HandlerTable.Add(Mnemonic.Fcompp, &Fcompp);
        HandlerTable.Add(Mnemonic.Fucom, &Fucom);
        HandlerTable.Add(Mnemonic.Fucomp, &Fucomp);
        HandlerTable.Add(Mnemonic.Fucompp, &Fucompp);
        HandlerTable.Add(Mnemonic.Fcomi, &Fcomi);
        HandlerTable.Add(Mnemonic.Fcomip, &Fcomip);
        HandlerTable.Add(Mnemonic.Fucomi, &Fucomi);
        HandlerTable.Add(Mnemonic.Fucomip, &Fucomip);
        HandlerTable.Add(Mnemonic.Ftst, &Ftst);
        HandlerTable.Add(Mnemonic.Fxam, &Fxam);
    }

    static void Fcom(Cpu cpu, in Instruction i) => Compare(cpu, in i, false, 0, false);
    static void Fcomp(Cpu cpu, in Instruction i) => Compare(cpu, in i, false, 1, false);
    static void Fcompp(Cpu cpu, in Instruction i) => Compare(cpu, in i, false, 2, false);
    static void Fucom(Cpu cpu, in Instruction i) => Compare(cpu, in i, true, 0, false);
    static void Fucomp(Cpu cpu, in Instruction i) => Compare(cpu, in i, true, 1, false);
    static void Fucompp(Cpu cpu, in Instruction i) => Compare(cpu, in i, true, 2, false);
    static void Fcomi(Cpu cpu, in Instruction i) => Compare(cpu, in i, false, 0, true);
    static void Fcomip(Cpu cpu, in Instruction i) => Compare(cpu, in i, false, 1, true);
    static void Fucomi(Cpu cpu, in Instruction i) => Compare(cpu, in i, true, 0, true);
    static void Fucomip(Cpu cpu, in Instruction i) => Compare(cpu, in i, true, 1, true);

    /// <summary>Compares ST(0) with ST(i) (default ST(1)) or memory, then pops <paramref name="pops"/> times.</summary>
    static void Compare(Cpu cpu, in Instruction i, bool quiet, int pops, bool eflags)
    {
        var f = Begin(cpu, in i);
        uint flags = 0;
        int result;
        Float80 b = default;
        bool underflow = X87.IsEmpty(f, 0), memDenormal = false;
        if (i.OpCount > 0 && i.Op0Kind == OpKind.Memory)
            b = LoadOperand(cpu.S, in i, out memDenormal);
        else
        {
            int r = i.OpCount > 1 ? St(in i, 1) : 1;
            underflow |= X87.IsEmpty(f, r);
            if (!underflow) b = X87.Get(f, r);
        }
        if (underflow)
        {
            if (!X87.StackFault(f, false)) return;
            result = F80.Unordered;
        }
        else
        {
            Float80 a = X87.Get(f, 0);
            result = F80.Compare(a, b, quiet, ref flags);
            MemDenormal(memDenormal, a, ref flags);
            if (!X87.Commit(f, flags))
            {
                // An unmasked exception still reports the comparison, but nothing is popped.
                SetCompareResult(cpu, f, result, eflags);
                return;
            }
        }
        SetCompareResult(cpu, f, result, eflags);
        for (int k = 0; k < pops; k++) X87.Pop(f);
    }

    static void SetCompareResult(Cpu cpu, X87State* f, int result, bool eflags)
    {
        if (eflags)
        {
            ulong v = result switch
            {
                F80.Less => Flags.CF,
                F80.Equal => Flags.ZF,
                F80.Greater => 0,
                _ => Flags.ZF | Flags.PF | Flags.CF,
            };
            Flags.SetArith(cpu.S, v);
            f->Status &= unchecked((ushort)~X87.C1);
        }
        else
        {
            uint cc = result switch
            {
                F80.Less => X87.C0,
                F80.Equal => X87.C3,
                F80.Greater => 0,
                _ => X87.C0 | X87.C2 | X87.C3,
            };
            X87.SetCond(f, cc);
        }
    }

    static void Ftst(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        int result;
        if (X87.IsEmpty(f, 0))
        {
            if (!X87.StackFault(f, false)) return;
            result = F80.Unordered;
        }
        else
        {
            uint flags = 0;
            result = F80.Compare(X87.Get(f, 0), Float80.Zero(false), false, ref flags);
            X87.Commit(f, flags);
        }
        SetCompareResult(cpu, f, result, false);
    }

    static void Fxam(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        Float80 v = X87.Get(f, 0);
        uint cc = X87.IsEmpty(f, 0) ? X87.C3 | X87.C0 | (v.Sign ? X87.C1 : 0u) : F80.Examine(v);
        X87.SetCond(f, cc);
    }
}
