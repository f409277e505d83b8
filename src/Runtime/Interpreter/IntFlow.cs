using Reg = Iced.Intel.Register;
using System.Diagnostics;
using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using static UniJit.Runtime.Interpreter.Operands;

namespace UniJit.Runtime.Interpreter;

public static unsafe partial class IntegerHandlers
{
    // Control flow. The dispatcher sets RIP to the block's fall-through address before running it,
    // and these instructions end blocks, so a branch not taken leaves RIP alone.

    static void JccH(Cpu c, in Instruction i)
    {
        if (Flags.Cond(c.S, Cc(in i))) c.S->Rip = i.NearBranchTarget;
    }

    static ulong BranchTarget(CpuState* s, in Instruction i) =>
        i.Op0Kind is OpKind.NearBranch64 or OpKind.NearBranch32 or OpKind.NearBranch16 ? i.NearBranchTarget : Read(s, in i, 0, 8);

    static void JmpH(Cpu c, in Instruction i)
    {
        if (i.Op0Kind is OpKind.FarBranch16 or OpKind.FarBranch32 || i.Op0Kind == OpKind.Memory && i.MemorySize is MemorySize.SegPtr32 or MemorySize.SegPtr64 or MemorySize.SegPtr16)
            throw new GuestSignalException(Signals.SIGSEGV, 0x80, 0, $"far jump {HandlerTable.Describe(in i)}");
        c.S->Rip = BranchTarget(c.S, in i);
    }

    static void CallH(Cpu c, in Instruction i)
    {
        var s = c.S;
        if (i.Op0Kind is OpKind.FarBranch16 or OpKind.FarBranch32 || i.Op0Kind == OpKind.Memory && i.MemorySize is MemorySize.SegPtr32 or MemorySize.SegPtr64 or MemorySize.SegPtr16)
            throw new GuestSignalException(Signals.SIGSEGV, 0x80, 0, $"far call {HandlerTable.Describe(in i)}");
        ulong target = BranchTarget(s, in i); // read before the push: the operand may be relative to RSP
        Push(s, i.NextIP);
        s->Rip = target;
    }

    static void RetH(Cpu c, in Instruction i)
    {
        var s = c.S;
        if (i.Code is Code.Retfd or Code.Retfq or Code.Retfw or Code.Retfd_imm16 or Code.Retfq_imm16 or Code.Retfw_imm16)
            throw new GuestSignalException(Signals.SIGSEGV, 0x80, 0, $"far return {HandlerTable.Describe(in i)}");
        ulong target = Pop(s);
        if (i.OpCount == 1) s->Gpr[4] += i.Immediate16;
        s->Rip = target;
    }

    static bool HasAddr32(in Instruction i) => i.Mnemonic == Mnemonic.Jecxz || i.Code is Code.Loop_rel8_64_ECX or Code.Loope_rel8_64_ECX or Code.Loopne_rel8_64_ECX;

    static void LoopH(Cpu c, in Instruction i)
    {
        var s = c.S;
        bool a32 = HasAddr32(in i);
        ulong cnt = (a32 ? (uint)s->Gpr[1] : s->Gpr[1]) - 1;
        if (a32) s->Gpr[1] = (uint)cnt; else s->Gpr[1] = cnt;
        if (a32) cnt = (uint)cnt;
        bool take = cnt != 0 && i.Mnemonic switch
        {
            Mnemonic.Loope => Flags.GetZF(s),
            Mnemonic.Loopne => !Flags.GetZF(s),
            _ => true,
        };
        if (take) s->Rip = i.NearBranchTarget;
    }

    static void JrcxzH(Cpu c, in Instruction i)
    {
        ulong cnt = i.Mnemonic == Mnemonic.Jecxz ? (uint)c.S->Gpr[1] : c.S->Gpr[1];
        if (cnt == 0) c.S->Rip = i.NearBranchTarget;
    }

    static void LeaveH(Cpu c, in Instruction i)
    {
        var s = c.S;
        s->Gpr[4] = s->Gpr[5];
        s->Gpr[5] = Pop(s);
    }

    static void EnterH(Cpu c, in Instruction i)
    {
        var s = c.S;
        ulong size = i.Immediate16;
        int level = i.Immediate8_2nd & 31;
        ulong rbp = s->Gpr[5];
        Push(s, rbp);
        ulong frame = s->Gpr[4];
        for (int k = 1; k < level; k++)
        {
            rbp -= 8;
            Push(s, GuestMemory.Read64(rbp));
        }
        if (level > 0) Push(s, frame);
        s->Gpr[5] = frame;
        s->Gpr[4] -= size;
    }

    static void SyscallH(Cpu c, in Instruction i)
    {
        var s = c.S;
        s->Gpr[1] = s->Rip;            // RCX: return address
        s->Gpr[11] = Flags.Get(s);     // R11: RFLAGS
        c.Process.Syscalls.Syscall(c);
    }

    static void CpuidH(Cpu c, in Instruction i)
    {
        var s = c.S;
        var (a, b, cc, d) = Cpuid.Query((uint)s->Gpr[0], (uint)s->Gpr[1]);
        s->Gpr[0] = a; s->Gpr[3] = b; s->Gpr[1] = cc; s->Gpr[2] = d;
    }

    /// <summary>A nanosecond counter stands in for the time-stamp counter (monotonic, 1 GHz).</summary>
    static ulong Tsc() => (ulong)Stopwatch.GetTimestamp() * (1_000_000_000UL / (ulong)Stopwatch.Frequency);

    static void RdtscH(Cpu c, in Instruction i)
    {
        ulong t = Tsc();
        c.S->Gpr[0] = (uint)t; c.S->Gpr[2] = t >> 32;
    }

    static void RdtscpH(Cpu c, in Instruction i)
    {
        RdtscH(c, in i);
        c.S->Gpr[1] = 0;
    }

    static void XgetbvH(Cpu c, in Instruction i)
    {
        if ((uint)c.S->Gpr[1] != 0) throw new GuestSignalException(Signals.SIGSEGV, 0x80, 0);
        c.S->Gpr[0] = 3; // XCR0: x87 and SSE state
        c.S->Gpr[2] = 0;
    }

    static void NopH(Cpu c, in Instruction i) { }

    static void Ud2H(Cpu c, in Instruction i) => throw new GuestSignalException(Signals.SIGILL, 2 /* ILL_ILLOPN */, i.IP);

    static void Int3H(Cpu c, in Instruction i)
    {
        // The trap is reported after the instruction.
        throw new GuestSignalException(Signals.SIGTRAP, 0x80, 0, trapRip: i.NextIP);
    }

    static void IntH(Cpu c, in Instruction i) => throw new GuestSignalException(Signals.SIGSEGV, 0x80, 0);

    static void PrivilegedH(Cpu c, in Instruction i) => throw new GuestSignalException(Signals.SIGSEGV, 0x80, 0);
}
