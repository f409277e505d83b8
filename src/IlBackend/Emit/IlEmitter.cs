using System.Reflection;
using System.Reflection.Emit;
using Iced.Intel;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// The IL-level vocabulary of a region: guest registers as IL locals (loaded at entry, stored at
/// exits and around calls into interpreter handlers), effective addresses, and operand reads and
/// writes at 1, 2, 4 or 8 bytes with x86-64's register merge / zero-extend rules. Memory goes
/// through <see cref="GuestMemory"/>'s checked accessors, which the JIT inlines.
/// Arguments: 0 = <see cref="RegionContext"/>, 1 = <see cref="Cpu"/>, 2 = <see cref="CpuState"/>*.
/// </summary>
public sealed class IlEmitter
{
    public readonly ILGenerator Il;
    readonly LocalBuilder[] regs = new LocalBuilder[16];
    readonly Stack<LocalBuilder> freeTemps = new();

    static readonly MethodInfo read8 = typeof(MemoryCalls).GetMethod(nameof(MemoryCalls.Read8))!;
    static readonly MethodInfo read16 = typeof(MemoryCalls).GetMethod(nameof(MemoryCalls.Read16))!;
    static readonly MethodInfo read32 = typeof(MemoryCalls).GetMethod(nameof(MemoryCalls.Read32))!;
    static readonly MethodInfo read64 = typeof(MemoryCalls).GetMethod(nameof(MemoryCalls.Read64))!;
    static readonly MethodInfo write8 = typeof(MemoryCalls).GetMethod(nameof(MemoryCalls.Write8))!;
    static readonly MethodInfo write16 = typeof(MemoryCalls).GetMethod(nameof(MemoryCalls.Write16))!;
    static readonly MethodInfo write32 = typeof(MemoryCalls).GetMethod(nameof(MemoryCalls.Write32))!;
    static readonly MethodInfo write64 = typeof(MemoryCalls).GetMethod(nameof(MemoryCalls.Write64))!;

    public IlEmitter(ILGenerator il)
    {
        Il = il;
        for (int i = 0; i < 16; i++) regs[i] = il.DeclareLocal(typeof(ulong));
    }

    public LocalBuilder Temp()
    {
        return freeTemps.Count > 0 ? freeTemps.Pop() : Il.DeclareLocal(typeof(ulong));
    }

    public void Free(LocalBuilder t) => freeTemps.Push(t);

    public void LdState() => Il.Emit(OpCodes.Ldarg_2);

    /// <summary>Pushes the address of the state field at byte offset <paramref name="off"/>.</summary>
    public void LdStateAddr(int off)
    {
        LdState();
        if (off != 0) { Il.Emit(OpCodes.Ldc_I4, off); Il.Emit(OpCodes.Add); }
    }

    public void LdConst(ulong v) => Il.Emit(OpCodes.Ldc_I8, unchecked((long)v));

    /// <summary>Stores the register locals in <paramref name="mask"/> (bit n = register n) into the state.</summary>
    public void Spill(int mask = 0xFFFF)
    {
        for (int r = 0; r < 16; r++)
            if ((mask & (1 << r)) != 0) SpillOne(r);
    }

    public void SpillOne(int r)
    {
        LdStateAddr(StateLayout.Gpr + r * 8);
        Il.Emit(OpCodes.Ldloc, regs[r]);
        Il.Emit(OpCodes.Stind_I8);
    }

    /// <summary>Loads the register locals in <paramref name="mask"/> from the state.</summary>
    public void Reload(int mask = 0xFFFF)
    {
        for (int r = 0; r < 16; r++)
        {
            if ((mask & (1 << r)) == 0) continue;
            LdStateAddr(StateLayout.Gpr + r * 8);
            Il.Emit(OpCodes.Ldind_I8);
            Il.Emit(OpCodes.Stloc, regs[r]);
        }
    }

    public LocalBuilder RegLocal(int index) => regs[index];

    /// <summary>Pushes the value of a general register, zero-extended to 64 bits.</summary>
    public void LoadReg(Register r)
    {
        int idx = Operands.GprIndex(r), size = Operands.RegSize(r);
        Il.Emit(OpCodes.Ldloc, regs[idx]);
        bool high = r is Register.AH or Register.CH or Register.DH or Register.BH;
        if (high) { Il.Emit(OpCodes.Ldc_I4_8); Il.Emit(OpCodes.Shr_Un); }
        Mask(size);
    }

    /// <summary>Masks the 64-bit value on the stack to <paramref name="size"/> bytes.</summary>
    public void Mask(int size)
    {
        switch (size)
        {
            case 1: Il.Emit(OpCodes.Conv_U1); Il.Emit(OpCodes.Conv_U8); break;
            case 2: Il.Emit(OpCodes.Conv_U2); Il.Emit(OpCodes.Conv_U8); break;
            case 4: Il.Emit(OpCodes.Conv_U4); Il.Emit(OpCodes.Conv_U8); break;
        }
    }

    /// <summary>Sign-extends the value on the stack from <paramref name="size"/> bytes to 64 bits.</summary>
    public void SignExtend(int size)
    {
        switch (size)
        {
            case 1: Il.Emit(OpCodes.Conv_I1); Il.Emit(OpCodes.Conv_I8); break;
            case 2: Il.Emit(OpCodes.Conv_I2); Il.Emit(OpCodes.Conv_I8); break;
            case 4: Il.Emit(OpCodes.Conv_I4); Il.Emit(OpCodes.Conv_I8); break;
        }
    }

    /// <summary>Pops a value and writes it to a general register (merge for 8/16 bits, zero-extend for 32).</summary>
    public void StoreReg(Register r)
    {
        int idx = Operands.GprIndex(r), size = Operands.RegSize(r);
        var loc = regs[idx];
        switch (size)
        {
            case 8: Il.Emit(OpCodes.Stloc, loc); return;
            case 4: Il.Emit(OpCodes.Conv_U4); Il.Emit(OpCodes.Conv_U8); Il.Emit(OpCodes.Stloc, loc); return;
        }
        bool high = r is Register.AH or Register.CH or Register.DH or Register.BH;
        ulong keep = size == 2 ? ~0xFFFFUL : high ? ~0xFF00UL : ~0xFFUL;
        ulong m = size == 2 ? 0xFFFFUL : 0xFFUL;
        LdConst(m);
        Il.Emit(OpCodes.And);
        if (high) { Il.Emit(OpCodes.Ldc_I4_8); Il.Emit(OpCodes.Shl); }
        Il.Emit(OpCodes.Ldloc, loc);
        LdConst(keep);
        Il.Emit(OpCodes.And);
        Il.Emit(OpCodes.Or);
        Il.Emit(OpCodes.Stloc, loc);
    }

    /// <summary>Pushes the effective address of the memory operand (segment base added unless <paramref name="noSegment"/>).</summary>
    public void EffectiveAddress(in Instruction i, bool noSegment = false)
    {
        Register b = i.MemoryBase, x = i.MemoryIndex;
        LdConst(i.MemoryDisplacement64);
        if (b != Register.None && b != Register.RIP && b != Register.EIP) { LoadReg(b); Il.Emit(OpCodes.Add); }
        if (x != Register.None)
        {
            LoadReg(x);
            int sc = i.MemoryIndexScale;
            if (sc != 1) { Il.Emit(OpCodes.Ldc_I4, sc switch { 2 => 1, 4 => 2, _ => 3 }); Il.Emit(OpCodes.Shl); }
            Il.Emit(OpCodes.Add);
        }
        if (b != Register.None && Operands.RegSize(b) == 4 || x != Register.None && Operands.RegSize(x) == 4 || b == Register.EIP)
            Mask(4);
        if (!noSegment)
        {
            if (i.MemorySegment == Register.FS) { LdStateAddr(StateLayout.FsBase); Il.Emit(OpCodes.Ldind_I8); Il.Emit(OpCodes.Add); }
            else if (i.MemorySegment == Register.GS) { LdStateAddr(StateLayout.GsBase); Il.Emit(OpCodes.Ldind_I8); Il.Emit(OpCodes.Add); }
        }
    }

    /// <summary>Pops an address, pushes the value read there (zero-extended).</summary>
    public void ReadMem(int size)
    {
        Il.Emit(OpCodes.Call, size switch { 1 => read8, 2 => read16, 4 => read32, _ => read64 });
        if (size != 8) Il.Emit(OpCodes.Conv_U8);
    }

    /// <summary>Pops a value and an address (pushed address first) and writes the value.</summary>
    public void WriteMem(int size)
    {
        switch (size)
        {
            case 1: Il.Emit(OpCodes.Conv_U1); Il.Emit(OpCodes.Call, write8); break;
            case 2: Il.Emit(OpCodes.Conv_U2); Il.Emit(OpCodes.Call, write16); break;
            case 4: Il.Emit(OpCodes.Conv_U4); Il.Emit(OpCodes.Call, write32); break;
            default: Il.Emit(OpCodes.Call, write64); break;
        }
    }

    /// <summary>Pushes operand <paramref name="op"/> at <paramref name="size"/> bytes; a memory operand's
    /// address comes from <paramref name="addr"/> when given (read-modify-write).</summary>
    public void ReadOperand(in Instruction i, int op, int size, LocalBuilder? addr = null)
    {
        switch (i.GetOpKind(op))
        {
            case OpKind.Register: LoadReg(i.GetOpRegister(op)); break;
            case OpKind.Memory:
                if (addr != null) Il.Emit(OpCodes.Ldloc, addr); else EffectiveAddress(in i);
                ReadMem(size);
                break;
            default: LdConst(i.GetImmediate(op) & Runtime.Semantics.Flags.Mask(size)); break;
        }
    }

    /// <summary>Writes the value in <paramref name="value"/> to operand <paramref name="op"/>.</summary>
    public void WriteOperand(in Instruction i, int op, int size, LocalBuilder value, LocalBuilder? addr = null)
    {
        if (i.GetOpKind(op) == OpKind.Register)
        {
            Il.Emit(OpCodes.Ldloc, value);
            StoreReg(i.GetOpRegister(op));
            return;
        }
        if (addr != null) Il.Emit(OpCodes.Ldloc, addr); else EffectiveAddress(in i);
        Il.Emit(OpCodes.Ldloc, value);
        WriteMem(size);
    }

    public static bool IsGprOperand(in Instruction i, int op) =>
        i.GetOpKind(op) != OpKind.Register || Operands.IsGpr(i.GetOpRegister(op));
}
