using System.Runtime.CompilerServices;
using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// x87 handlers: the table rows and operand plumbing; the arithmetic lives in Semantics/Float80*.cs
/// (<see cref="F80"/>) and the stack/status rules in Semantics/X87Stack.cs (<see cref="X87"/>).
/// Split by group over X87*Handlers.cs. Every mnemonic registers once; operand forms (m32fp, m64fp,
/// m16int, ST(0),ST(i), ST(i),ST(0)) are told apart from Iced's operand kinds and memory size.
/// </summary>
public static unsafe partial class X87Handlers
{
    public static void Register()
    {
        RegisterLoadStore();
        RegisterArith();
        RegisterCompare();
        RegisterControl();
        RegisterTranscendental();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static X87State* Fpu(Cpu cpu) => &cpu.S->Fpu;

    /// <summary>Stack index of register operand <paramref name="op"/> (ST0..ST7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int St(in Instruction i, int op) => i.GetOpRegister(op) - Iced.Intel.Register.ST0;

    /// <summary>Reads the memory operand as a Float80 (conversion flags into <paramref name="flags"/>).</summary>
    static Float80 LoadMem(CpuState* s, in Instruction i, ref uint flags)
    {
        ulong ea = Operands.Ea(s, in i);
        switch (i.MemorySize)
        {
            case MemorySize.Float32: return F80.FromSingle(GuestMemory.Read32(ea), ref flags);
            case MemorySize.Float64: return F80.FromDouble(GuestMemory.Read64(ea), ref flags);
            case MemorySize.Float80: return ReadF80(ea);
            case MemorySize.Int16: return F80.FromInt((short)GuestMemory.Read16(ea));
            case MemorySize.Int32: return F80.FromInt((int)GuestMemory.Read32(ea));
            case MemorySize.Int64: return F80.FromInt((long)GuestMemory.Read64(ea));
            case MemorySize.Bcd: return F80.FromBcd(GuestMemory.Read64(ea), GuestMemory.Read16(ea + 8));
            default: throw new InvalidOperationException($"x87 memory operand {i.MemorySize}");
        }
    }

    /// <summary>Reads an arithmetic or comparison source operand from memory: binary32/64 SNaNs stay
    /// signalling and a denormal source is reported in <paramref name="denormal"/>, so that the operation
    /// applies the NaN and DE rules as for a register operand.</summary>
    static Float80 LoadOperand(CpuState* s, in Instruction i, out bool denormal)
    {
        ulong ea = Operands.Ea(s, in i);
        s->Fpu.LastDp = ea;
        denormal = false;
        switch (i.MemorySize)
        {
            case MemorySize.Float32: return F80.FromIeeeOperand(GuestMemory.Read32(ea), false, out denormal);
            case MemorySize.Float64: return F80.FromIeeeOperand(GuestMemory.Read64(ea), true, out denormal);
            default: uint f = 0; return LoadMem(s, in i, ref f);
        }
    }

    /// <summary>DE for a denormal binary32/64 memory operand, unless the operation was decided by a
    /// NaN, an unsupported encoding, IE or ZE.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void MemDenormal(bool denormal, Float80 other, ref uint flags)
    {
        if (denormal && !other.IsNaN && !other.IsUnsupported && (flags & (F80.IE | F80.ZE)) == 0) flags |= F80.DE;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Float80 ReadF80(ulong ea)
    {
        byte* p = GuestMemory.R(ea, 10);
        return new Float80(*(ulong*)p, *(ushort*)(p + 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WriteF80(ulong ea, Float80 v)
    {
        byte* p = GuestMemory.W(ea, 10);
        *(ulong*)p = v.Mant;
        *(ushort*)(p + 8) = v.SignExp;
    }

    /// <summary>Start of a waiting x87 instruction: pending unmasked exceptions fault; FIP/FOP recorded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static X87State* Begin(Cpu cpu, in Instruction i)
    {
        X87State* f = &cpu.S->Fpu;
        X87.Begin(f, i.IP);
        f->LastIp = i.IP;
        return f;
    }

    /// <summary>Records the data pointer of a memory-operand instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Ea(Cpu cpu, in Instruction i)
    {
        ulong ea = Operands.Ea(cpu.S, in i);
        cpu.S->Fpu.LastDp = ea;
        return ea;
    }
}
