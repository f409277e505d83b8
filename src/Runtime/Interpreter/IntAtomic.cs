using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using static UniJit.Runtime.Interpreter.Operands;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// Locked read-modify-write instructions (the <c>lock</c> prefix, and <c>xchg</c> with memory, which is
/// always locked), atomic with respect to every other guest thread: the guest's memory is host memory,
/// so each one becomes a host compare-and-swap on the same bytes. xchg and cmpxchg map to one host
/// exchange or compare-exchange; the other operations load the old value, compute the new one with
/// the shared ALU semantics and retry if another thread changed the value meanwhile (the lazy flags
/// are put back before each retry, since adc/sbb read CF). <see cref="HandlerTable.For"/> picks these
/// handlers, for the interpreter and for the IL tier's fallback calls alike. cmpxchg16b takes a process
/// lock instead (.NET has no 128-bit compare-exchange); it is atomic only against other cmpxchg16b.
/// </summary>
public static unsafe class IntAtomic
{
    /// <summary>The atomic handler for a locked form of <paramref name="m"/>, or null.</summary>
    public static delegate*<Cpu, in Instruction, void> For(Mnemonic m) => m switch
    {
        Mnemonic.Add or Mnemonic.Adc or Mnemonic.Sub or Mnemonic.Sbb or Mnemonic.And or Mnemonic.Or or Mnemonic.Xor
            or Mnemonic.Inc or Mnemonic.Dec or Mnemonic.Neg or Mnemonic.Not => &LockedAlu,
        Mnemonic.Xchg => &LockedXchg,
        Mnemonic.Cmpxchg => &LockedCmpxchg,
        Mnemonic.Xadd => &LockedXadd,
        Mnemonic.Cmpxchg8b => &LockedCmpxchg8b,
        Mnemonic.Cmpxchg16b => &LockedCmpxchg16b,
        Mnemonic.Bts or Mnemonic.Btr or Mnemonic.Btc => &LockedBit,
        _ => null,
    };

    static ulong Load(byte* p, int z) => z switch
    {
        1 => Volatile.Read(ref *p),
        2 => Volatile.Read(ref *(ushort*)p),
        4 => Volatile.Read(ref *(uint*)p),
        _ => Volatile.Read(ref *(ulong*)p),
    };

    /// <summary>Compare-and-swap of <paramref name="z"/> bytes; returns the value found.</summary>
    static ulong Cas(byte* p, int z, ulong expect, ulong value) => z switch
    {
        1 => Interlocked.CompareExchange(ref *p, (byte)value, (byte)expect),
        2 => Interlocked.CompareExchange(ref *(ushort*)p, (ushort)value, (ushort)expect),
        4 => Interlocked.CompareExchange(ref *(uint*)p, (uint)value, (uint)expect),
        _ => Interlocked.CompareExchange(ref *(ulong*)p, value, expect),
    };

    static byte* Target(CpuState* s, in Instruction i, ulong a, int z)
    {
        GuestMemory.R(a, (uint)z);
        return GuestMemory.W(a, (uint)z);
    }

    static void LockedAlu(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        byte* p = Target(s, in i, Ea(s, in i), z);
        ulong src = i.OpCount > 1 ? Read(s, in i, 1, z) : 0;
        var m = i.Mnemonic;
        // The flags as they were: adc and sbb read CF, and every attempt records new flags.
        ulong rflags = s->Rflags, fdst = s->FlagDst, fsrc = s->FlagSrc, fres = s->FlagRes;
        var fop = s->FlagOp;
        var fsize = s->FlagSize;
        while (true)
        {
            ulong old = Load(p, z);
            ulong nv = m switch
            {
                Mnemonic.Add => Alu.Add(s, z, old, src),
                Mnemonic.Adc => Alu.Adc(s, z, old, src),
                Mnemonic.Sub => Alu.Sub(s, z, old, src),
                Mnemonic.Sbb => Alu.Sbb(s, z, old, src),
                Mnemonic.And => Alu.And(s, z, old, src),
                Mnemonic.Or => Alu.Or(s, z, old, src),
                Mnemonic.Xor => Alu.Xor(s, z, old, src),
                Mnemonic.Inc => Alu.Inc(s, z, old),
                Mnemonic.Dec => Alu.Dec(s, z, old),
                Mnemonic.Neg => Alu.Neg(s, z, old),
                _ => ~old,
            };
            if (Cas(p, z, old, nv) == old) return;
            s->Rflags = rflags; s->FlagDst = fdst; s->FlagSrc = fsrc; s->FlagRes = fres;
            s->FlagOp = fop; s->FlagSize = fsize;
        }
    }

    static void LockedXchg(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        int mo = i.Op0Kind == OpKind.Memory ? 0 : 1;
        var r = i.GetOpRegister(1 - mo);
        byte* p = Target(s, in i, Ea(s, in i), z);
        ulong v = ReadReg(s, r);
        ulong old = z switch
        {
            1 => Interlocked.Exchange(ref *p, (byte)v),
            2 => Interlocked.Exchange(ref *(ushort*)p, (ushort)v),
            4 => Interlocked.Exchange(ref *(uint*)p, (uint)v),
            _ => Interlocked.Exchange(ref *(ulong*)p, v),
        };
        WriteReg(s, r, old);
    }

    static Register Accumulator(int z) => z switch { 1 => Register.AL, 2 => Register.AX, 4 => Register.EAX, _ => Register.RAX };

    static void LockedCmpxchg(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        byte* p = Target(s, in i, Ea(s, in i), z);
        ulong acc = ReadReg(s, Accumulator(z)) & Flags.Mask(z);
        ulong seen = Cas(p, z, acc, ReadReg(s, i.Op1Register));
        Alu.Sub(s, z, acc, seen);
        if (seen != acc) WriteReg(s, Accumulator(z), seen);
    }

    static void LockedXadd(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        byte* p = Target(s, in i, Ea(s, in i), z);
        ulong src = ReadReg(s, i.Op1Register);
        while (true)
        {
            ulong old = Load(p, z);
            ulong sum = Alu.Add(s, z, old, src);
            if (Cas(p, z, old, sum) == old)
            {
                WriteReg(s, i.Op1Register, old);
                return;
            }
        }
    }

    static void LockedCmpxchg8b(Cpu c, in Instruction i)
    {
        var s = c.S;
        byte* p = Target(s, in i, Ea(s, in i), 8);
        ulong expect = ((s->Gpr[2] & 0xFFFFFFFF) << 32) | (s->Gpr[0] & 0xFFFFFFFF);
        ulong value = ((s->Gpr[1] & 0xFFFFFFFF) << 32) | (s->Gpr[3] & 0xFFFFFFFF);
        ulong seen = Interlocked.CompareExchange(ref *(ulong*)p, value, expect);
        if (seen == expect) Flags.SetEager(s, Flags.ZF, Flags.ZF);
        else
        {
            s->Gpr[0] = (uint)seen; s->Gpr[2] = seen >> 32;
            Flags.SetEager(s, Flags.ZF, 0);
        }
    }

    static readonly object wide = new();

    static void LockedCmpxchg16b(Cpu c, in Instruction i)
    {
        lock (wide) HandlerTable.ByCode[(int)i.Code](c, in i);
    }

    /// <summary>lock bts/btr/btc: the byte that holds the bit is swapped atomically.</summary>
    static void LockedBit(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = Size(in i, 0);
        int bits = z * 8;
        long offset = i.Op1Kind == OpKind.Register
            ? Alu.SignExtend(ReadReg(s, i.Op1Register), z)
            : (long)(i.GetImmediate(1) & (ulong)(bits - 1));
        ulong addr = Ea(s, in i);
        if (i.Op1Kind == OpKind.Register) addr += (ulong)((offset >> (bits == 64 ? 6 : bits == 32 ? 5 : 4)) * z);
        int bit = (int)(offset & (bits - 1));
        Target(s, in i, addr, z); // the whole operand must be accessible, as for the unlocked form
        byte* p = GuestMemory.Host(addr + (ulong)(bit >> 3));
        byte mask = (byte)(1 << (bit & 7));
        while (true)
        {
            byte old = Volatile.Read(ref *p);
            byte nv = i.Mnemonic switch
            {
                Mnemonic.Bts => (byte)(old | mask),
                Mnemonic.Btr => (byte)(old & ~mask),
                _ => (byte)(old ^ mask),
            };
            if (Interlocked.CompareExchange(ref *p, nv, old) == old)
            {
                Flags.SetEager(s, Flags.CF, (old & mask) != 0 ? Flags.CF : 0);
                return;
            }
        }
    }
}
