using Iced.Intel;

namespace UniJit.Tests.Differential;

/// <summary>
/// Generates single-instruction cases for every legacy 64-bit encoding (Iced <see cref="Code"/>) of a
/// mnemonic, reading each operand's kind from Iced's opcode tables: register, register-or-memory
/// (both are drawn), fixed accumulator/CL/DX registers, immediates of every size, memory only.
/// A fix-up per group may then constrain values (divisors, bit offsets, shift counts).
/// </summary>
public static class InstructionGen
{
    /// <summary>Adjusts the input state once the instruction is chosen (e.g. a divisor that cannot fault).
    /// Returns false to reject the draw.</summary>
    public delegate bool Fixup(CaseGen g, MachineState s, in Instruction i);

    public static IEnumerable<Code> CodesOf(params Mnemonic[] mnemonics)
    {
        var set = new HashSet<Mnemonic>(mnemonics);
        foreach (Code c in Enum.GetValues<Code>())
        {
            if (!set.Contains(c.Mnemonic())) continue;
            var op = c.ToOpCode();
            if (!op.IsInstruction || op.Encoding != EncodingKind.Legacy || !op.Mode64) continue;
            yield return c;
        }
    }

    enum Slot { Reg, Mem, Imm, Fixed }

    /// <summary>Draws one case for <paramref name="code"/>, or null when the encoding can't be drawn here.</summary>
    public static (byte[] Code, MachineState Input, Instruction Instr)? Draw(CaseGen g, Code code, Fixup? fixup = null,
        bool allowLock = true, MachineState? state = null, bool allowMem = true)
    {
        var op = code.ToOpCode();
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var s = state ?? g.State();
            var slots = new Slot[op.OpCount];
            var regs = new Register[op.OpCount];
            var imms = new long[op.OpCount];
            int memSize = 0;
            var used = new HashSet<Register>();
            bool ok = true;
            for (int k = 0; k < op.OpCount && ok; k++)
            {
                var kind = op.GetOpKind(k);
                switch (kind)
                {
                    case OpCodeOperandKind.r8_or_mem: case OpCodeOperandKind.r16_or_mem:
                    case OpCodeOperandKind.r32_or_mem: case OpCodeOperandKind.r64_or_mem:
                        if (allowMem && g.Rng.Next(2) == 0) { slots[k] = Slot.Mem; memSize = Bits(kind) / 8; }
                        else { slots[k] = Slot.Reg; regs[k] = g.Reg(Bits(kind)); }
                        break;
                    case OpCodeOperandKind.r8_reg: case OpCodeOperandKind.r8_opcode:
                    case OpCodeOperandKind.r16_reg: case OpCodeOperandKind.r16_opcode: case OpCodeOperandKind.r16_rm:
                    case OpCodeOperandKind.r32_reg: case OpCodeOperandKind.r32_opcode: case OpCodeOperandKind.r32_rm:
                    case OpCodeOperandKind.r64_reg: case OpCodeOperandKind.r64_opcode: case OpCodeOperandKind.r64_rm:
                        slots[k] = Slot.Reg; regs[k] = g.Reg(Bits(kind));
                        break;
                    case OpCodeOperandKind.al: slots[k] = Slot.Fixed; regs[k] = Register.AL; break;
                    case OpCodeOperandKind.cl: slots[k] = Slot.Fixed; regs[k] = Register.CL; break;
                    case OpCodeOperandKind.ax: slots[k] = Slot.Fixed; regs[k] = Register.AX; break;
                    case OpCodeOperandKind.dx: slots[k] = Slot.Fixed; regs[k] = Register.DX; break;
                    case OpCodeOperandKind.eax: slots[k] = Slot.Fixed; regs[k] = Register.EAX; break;
                    case OpCodeOperandKind.rax: slots[k] = Slot.Fixed; regs[k] = Register.RAX; break;
                    case OpCodeOperandKind.mem:
                        if (!allowMem) return null;
                        slots[k] = Slot.Mem; memSize = Math.Max(1, op.MemorySize.GetSize());
                        break;
                    case OpCodeOperandKind.imm8: slots[k] = Slot.Imm; imms[k] = (sbyte)g.Rng.Next(256); break;
                    case OpCodeOperandKind.imm8_const_1: slots[k] = Slot.Imm; imms[k] = 1; break;
                    case OpCodeOperandKind.imm8sex16: case OpCodeOperandKind.imm8sex32: case OpCodeOperandKind.imm8sex64:
                        slots[k] = Slot.Imm; imms[k] = (sbyte)g.Value(); break;
                    case OpCodeOperandKind.imm16: slots[k] = Slot.Imm; imms[k] = (short)g.Value(); break;
                    case OpCodeOperandKind.imm32: case OpCodeOperandKind.imm32sex64:
                        slots[k] = Slot.Imm; imms[k] = (int)g.Value(); break;
                    case OpCodeOperandKind.imm64: slots[k] = Slot.Imm; imms[k] = (long)g.Value(); break;
                    default: return null;
                }
                if (slots[k] is Slot.Reg or Slot.Fixed) used.Add(CaseGen.Full(regs[k]));
            }
            // Shift and rotate counts in an immediate: favour the interesting ones.
            if (IsShift(code.Mnemonic()))
                for (int k = 0; k < op.OpCount; k++)
                    if (op.GetOpKind(k) == OpCodeOperandKind.imm8) imms[k] = (sbyte)g.Count(OperandBits(op));
            MemoryOperand mem = default;
            if (slots.Contains(Slot.Mem)) mem = g.Mem(s, used, memSize, code.Mnemonic() == Mnemonic.Cmpxchg16b ? 16 : 1);
            Instruction ins;
            try { ins = Create(code, slots, regs, imms, mem); }
            catch (ArgumentException) { continue; }
            if (allowLock && op.CanUseLockPrefix && slots.Length > 0 && slots[0] == Slot.Mem && g.Rng.Next(4) == 0) ins.HasLockPrefix = true;
            for (int k = 0; k < slots.Length; k++)
                if (IsShift(code.Mnemonic()) && slots[k] == Slot.Fixed && regs[k] == Register.CL)
                    s.Gpr[1] = (s.Gpr[1] & ~0xFFUL) | (uint)g.Count(OperandBits(op));
            if (fixup != null && !fixup(g, s, in ins)) continue;
            var bytes = CaseGen.Encode(ins);
            if (bytes == null) continue;
            return (bytes, s, ins);
        }
        return null;
    }

    static bool IsShift(Mnemonic m) => m is Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr or Mnemonic.Sar or Mnemonic.Rol
        or Mnemonic.Ror or Mnemonic.Rcl or Mnemonic.Rcr or Mnemonic.Shld or Mnemonic.Shrd;

    public static int OperandBits(OpCodeInfo op) => op.OperandSize switch
    {
        16 => 16, 32 => 32, 64 => 64,
        _ => op.OpCount > 0 && Bits(op.GetOpKind(0)) != 0 ? Bits(op.GetOpKind(0)) : 32,
    };

    static int Bits(OpCodeOperandKind k) => k switch
    {
        OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r8_reg or OpCodeOperandKind.r8_opcode or OpCodeOperandKind.al or OpCodeOperandKind.cl => 8,
        OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r16_reg or OpCodeOperandKind.r16_opcode or OpCodeOperandKind.r16_rm or OpCodeOperandKind.ax or OpCodeOperandKind.dx => 16,
        OpCodeOperandKind.r32_or_mem or OpCodeOperandKind.r32_reg or OpCodeOperandKind.r32_opcode or OpCodeOperandKind.r32_rm or OpCodeOperandKind.eax => 32,
        OpCodeOperandKind.r64_or_mem or OpCodeOperandKind.r64_reg or OpCodeOperandKind.r64_opcode or OpCodeOperandKind.r64_rm or OpCodeOperandKind.rax => 64,
        _ => 0,
    };

    static Instruction Create(Code code, Slot[] slots, Register[] regs, long[] imms, MemoryOperand mem)
    {
        bool R(int k) => slots[k] is Slot.Reg or Slot.Fixed;
        switch (slots.Length)
        {
            case 0: return Instruction.Create(code);
            case 1:
                return slots[0] == Slot.Mem ? Instruction.Create(code, mem)
                     : slots[0] == Slot.Imm ? Instruction.Create(code, (int)imms[0])
                     : Instruction.Create(code, regs[0]);
            case 2:
                if (R(0) && R(1)) return Instruction.Create(code, regs[0], regs[1]);
                if (R(0) && slots[1] == Slot.Mem) return Instruction.Create(code, regs[0], mem);
                if (slots[0] == Slot.Mem && R(1)) return Instruction.Create(code, mem, regs[1]);
                if (R(0) && slots[1] == Slot.Imm)
                    return code.ToOpCode().GetOpKind(1) == OpCodeOperandKind.imm64
                        ? Instruction.Create(code, regs[0], (ulong)imms[1])
                        : Instruction.Create(code, regs[0], (int)imms[1]);
                if (slots[0] == Slot.Mem && slots[1] == Slot.Imm) return Instruction.Create(code, mem, (int)imms[1]);
                break;
            case 3:
                if (R(0) && R(1) && slots[2] == Slot.Imm) return Instruction.Create(code, regs[0], regs[1], (int)imms[2]);
                if (R(0) && slots[1] == Slot.Mem && slots[2] == Slot.Imm) return Instruction.Create(code, regs[0], mem, (int)imms[2]);
                if (slots[0] == Slot.Mem && R(1) && slots[2] == Slot.Imm) return Instruction.Create(code, mem, regs[1], (int)imms[2]);
                if (R(0) && R(1) && R(2)) return Instruction.Create(code, regs[0], regs[1], regs[2]);
                if (slots[0] == Slot.Mem && R(1) && R(2)) return Instruction.Create(code, mem, regs[1], regs[2]);
                break;
        }
        throw new ArgumentException($"no operand combination for {code}");
    }
}
