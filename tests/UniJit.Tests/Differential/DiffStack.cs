using Iced.Intel;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Differential;

public static partial class DiffGroups
{
    static readonly AssemblerRegister64[] StackRegs = [rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14];
    static readonly AssemblerRegister16[] StackRegs16 = [ax, cx, dx, bx, si, di, r8w, r9w, r10w, r11w, r12w, r13w, r14w];

    // RBP is not among them: ENTER with a nesting level reads the frame chain RBP points to.
    /// <summary>PUSH/POP of registers (64- and 16-bit), immediates and memory; CALL/RET (with an
    /// immediate), CALL-then-POP; ENTER (nesting levels 0-3) and LEAVE. The stack stays inside the test
    /// stack; the 128 bytes below the starting RSP are copied into the scratch area at the end so that
    /// what was pushed is compared too (RAX carries the copy, on both sides alike).</summary>
    static IEnumerable<Draft> Stack(CaseGen g)
    {
        ulong start = GuestCode.StackTop - 64;
        for (int n = 0; n < 500; n++)
        {
            var s = g.State();
            s.Gpr[15] = CaseGen.Data + 0x400 + (ulong)g.Rng.Next(0, 0x100) * 8; // memory operands: [r15+disp]
            s.Gpr[5] = GuestCode.StackTop - 0x800 - (ulong)g.Rng.Next(0, 64) * 8; // RBP: a frame chain for ENTER
            int ops = g.Rng.Next(2, 9);
            var code = CaseGen.Assemble(a =>
            {
                int depth = 0;
                for (int k = 0; k < ops; k++)
                {
                    int r = g.Rng.Next(StackRegs.Length);
                    int disp = g.Rng.Next(-16, 64) * 8;
                    switch (g.Rng.Next(11))
                    {
                        case 0: a.push(StackRegs[r]); depth += 8; break;
                        case 1: a.push(StackRegs16[r]); depth += 2; break;
                        case 2: a.push((sbyte)g.Rng.Next(256)); depth += 8; break;
                        case 3: a.push((int)g.Value()); depth += 8; break;
                        case 4: a.push(__qword_ptr[r15 + disp]); depth += 8; break;
                        case 5 when depth >= 8: a.pop(StackRegs[r]); depth -= 8; break;
                        case 6 when depth >= 2: a.pop(StackRegs16[r]); depth -= 2; break;
                        case 7 when depth >= 8: a.pop(__qword_ptr[r15 + disp]); depth -= 8; break;
                        case 8:
                        {
                            var f = a.CreateLabel();
                            var after = a.CreateLabel();
                            bool imm = g.Rng.Next(2) == 0;
                            if (imm) a.push(StackRegs[r]);
                            a.call(f);
                            a.jmp(after);
                            a.Label(ref f);
                            a.add(StackRegs[r], 1);
                            if (imm) a.ret(8); else a.ret();
                            a.Label(ref after);
                            break;
                        }
                        case 9:
                        {
                            var next = a.CreateLabel();
                            a.call(next);
                            a.Label(ref next);
                            a.pop(StackRegs[r]);
                            break;
                        }
                        default:
                            a.enter((ushort)(g.Rng.Next(0, 64) * 8), (byte)g.Rng.Next(0, 4));
                            a.mov(__qword_ptr[rbp - 8], r14);
                            a.leave();
                            break;
                    }
                }
                for (int q = 0; q < 16; q++)
                {
                    a.mov(rax, __qword_ptr[start - 128 + (ulong)q * 8]);
                    a.mov(__qword_ptr[CaseGen.Data + 0x1E00 + (ulong)q * 8], rax);
                }
            });
            yield return new Draft(code, s);
        }
    }
}
