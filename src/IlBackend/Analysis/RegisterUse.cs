using Iced.Intel;
using UniJit.Runtime.Interpreter;

namespace UniJit.IlBackend.Analysis;

/// <summary>
/// Which general registers an instruction that runs through its interpreter handler touches, from
/// Iced's instruction info: the registers it uses in any way are stored to the state before the
/// call, those it may write are loaded back after. Instructions that enter the kernel or change
/// control flow are treated as touching all sixteen.
/// </summary>
public static class RegisterUse
{
    [ThreadStatic] static InstructionInfoFactory? factory;

    /// <summary>True for instructions whose handler may read or write any register (system calls,
    /// traps, and control flow the IL tier leaves to the interpreter).</summary>
    public static bool TouchesAll(in Instruction i) =>
        i.FlowControl is not (FlowControl.Next or FlowControl.ConditionalBranch or FlowControl.UnconditionalBranch
            or FlowControl.IndirectBranch or FlowControl.Call or FlowControl.IndirectCall or FlowControl.Return)
        || i.Code == Code.Syscall || i.Mnemonic is Mnemonic.Cpuid or Mnemonic.Xgetbv or Mnemonic.Rdtsc or Mnemonic.Rdtscp;

    /// <summary>(used, written) per Iced's instruction info: bit n stands for general register n.
    /// Every register touched counts as used (so a partial write merges into the right value).</summary>
    public static (int used, int written) Of(in Instruction i)
    {
        factory ??= new InstructionInfoFactory();
        var info = factory.GetInfo(in i);
        int used = 0, written = 0;
        foreach (var u in info.GetUsedRegisters())
        {
            var r = u.Register;
            if (!Operands.IsGpr(r)) continue;
            int bit = 1 << Operands.GprIndex(r);
            used |= bit;
            if (u.Access is OpAccess.Write or OpAccess.CondWrite or OpAccess.ReadWrite or OpAccess.ReadCondWrite) written |= bit;
        }
        foreach (var m in info.GetUsedMemory())
        {
            if (Operands.IsGpr(m.Base)) used |= 1 << Operands.GprIndex(m.Base);
            if (Operands.IsGpr(m.Index)) used |= 1 << Operands.GprIndex(m.Index);
        }
        return (used, written);
    }

    /// <summary>The XMM registers the instruction may write, per Iced's instruction info: bit n stands
    /// for XMMn (a YMM or ZMM register counts as its XMM part).</summary>
    public static int XmmWritten(in Instruction i)
    {
        factory ??= new InstructionInfoFactory();
        var info = factory.GetInfo(in i);
        int written = 0;
        foreach (var u in info.GetUsedRegisters())
        {
            if (u.Access is not (OpAccess.Write or OpAccess.CondWrite or OpAccess.ReadWrite or OpAccess.ReadCondWrite)) continue;
            int n = u.Register switch
            {
                >= Register.XMM0 and <= Register.XMM15 => u.Register - Register.XMM0,
                >= Register.YMM0 and <= Register.YMM15 => u.Register - Register.YMM0,
                >= Register.ZMM0 and <= Register.ZMM15 => u.Register - Register.ZMM0,
                _ => -1,
            };
            if (n >= 0) written |= 1 << n;
        }
        return written;
    }
}
