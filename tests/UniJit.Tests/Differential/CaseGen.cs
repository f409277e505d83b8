using Iced.Intel;
using UniJit.Tests.Support;
using static UniJit.Tests.Differential.FlagInfo;

namespace UniJit.Tests.Differential;

/// <summary>
/// Random material for differential cases, from one seeded <see cref="Random"/>: register values
/// biased towards edge cases, input flags, scratch data, registers of every width (high-byte ones
/// included), memory operands whose address always lies inside the scratch area (the base register
/// is loaded with a pointer into it), and immediates.
/// </summary>
public sealed class CaseGen(int seed)
{
    public readonly Random Rng = new(seed);
    public const ulong Data = GuestCode.DataAddress;
    /// <summary>Bytes of the data area filled with random data (all memory operands stay inside).</summary>
    public const int DataUsed = 0x2000;

    static readonly ulong[] Edges =
    [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FF80,
        0xFFFF_FFFF_FFFF_7FFF, 0x0123_4567_89AB_CDEF, 0xFFFF_FFFF_0000_0000, 0x0000_0000_8000_0080,
    ];

    public ulong Value()
    {
        int k = Rng.Next(10);
        if (k < 3) return Edges[Rng.Next(Edges.Length)];
        if (k == 3) return (ulong)Rng.Next(0, 64);
        if (k == 4) return (ulong)(long)Rng.Next(-64, 0);
        return (ulong)Rng.NextInt64() ^ ((ulong)Rng.Next() << 40);
    }

    /// <summary>A fresh random state: all registers (RSP at the guest's stack top), random arithmetic
    /// flags with DF clear, random bytes in the used part of the data area.</summary>
    public MachineState State()
    {
        var s = new MachineState();
        for (int i = 0; i < 16; i++) s.Gpr[i] = Value();
        s.Gpr[4] = GuestCode.StackTop - 64;
        s.Rflags = 0x202 | ((ulong)Rng.Next() & (CF | PF | AF | ZF | SF | OF));
        s.Data = new byte[DataUsed];
        Rng.NextBytes(s.Data);
        return s;
    }

    static readonly Register[] R64 = [Register.RAX, Register.RCX, Register.RDX, Register.RBX, Register.RBP, Register.RSI, Register.RDI,
        Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13, Register.R14, Register.R15];

    /// <summary>A register of <paramref name="bits"/> bits, never one of RSP's (the snippet must keep
    /// the stack pointer), avoiding the full registers in <paramref name="avoid"/>.</summary>
    public Register Reg(int bits, ICollection<Register>? avoid = null)
    {
        for (int tries = 0; ; tries++)
        {
            Register full = R64[Rng.Next(R64.Length)];
            if (avoid != null && avoid.Contains(full) && tries < 100) continue;
            int n = full.GetNumber();
            return bits switch
            {
                64 => full,
                32 => Register.EAX + n,
                16 => Register.AX + n,
                // AH..BH (numbers 4..7 in Iced's 8-bit order without REX) stand for RAX..RBX's bits 8-15.
                _ => n < 4 && Rng.Next(4) == 0 ? Register.AH + n : n < 4 ? Register.AL + n : Register.SPL + (n - 4),
            };
        }
    }

    public static Register Full(Register r) => r == Register.None ? r : r.GetFullRegister();

    /// <summary>A memory operand of <paramref name="size"/> bytes inside the data area. The base (and
    /// optional index) registers are drawn outside <paramref name="avoid"/> and RAX/RCX/RDX (often
    /// implicit operands) and loaded into <paramref name="s"/>. <paramref name="align"/> forces alignment.</summary>
    public MemoryOperand Mem(MachineState s, ICollection<Register> avoid, int size, int align = 1)
    {
        var taboo = new HashSet<Register>(avoid) { Register.RAX, Register.RCX, Register.RDX };
        Register b = Reg(64, taboo);
        taboo.Add(b);
        long disp = Rng.Next(4) == 0 ? 0 : Rng.Next(-0x100, 0x400);
        ulong baseOff = 0x400 + (ulong)Rng.Next(0, 0x800);
        Register index = Register.None;
        int scale = 1;
        ulong indexVal = 0;
        if (align == 1 && Rng.Next(3) == 0)
        {
            index = Reg(64, taboo);
            scale = 1 << Rng.Next(4);
            indexVal = (ulong)Rng.Next(0, 64);
        }
        if (align > 1)
        {
            baseOff &= ~(ulong)(align - 1);
            disp &= ~(long)(align - 1);
        }
        s.Gpr[b.GetNumber()] = Data + baseOff;
        if (index != Register.None) s.Gpr[index.GetNumber()] = indexVal;
        avoid.Add(b);
        if (index != Register.None) avoid.Add(index);
        return new MemoryOperand(b, index, scale, disp, disp == 0 ? 0 : (disp is >= -128 and < 128 ? 1 : 4));
    }

    /// <summary>A shift or rotate count: 0, 1, the width's edges, or anything up to 255.</summary>
    public int Count(int bits)
    {
        int[] edges = [0, 1, 2, bits - 1, bits, bits + 1, 31, 32, 33, 63, 64, 0xFF, 0xE1];
        return Rng.Next(3) == 0 ? Rng.Next(256) : edges[Rng.Next(edges.Length)];
    }

    /// <summary>Encodes instructions at the code address; null when Iced refuses (e.g. AH with a REX prefix).</summary>
    public static byte[]? Encode(params Instruction[] instrs)
    {
        var w = new CodeWriterImpl();
        var enc = Encoder.Create(64, w);
        ulong ip = GuestCode.CodeAddress;
        foreach (var ins in instrs)
        {
            if (!enc.TryEncode(ins, ip, out uint len, out _)) return null;
            ip += len;
        }
        return w.ToArray();
    }

    sealed class CodeWriterImpl : CodeWriter
    {
        readonly List<byte> bytes = [];
        public override void WriteByte(byte value) => bytes.Add(value);
        public byte[] ToArray() => bytes.ToArray();
    }

    public static byte[] Assemble(Action<Assembler> body) => NativeCpu.Assemble(GuestCode.CodeAddress, body);
}
