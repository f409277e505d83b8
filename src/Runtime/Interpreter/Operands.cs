using System.Runtime.CompilerServices;
using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// Operand access for interpreter handlers: general registers by Iced <see cref="Register"/>,
/// effective addresses, and generic read/write of an instruction's operand N at its size.
/// Writes follow x86-64 rules: 32-bit register writes zero the upper half, 8/16-bit writes merge.
/// </summary>
public static unsafe class Operands
{
    // Per Iced Register: GPR index, size in bytes, and whether it is AH/CH/DH/BH.
    static readonly byte[] regIndex = new byte[256];
    static readonly byte[] regSize = new byte[256];
    static readonly bool[] regHigh = new bool[256];

    static Operands()
    {
        for (int i = 0; i < 16; i++)
        {
            regIndex[(int)Register.AX + i] = (byte)i; regSize[(int)Register.AX + i] = 2;
            regIndex[(int)Register.EAX + i] = (byte)i; regSize[(int)Register.EAX + i] = 4;
            regIndex[(int)Register.RAX + i] = (byte)i; regSize[(int)Register.RAX + i] = 8;
        }
        for (int i = 0; i < 4; i++)
        {
            regIndex[(int)Register.AL + i] = (byte)i; regSize[(int)Register.AL + i] = 1;
            regIndex[(int)Register.AH + i] = (byte)i; regSize[(int)Register.AH + i] = 1; regHigh[(int)Register.AH + i] = true;
        }
        for (int i = 4; i < 16; i++)
        {
            regIndex[(int)Register.SPL + i - 4] = (byte)i; regSize[(int)Register.SPL + i - 4] = 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GprIndex(Register r) => regIndex[(int)r];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RegSize(Register r) => regSize[(int)r];

    public static bool IsGpr(Register r) => r != Register.None && regSize[(int)r] != 0;

    /// <summary>Reads a general register, zero-extended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadReg(CpuState* s, Register r)
    {
        int ri = (int)r;
        ulong v = s->Gpr[regIndex[ri]];
        switch (regSize[ri])
        {
            case 8: return v;
            case 4: return (uint)v;
            case 2: return (ushort)v;
            default: return regHigh[ri] ? (byte)(v >> 8) : (byte)v;
        }
    }

    /// <summary>Writes a general register with x86-64's merge / zero-extend rules.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteReg(CpuState* s, Register r, ulong value)
    {
        int ri = (int)r;
        ref ulong g = ref s->Gpr[regIndex[ri]];
        switch (regSize[ri])
        {
            case 8: g = value; break;
            case 4: g = (uint)value; break;
            case 2: g = (g & ~0xFFFFUL) | (ushort)value; break;
            default:
                if (regHigh[ri]) g = (g & ~0xFF00UL) | ((ulong)(byte)value << 8);
                else g = (g & ~0xFFUL) | (byte)value;
                break;
        }
    }

    /// <summary>The effective address of the memory operand (segment base included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Ea(CpuState* s, in Instruction i)
    {
        ulong a = i.MemoryDisplacement64;
        Register b = i.MemoryBase;
        if (b != Register.None && b != Register.RIP && b != Register.EIP) a += ReadReg(s, b);
        Register x = i.MemoryIndex;
        if (x != Register.None) a += ReadReg(s, x) * (ulong)i.MemoryIndexScale;
        if (b != Register.None && regSize[(int)b] == 4 || x != Register.None && regSize[(int)x] == 4 || b == Register.EIP)
            a = (uint)a;
        Register seg = i.MemorySegment;
        if (seg == Register.FS) a += s->FsBase;
        else if (seg == Register.GS) a += s->GsBase;
        return a;
    }

    /// <summary>Operand <paramref name="op"/>'s kind. Iced's <see cref="Instruction.GetOpKind"/> is a switch
    /// RyuJIT does not inline; this one is, and folds to one field read when <paramref name="op"/> is a
    /// constant, as it is in every handler.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OpKind Kind(in Instruction i, int op) => op switch
    {
        0 => i.Op0Kind,
        1 => i.Op1Kind,
        2 => i.Op2Kind,
        _ => i.GetOpKind(op),
    };

    /// <summary>Operand <paramref name="op"/>'s register (see <see cref="Kind"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Register Reg(in Instruction i, int op) => op switch
    {
        0 => i.Op0Register,
        1 => i.Op1Register,
        2 => i.Op2Register,
        _ => i.GetOpRegister(op),
    };

    /// <summary>The value of an immediate operand of kind <paramref name="k"/>, sign-extended as the
    /// CPU uses it (what Iced's <see cref="Instruction.GetImmediate"/> returns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Imm(in Instruction i, OpKind k, int op) => k switch
    {
        OpKind.Immediate8 => i.Immediate8,
        OpKind.Immediate8to32 => (ulong)i.Immediate8to32,
        OpKind.Immediate8to64 => (ulong)i.Immediate8to64,
        OpKind.Immediate32 => i.Immediate32,
        OpKind.Immediate32to64 => (ulong)i.Immediate32to64,
        _ => i.GetImmediate(op),
    };

    /// <summary>Operand size in bytes of operand <paramref name="op"/> (register or memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Size(in Instruction i, int op)
    {
        var k = Kind(in i, op);
        if (k == OpKind.Register) return regSize[(int)Reg(in i, op)];
        if (k == OpKind.Memory) return i.MemorySize.GetSize();
        return k switch
        {
            OpKind.Immediate8 => 1,
            OpKind.Immediate16 or OpKind.Immediate8to16 => 2,
            OpKind.Immediate32 or OpKind.Immediate8to32 => 4,
            _ => 8,
        };
    }

    /// <summary>Reads operand <paramref name="op"/> at <paramref name="size"/> bytes, zero-extended
    /// (immediates come sign-extended to the operand size, as the CPU uses them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(CpuState* s, in Instruction i, int op, int size)
    {
        var k = Kind(in i, op);
        switch (k)
        {
            case OpKind.Register: return ReadReg(s, Reg(in i, op));
            case OpKind.Memory: return GuestMemory.Read(Ea(s, in i), size);
            default: return Imm(in i, k, op) & Semantics.Flags.Mask(size);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(CpuState* s, in Instruction i, int op, int size, ulong value)
    {
        if (Kind(in i, op) == OpKind.Register) WriteReg(s, Reg(in i, op), value);
        else GuestMemory.Write(Ea(s, in i), size, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Push(CpuState* s, ulong v)
    {
        ulong sp = s->Gpr[4] - 8;
        GuestMemory.Write64(sp, v);
        s->Gpr[4] = sp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pop(CpuState* s)
    {
        ulong sp = s->Gpr[4];
        ulong v = GuestMemory.Read64(sp);
        s->Gpr[4] = sp + 8;
        return v;
    }

    /// <summary>Pointer to XMM register <paramref name="n"/> (0..15).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Xmm(CpuState* s, int n) => s->Xmm + n * 16;

    /// <summary>Pointer to the XMM register named by Iced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Xmm(CpuState* s, Register r) => s->Xmm + (r - Register.XMM0) * 16;
}
