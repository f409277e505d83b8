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

    public static (int used, int written) Of(in Instruction i)
    {
        if (i.FlowControl != FlowControl.Next || i.Code == Code.Syscall || i.Mnemonic is Mnemonic.Cpuid or Mnemonic.Xgetbv
            or Mnemonic.Rdtsc or Mnemonic.Rdtscp)
            return (0xFFFF, 0xFFFF);
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
}
