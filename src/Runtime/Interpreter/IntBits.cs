using Reg = Iced.Intel.Register;
using System.Buffers.Binary;
using System.Numerics;
using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using static UniJit.Runtime.Interpreter.Operands;

namespace UniJit.Runtime.Interpreter;

public static unsafe partial class IntegerHandlers
{
    /// <summary>bt family: 0 = bt, 1 = bts, 2 = btr, 3 = btc. With a register bit offset and a memory
    /// operand the offset is signed and may address outside the operand (Intel SDM, BT).</summary>
    static void BitTest(Cpu c, in Instruction i, int kind)
    {
        var s = c.S;
        int z = Size(in i, 0);
        int bits = z * 8;
        long offset;
        if (i.Op1Kind == OpKind.Register) offset = Alu.SignExtend(ReadReg(s, i.Op1Register), z);
        else offset = (long)(i.GetImmediate(1) & (ulong)(bits - 1));
        ulong v, addr = 0;
        bool mem = i.Op0Kind == OpKind.Memory;
        int bit;
        if (mem)
        {
            addr = Ea(s, in i);
            if (i.Op1Kind == OpKind.Register) addr += (ulong)((offset >> (bits == 64 ? 6 : bits == 32 ? 5 : 4)) * z);
            bit = (int)(offset & (bits - 1));
            v = GuestMemory.Read(addr, z);
        }
        else
        {
            bit = (int)(offset & (bits - 1));
            v = ReadReg(s, i.Op0Register);
        }
        bool cf = ((v >> bit) & 1) != 0;
        Flags.SetEager(s, Flags.CF, cf ? Flags.CF : 0);
        if (kind == 0) return;
        ulong nv = kind switch { 1 => v | (1UL << bit), 2 => v & ~(1UL << bit), _ => v ^ (1UL << bit) };
        if (mem) GuestMemory.Write(addr, z, nv);
        else WriteReg(s, i.Op0Register, nv);
    }

    static void BtH(Cpu c, in Instruction i) => BitTest(c, in i, 0);
    static void BtsH(Cpu c, in Instruction i) => BitTest(c, in i, 1);
    static void BtrH(Cpu c, in Instruction i) => BitTest(c, in i, 2);
    static void BtcH(Cpu c, in Instruction i) => BitTest(c, in i, 3);

    static void BsfH(Cpu c, in Instruction i)
    {
        int z = Size(in i, 0);
        ref ulong dst = ref c.S->Gpr[GprIndex(i.Op0Register)];
        ulong r = Bits.Bsf(c.S, Read(c.S, in i, 1, z), dst);
        if (z == 2) WriteReg(c.S, i.Op0Register, r); else dst = r;
    }

    static void BsrH(Cpu c, in Instruction i)
    {
        int z = Size(in i, 0);
        ref ulong dst = ref c.S->Gpr[GprIndex(i.Op0Register)];
        ulong r = Bits.Bsr(c.S, Read(c.S, in i, 1, z), dst);
        if (z == 2) WriteReg(c.S, i.Op0Register, r); else dst = r;
    }

    static void TzcntH(Cpu c, in Instruction i) { int z = Size(in i, 0); WriteReg(c.S, i.Op0Register, Bits.Tzcnt(c.S, z, Read(c.S, in i, 1, z))); }
    static void LzcntH(Cpu c, in Instruction i) { int z = Size(in i, 0); WriteReg(c.S, i.Op0Register, Bits.Lzcnt(c.S, z, Read(c.S, in i, 1, z))); }
    static void PopcntH(Cpu c, in Instruction i) { int z = Size(in i, 0); WriteReg(c.S, i.Op0Register, Bits.Popcnt(c.S, Read(c.S, in i, 1, z))); }
    static void BswapH(Cpu c, in Instruction i) { int z = Size(in i, 0); WriteReg(c.S, i.Op0Register, Bits.Bswap(z, ReadReg(c.S, i.Op0Register))); }

    static void MovbeH(Cpu c, in Instruction i)
    {
        int z = Size(in i, 0);
        ulong v = Read(c.S, in i, 1, z);
        ulong r = z switch
        {
            2 => BinaryPrimitives.ReverseEndianness((ushort)v),
            4 => BinaryPrimitives.ReverseEndianness((uint)v),
            _ => BinaryPrimitives.ReverseEndianness(v),
        };
        Write(c.S, in i, 0, z, r);
    }
}
