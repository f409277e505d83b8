using Iced.Intel;

namespace UniJit.Tests.Differential;

/// <summary>Reads and writes operands of a drawn instruction in a <see cref="MachineState"/>, so that
/// fix-ups can constrain the values an instruction will see.</summary>
public static class StateAccess
{
    public static bool IsHighByte(Register r) => r is Register.AH or Register.CH or Register.DH or Register.BH;

    public static ulong Get(MachineState s, Register r)
    {
        ulong v = s.Gpr[r.GetFullRegister().GetNumber()];
        if (IsHighByte(r)) return (v >> 8) & 0xFF;
        return r.GetSize() switch { 1 => v & 0xFF, 2 => v & 0xFFFF, 4 => v & 0xFFFF_FFFF, _ => v };
    }

    public static void Set(MachineState s, Register r, ulong value)
    {
        ref ulong v = ref s.Gpr[r.GetFullRegister().GetNumber()];
        if (IsHighByte(r)) { v = (v & ~0xFF00UL) | ((value & 0xFF) << 8); return; }
        ulong mask = r.GetSize() switch { 1 => 0xFFUL, 2 => 0xFFFFUL, 4 => 0xFFFF_FFFFUL, _ => ulong.MaxValue };
        v = (v & ~mask) | (value & mask);
    }

    public static ulong Address(MachineState s, in Instruction i)
    {
        ulong a = i.MemoryDisplacement64;
        if (i.MemoryBase != Register.None) a += s.Gpr[i.MemoryBase.GetNumber()];
        if (i.MemoryIndex != Register.None) a += s.Gpr[i.MemoryIndex.GetNumber()] * (ulong)i.MemoryIndexScale;
        return a;
    }

    public static int DataOffset(MachineState s, in Instruction i)
    {
        long off = (long)(Address(s, in i) - CaseGen.Data);
        if (off < 0 || off + 16 > s.Data.Length) throw new InvalidOperationException($"memory operand outside the data area: {i}");
        return (int)off;
    }

    public static ulong GetMem(MachineState s, in Instruction i, int size)
    {
        int off = DataOffset(s, in i);
        ulong v = 0;
        for (int k = size - 1; k >= 0; k--) v = (v << 8) | s.Data[off + k];
        return v;
    }

    public static void SetMem(MachineState s, in Instruction i, int size, ulong value)
    {
        int off = DataOffset(s, in i);
        for (int k = 0; k < size; k++) s.Data[off + k] = (byte)(value >> (8 * k));
    }

    /// <summary>The value of operand <paramref name="k"/> (register or memory) of <paramref name="size"/> bytes.</summary>
    public static ulong GetOp(MachineState s, in Instruction i, int k, int size) =>
        i.GetOpKind(k) == OpKind.Register ? Get(s, i.GetOpRegister(k)) : GetMem(s, in i, size);

    public static void SetOp(MachineState s, in Instruction i, int k, int size, ulong value)
    {
        if (i.GetOpKind(k) == OpKind.Register) Set(s, i.GetOpRegister(k), value);
        else SetMem(s, in i, size, value);
    }
}
