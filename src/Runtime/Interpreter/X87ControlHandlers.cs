using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>Control: fldcw/fnstcw, fnstsw, fnclex, fninit, fnstenv/fldenv, fnsave/frstor,
/// fincstp/fdecstp, fwait, fnop. The "fn" forms do not check pending exceptions; Iced decodes
/// the waiting forms (fstcw = wait + fnstcw, ...) as their own mnemonics, which do.
/// Environment layout: SDM vol. 1, 8.1.10 (28-byte protected-mode format; the 14-byte format
/// with a 66h prefix).</summary>
public static unsafe partial class X87Handlers
{
    static void RegisterControl()
    {
        HandlerTable.Add(Mnemonic.Fldcw, &Fldcw);
        HandlerTable.Add(Mnemonic.Fnstcw, &Fnstcw);
        HandlerTable.Add(Mnemonic.Fstcw, &Fstcw);
        HandlerTable.Add(Mnemonic.Fnstsw, &Fnstsw);
        HandlerTable.Add(Mnemonic.Fstsw, &Fstsw);
        HandlerTable.Add(Mnemonic.Fnclex, &Fnclex);
        HandlerTable.Add(Mnemonic.Fclex, &Fclex);
        HandlerTable.Add(Mnemonic.Fninit, &Fninit);
        HandlerTable.Add(Mnemonic.Finit, &Finit);
        HandlerTable.Add(Mnemonic.Fnstenv, &Fnstenv);
        HandlerTable.Add(Mnemonic.Fstenv, &Fstenv);
        HandlerTable.Add(Mnemonic.Fldenv, &Fldenv);
        HandlerTable.Add(Mnemonic.Fnsave, &Fnsave);
        HandlerTable.Add(Mnemonic.Fsave, &Fsave);
        HandlerTable.Add(Mnemonic.Frstor, &Frstor);
        HandlerTable.Add(Mnemonic.Fincstp, &Fincstp);
        HandlerTable.Add(Mnemonic.Fdecstp, &Fdecstp);
        HandlerTable.Add(Mnemonic.Wait, &Fwait);
        HandlerTable.Add(Mnemonic.Fnop, &Fnop);
        HandlerTable.Add(Mnemonic.Fneni, &Fnoop);
        HandlerTable.Add(Mnemonic.Fndisi, &Fnoop);
        HandlerTable.Add(Mnemonic.Fnsetpm, &Fnoop);
        HandlerTable.Add(Mnemonic.Frstpm, &Fnoop);
        HandlerTable.Add(Mnemonic.Feni, &Fwait);
        HandlerTable.Add(Mnemonic.Fdisi, &Fwait);
        HandlerTable.Add(Mnemonic.Fsetpm, &Fwait);
    }

    /// <summary>Start of a waiting control instruction: pending exceptions fault, but FIP/FDP keep
    /// describing the last non-control instruction (SDM vol. 1, 8.1.8).</summary>
    static X87State* BeginControl(Cpu cpu, in Instruction i)
    {
        X87State* f = &cpu.S->Fpu;
        X87.Begin(f, i.IP);
        return f;
    }

    static void Fldcw(Cpu cpu, in Instruction i)
    {
        var f = BeginControl(cpu, in i);
        X87.LoadControlWord(f, GuestMemory.Read16(Operands.Ea(cpu.S, in i)));
    }

    static void Fnstcw(Cpu cpu, in Instruction i) =>
        GuestMemory.Write16(Operands.Ea(cpu.S, in i), cpu.S->Fpu.Control);

    static void Fstcw(Cpu cpu, in Instruction i) { BeginControl(cpu, in i); Fnstcw(cpu, in i); }

    static void Fnstsw(Cpu cpu, in Instruction i)
    {
        ushort sw = X87.StatusWord(&cpu.S->Fpu);
        if (i.Op0Kind == OpKind.Register) Operands.WriteReg(cpu.S, Iced.Intel.Register.AX, sw);
        else GuestMemory.Write16(Operands.Ea(cpu.S, in i), sw);
    }

    static void Fstsw(Cpu cpu, in Instruction i) { BeginControl(cpu, in i); Fnstsw(cpu, in i); }

    static void Fnclex(Cpu cpu, in Instruction i) => cpu.S->Fpu.Status &= 0x7F00;
    static void Fclex(Cpu cpu, in Instruction i) { BeginControl(cpu, in i); Fnclex(cpu, in i); }

    static void Fninit(Cpu cpu, in Instruction i) => X87.Init(&cpu.S->Fpu);
    static void Finit(Cpu cpu, in Instruction i) { BeginControl(cpu, in i); Fninit(cpu, in i); }

    static void Fnstenv(Cpu cpu, in Instruction i)
    {
        var f = &cpu.S->Fpu;
        StoreEnv(f, Operands.Ea(cpu.S, in i), i.MemorySize == MemorySize.FpuEnv14);
        // fnstenv leaves all exceptions masked (SDM vol. 2, FSTENV).
        f->Control |= 0x3F;
    }

    static void Fstenv(Cpu cpu, in Instruction i) { BeginControl(cpu, in i); Fnstenv(cpu, in i); }

    static void Fldenv(Cpu cpu, in Instruction i)
    {
        var f = BeginControl(cpu, in i);
        LoadEnv(f, Operands.Ea(cpu.S, in i), i.MemorySize == MemorySize.FpuEnv14);
    }

    static void Fnsave(Cpu cpu, in Instruction i)
    {
        var f = &cpu.S->Fpu;
        ulong ea = Operands.Ea(cpu.S, in i);
        bool small = i.MemorySize == MemorySize.FpuState94;
        GuestMemory.W(ea, small ? 94u : 108u);
        int regs = StoreEnv(f, ea, small);
        for (int k = 0; k < 8; k++) WriteF80(ea + (ulong)(regs + 10 * k), X87.Get(f, k));
        X87.Init(f);
    }

    static void Fsave(Cpu cpu, in Instruction i) { BeginControl(cpu, in i); Fnsave(cpu, in i); }

    static void Frstor(Cpu cpu, in Instruction i)
    {
        var f = BeginControl(cpu, in i);
        ulong ea = Operands.Ea(cpu.S, in i);
        bool small = i.MemorySize == MemorySize.FpuState94;
        GuestMemory.R(ea, small ? 94u : 108u);
        int regs = small ? 14 : 28;
        ushort top = (ushort)((GuestMemory.Read16(ea + (small ? 2UL : 4UL)) >> 11) & 7);
        for (int k = 0; k < 8; k++)
        {
            var v = ReadF80(ea + (ulong)(regs + 10 * k));
            int p = (top + k) & 7;
            f->Mantissa[p] = v.Mant;
            f->SignExp[p] = v.SignExp;
        }
        LoadEnv(f, ea, small);
    }

    /// <summary>Writes the environment; returns its size (where fnsave's registers start).</summary>
    static int StoreEnv(X87State* f, ulong ea, bool small)
    {
        ushort cw = f->Control, sw = X87.StatusWord(f), tw = X87.TagWord(f);
        if (small)
        {
            GuestMemory.W(ea, 14);
            GuestMemory.Write16(ea, cw);
            GuestMemory.Write16(ea + 2, sw);
            GuestMemory.Write16(ea + 4, tw);
            GuestMemory.Write16(ea + 6, (ushort)f->LastIp);
            GuestMemory.Write16(ea + 8, f->LastOpcode);
            GuestMemory.Write16(ea + 10, (ushort)f->LastDp);
            GuestMemory.Write16(ea + 12, 0);
            return 14;
        }
        GuestMemory.W(ea, 28);
        GuestMemory.Write32(ea, 0xFFFF0000u | cw);
        GuestMemory.Write32(ea + 4, 0xFFFF0000u | sw);
        GuestMemory.Write32(ea + 8, 0xFFFF0000u | tw);
        GuestMemory.Write32(ea + 12, (uint)f->LastIp);
        GuestMemory.Write32(ea + 16, (uint)(f->LastOpcode & 0x7FF) << 16);
        GuestMemory.Write32(ea + 20, (uint)f->LastDp);
        GuestMemory.Write32(ea + 24, 0xFFFF0000u);
        return 28;
    }

    static void LoadEnv(X87State* f, ulong ea, bool small)
    {
        GuestMemory.R(ea, small ? 14u : 28u);
        ulong step = small ? 2UL : 4UL;
        ushort cw = GuestMemory.Read16(ea), sw = GuestMemory.Read16(ea + step), tw = GuestMemory.Read16(ea + 2 * step);
        f->Control = (ushort)((cw & 0x1F7F) | 0x40);
        X87.LoadStatusWord(f, sw);
        X87.LoadTagWord(f, tw);
        f->LastIp = GuestMemory.Read32(ea + 3 * step);
        f->LastDp = small ? GuestMemory.Read16(ea + 10) : GuestMemory.Read32(ea + 20);
    }

    static void Fincstp(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        X87.SetTop(f, f->Top + 1);
        f->Status &= unchecked((ushort)~X87.C1);
    }

    static void Fdecstp(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        X87.SetTop(f, f->Top - 1);
        f->Status &= unchecked((ushort)~X87.C1);
    }

    static void Fwait(Cpu cpu, in Instruction i) => X87.Begin(&cpu.S->Fpu, i.IP);
    static void Fnop(Cpu cpu, in Instruction i) => Begin(cpu, in i);
    static void Fnoop(Cpu cpu, in Instruction i) { }
}
