using Reg = Iced.Intel.Register;
using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using static UniJit.Runtime.Interpreter.Operands;

namespace UniJit.Runtime.Interpreter;

public static unsafe partial class IntegerHandlers
{
    static void MovH(Cpu c, in Instruction i)
    {
        var s = c.S;
        var k0 = i.Op0Kind;
        var k1 = i.Op1Kind;
        if (k0 == OpKind.Register && !IsGpr(i.Op0Register) || k1 == OpKind.Register && !IsGpr(i.Op1Register))
        {
            MovSegment(c, in i);
            return;
        }
        int z = Size(in i, 0);
        Write(s, in i, 0, z, Read(s, in i, 1, z));
    }

    /// <summary>mov to or from a segment register: reads give the null selector, writes of a null selector are accepted.</summary>
    static void MovSegment(Cpu c, in Instruction i)
    {
        if (i.Op1Kind == OpKind.Register && i.Op1Register >= Reg.ES && i.Op1Register <= Reg.GS)
        {
            int z = i.Op0Kind == OpKind.Register ? RegSize(i.Op0Register) : 2;
            Write(c.S, in i, 0, z, 0);
            return;
        }
        throw new GuestSignalException(Signals.SIGSEGV, 0x80, 0, $"unsupported segment register write {HandlerTable.Describe(in i)}");
    }

    static void MovzxH(Cpu c, in Instruction i)
    {
        int zs = Size(in i, 1);
        WriteReg(c.S, i.Op0Register, Read(c.S, in i, 1, zs));
    }

    static void MovsxH(Cpu c, in Instruction i)
    {
        int zs = Size(in i, 1);
        WriteReg(c.S, i.Op0Register, (ulong)Alu.SignExtend(Read(c.S, in i, 1, zs), zs));
    }

    /// <summary>lea: the effective address without any segment base.</summary>
    static void LeaH(Cpu c, in Instruction i)
    {
        var s = c.S;
        ulong a = i.MemoryDisplacement64;
        Reg b = i.MemoryBase;
        if (b != Reg.None && b != Reg.RIP && b != Reg.EIP) a += ReadReg(s, b);
        Reg x = i.MemoryIndex;
        if (x != Reg.None) a += ReadReg(s, x) * (ulong)i.MemoryIndexScale;
        if (b != Reg.None && RegSize(b) == 4 || x != Reg.None && RegSize(x) == 4 || b == Reg.EIP) a = (uint)a;
        WriteReg(s, i.Op0Register, a);
    }

    static void XchgH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        if (i.Op0Kind == OpKind.Memory || i.Op1Kind == OpKind.Memory)
        {
            int mo = i.Op0Kind == OpKind.Memory ? 0 : 1;
            Reg r = i.GetOpRegister(1 - mo);
            ulong a = Ea(s, in i);
            ulong old = GuestMemory.Read(a, z);
            GuestMemory.Write(a, z, ReadReg(s, r));
            WriteReg(s, r, old);
            return;
        }
        ulong v0 = ReadReg(s, i.Op0Register), v1 = ReadReg(s, i.Op1Register);
        WriteReg(s, i.Op0Register, v1);
        WriteReg(s, i.Op1Register, v0);
    }

    static Reg Accumulator(int z) => z switch { 1 => Reg.AL, 2 => Reg.AX, 4 => Reg.EAX, _ => Reg.RAX };

    static void CmpxchgH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        ulong dst = Read(s, in i, 0, z);
        ulong acc = ReadReg(s, Accumulator(z));
        Alu.Sub(s, z, acc, dst);
        if (acc == dst) Write(s, in i, 0, z, ReadReg(s, i.Op1Register));
        else
        {
            if (i.Op0Kind == OpKind.Memory) Write(s, in i, 0, z, dst); // the processor writes the old value back
            WriteReg(s, Accumulator(z), dst);
        }
    }

    static void XaddH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        ulong dst = Read(s, in i, 0, z), src = ReadReg(s, i.Op1Register);
        ulong sum = Alu.Add(s, z, dst, src);
        WriteReg(s, i.Op1Register, dst);
        Write(s, in i, 0, z, sum);
    }

    static void Cmpxchg8bH(Cpu c, in Instruction i)
    {
        var s = c.S;
        ulong a = Ea(s, in i);
        ulong m = GuestMemory.Read64(a);
        ulong expect = ((s->Gpr[2] & 0xFFFFFFFF) << 32) | (s->Gpr[0] & 0xFFFFFFFF);
        if (m == expect)
        {
            GuestMemory.Write64(a, ((s->Gpr[1] & 0xFFFFFFFF) << 32) | (s->Gpr[3] & 0xFFFFFFFF));
            Flags.SetEager(s, Flags.ZF, Flags.ZF);
        }
        else
        {
            GuestMemory.Write64(a, m);
            s->Gpr[0] = (uint)m; s->Gpr[2] = m >> 32;
            Flags.SetEager(s, Flags.ZF, 0);
        }
    }

    static void Cmpxchg16bH(Cpu c, in Instruction i)
    {
        var s = c.S;
        ulong a = Ea(s, in i);
        if ((a & 15) != 0) throw new GuestSignalException(Signals.SIGSEGV, 0x80, 0);
        ulong lo = GuestMemory.Read64(a), hi = GuestMemory.Read64(a + 8);
        if (lo == s->Gpr[0] && hi == s->Gpr[2])
        {
            GuestMemory.Write64(a, s->Gpr[3]);
            GuestMemory.Write64(a + 8, s->Gpr[1]);
            Flags.SetEager(s, Flags.ZF, Flags.ZF);
        }
        else
        {
            GuestMemory.Write64(a, lo);
            GuestMemory.Write64(a + 8, hi);
            s->Gpr[0] = lo; s->Gpr[2] = hi;
            Flags.SetEager(s, Flags.ZF, 0);
        }
    }

    /// <summary>cbw / cwde / cdqe: sign-extend the lower half of the accumulator into all of it.</summary>
    static void CbwH(Cpu c, in Instruction i)
    {
        var s = c.S;
        switch (i.Mnemonic)
        {
            case Mnemonic.Cbw: WriteReg(s, Reg.AX, (ulong)(long)(sbyte)s->Gpr[0]); break;
            case Mnemonic.Cwde: WriteReg(s, Reg.EAX, (ulong)(long)(short)s->Gpr[0]); break;
            default: s->Gpr[0] = (ulong)(long)(int)s->Gpr[0]; break;
        }
    }

    /// <summary>cwd / cdq / cqo: fill rDX with the accumulator's sign.</summary>
    static void CwdH(Cpu c, in Instruction i)
    {
        var s = c.S;
        switch (i.Mnemonic)
        {
            case Mnemonic.Cwd: WriteReg(s, Reg.DX, (short)s->Gpr[0] < 0 ? 0xFFFFUL : 0); break;
            case Mnemonic.Cdq: WriteReg(s, Reg.EDX, (int)s->Gpr[0] < 0 ? 0xFFFFFFFFUL : 0); break;
            default: s->Gpr[2] = (long)s->Gpr[0] < 0 ? ulong.MaxValue : 0; break;
        }
    }

    /// <summary>Iced's ConditionCode enum is None followed by o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g.</summary>
    static int Cc(in Instruction i) => (int)i.ConditionCode - 1;

    static void SetccH(Cpu c, in Instruction i) => Write(c.S, in i, 0, 1, Flags.Cond(c.S, Cc(in i)) ? 1UL : 0);

    static void CmovccH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        ulong v = Read(s, in i, 1, z); // the source is read (and may fault) whatever the condition
        // In 64-bit mode a 32-bit cmov writes (zero-extends) the destination even when the condition is false.
        WriteReg(s, i.Op0Register, Flags.Cond(s, Cc(in i)) ? v : ReadReg(s, i.Op0Register));
    }

    static void LahfH(Cpu c, in Instruction i)
    {
        ulong f = Flags.Get(c.S);
        WriteReg(c.S, Reg.AH, (f & 0xD5) | 2);
    }

    static void SahfH(Cpu c, in Instruction i)
    {
        ulong ah = (c.S->Gpr[0] >> 8) & 0xFF;
        Flags.SetEager(c.S, Flags.CF | Flags.PF | Flags.AF | Flags.ZF | Flags.SF, ah);
    }

    static void PushH(Cpu c, in Instruction i)
    {
        var s = c.S;
        if (i.Op0Kind == OpKind.Register && !IsGpr(i.Op0Register)) { Push(s, 0); return; } // push fs/gs: null selector
        int z = i.Op0Kind == OpKind.Register ? RegSize(i.Op0Register) : i.Op0Kind == OpKind.Memory ? Size(in i, 0) : i.StackPointerIncrement == -2 ? 2 : 8;
        ulong v = Read(s, in i, 0, z == 2 ? 2 : 8);
        if (i.Op0Kind != OpKind.Register && i.Op0Kind != OpKind.Memory) v = i.GetImmediate(0); // sign-extended immediate
        if (z == 2)
        {
            ulong sp = s->Gpr[4] - 2;
            GuestMemory.Write16(sp, (ushort)v);
            s->Gpr[4] = sp;
        }
        else Push(s, v);
    }

    static void PopH(Cpu c, in Instruction i)
    {
        var s = c.S;
        if (i.Op0Kind == OpKind.Register && !IsGpr(i.Op0Register)) { Pop(s); return; }
        int z = i.Op0Kind == OpKind.Register ? RegSize(i.Op0Register) : Size(in i, 0);
        ulong sp = s->Gpr[4];
        ulong v = GuestMemory.Read(sp, z);
        s->Gpr[4] = sp + (ulong)z;
        // pop to memory computes its address with the incremented RSP.
        Write(s, in i, 0, z, v);
    }

    static void PushfH(Cpu c, in Instruction i)
    {
        ulong f = Flags.Get(c.S) & ~(Flags.TF | (1UL << 16) | (1UL << 17));
        if (i.Mnemonic == Mnemonic.Pushf) { ulong sp = c.S->Gpr[4] - 2; GuestMemory.Write16(sp, (ushort)f); c.S->Gpr[4] = sp; }
        else Push(c.S, f);
    }

    static void PopfH(Cpu c, in Instruction i)
    {
        ulong v;
        if (i.Mnemonic == Mnemonic.Popf) { v = GuestMemory.Read16(c.S->Gpr[4]); c.S->Gpr[4] += 2; v |= Flags.Get(c.S) & ~0xFFFFUL; }
        else v = Pop(c.S);
        Flags.Set(c.S, v);
    }

    static void ClcH(Cpu c, in Instruction i) => Flags.SetEager(c.S, Flags.CF, 0);
    static void StcH(Cpu c, in Instruction i) => Flags.SetEager(c.S, Flags.CF, Flags.CF);
    static void CmcH(Cpu c, in Instruction i) => Flags.SetEager(c.S, Flags.CF, Flags.GetCF(c.S) ? 0 : Flags.CF);
    static void CldH(Cpu c, in Instruction i) => c.S->Rflags &= ~Flags.DF;
    static void StdH(Cpu c, in Instruction i) => c.S->Rflags |= Flags.DF;
}
