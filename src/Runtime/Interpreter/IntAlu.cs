using Reg = Iced.Intel.Register;
using Iced.Intel;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using static UniJit.Runtime.Interpreter.Operands;

namespace UniJit.Runtime.Interpreter;

public static unsafe partial class IntegerHandlers
{
    // Two-operand ALU: op0 = op0 OP op1. A memory destination is read and written at the same address.
    static void AddH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.Add(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z))); }
    static void AdcH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.Adc(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z))); }
    static void SubH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.Sub(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z))); }
    static void SbbH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.Sbb(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z))); }
    static void AndH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.And(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z))); }
    static void OrH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.Or(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z))); }

    static void XorH(Cpu c, in Instruction i)
    {
        int z = Size(in i, 0);
        // xor r, r: the common zeroing idiom needs no reads.
        if (i.Op0Kind == OpKind.Register && i.Op1Kind == OpKind.Register && i.Op0Register == i.Op1Register)
        {
            WriteReg(c.S, i.Op0Register, 0);
            Flags.Record(c.S, FlagOp.Logic, z, 0, 0, 0);
            return;
        }
        Write(c.S, in i, 0, z, Alu.Xor(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z)));
    }

    static void CmpH(Cpu c, in Instruction i) { int z = Size(in i, 0); Alu.Sub(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z)); }
    static void TestH(Cpu c, in Instruction i) { int z = Size(in i, 0); Alu.And(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z)); }
    static void IncH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.Inc(c.S, z, Read(c.S, in i, 0, z))); }
    static void DecH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.Dec(c.S, z, Read(c.S, in i, 0, z))); }
    static void NegH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, Alu.Neg(c.S, z, Read(c.S, in i, 0, z))); }
    static void NotH(Cpu c, in Instruction i) { int z = Size(in i, 0); Write(c.S, in i, 0, z, ~Read(c.S, in i, 0, z)); }

    // Shifts: the count is op1 (CL or an immediate), or 1 for the D0/D1 forms.
    static int ShiftCount(CpuState* s, in Instruction i) => i.OpCount > 1 ? (int)Read(s, in i, 1, 1) : 1;
    static void ShlH(Cpu c, in Instruction i) { int z = Size(in i, 0); int n = ShiftCount(c.S, in i); Write(c.S, in i, 0, z, Alu.Shl(c.S, z, Read(c.S, in i, 0, z), n)); }
    static void ShrH(Cpu c, in Instruction i) { int z = Size(in i, 0); int n = ShiftCount(c.S, in i); Write(c.S, in i, 0, z, Alu.Shr(c.S, z, Read(c.S, in i, 0, z), n)); }
    static void SarH(Cpu c, in Instruction i) { int z = Size(in i, 0); int n = ShiftCount(c.S, in i); Write(c.S, in i, 0, z, Alu.Sar(c.S, z, Read(c.S, in i, 0, z), n)); }
    static void RolH(Cpu c, in Instruction i) { int z = Size(in i, 0); int n = ShiftCount(c.S, in i); Write(c.S, in i, 0, z, Alu.Rol(c.S, z, Read(c.S, in i, 0, z), n)); }
    static void RorH(Cpu c, in Instruction i) { int z = Size(in i, 0); int n = ShiftCount(c.S, in i); Write(c.S, in i, 0, z, Alu.Ror(c.S, z, Read(c.S, in i, 0, z), n)); }
    static void RclH(Cpu c, in Instruction i) { int z = Size(in i, 0); int n = ShiftCount(c.S, in i); Write(c.S, in i, 0, z, Alu.Rcl(c.S, z, Read(c.S, in i, 0, z), n)); }
    static void RcrH(Cpu c, in Instruction i) { int z = Size(in i, 0); int n = ShiftCount(c.S, in i); Write(c.S, in i, 0, z, Alu.Rcr(c.S, z, Read(c.S, in i, 0, z), n)); }

    static void ShldH(Cpu c, in Instruction i)
    {
        int z = Size(in i, 0);
        int n = (int)Read(c.S, in i, 2, 1);
        ulong r = Alu.Shld(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z), n);
        // Even a zero count writes the destination (a 32-bit register loses its upper half), as on hardware.
        Write(c.S, in i, 0, z, r);
    }

    static void ShrdH(Cpu c, in Instruction i)
    {
        int z = Size(in i, 0);
        int n = (int)Read(c.S, in i, 2, 1);
        ulong r = Alu.Shrd(c.S, z, Read(c.S, in i, 0, z), Read(c.S, in i, 1, z), n);
        Write(c.S, in i, 0, z, r);
    }
}
