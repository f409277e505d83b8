using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.IlBackend;

/// <summary>Accesses checked as a group (<see cref="UniJit.IlBackend.Analysis.AccessGroups"/>): one check
/// at the group's first instruction covers the span of all its members.</summary>
public unsafe partial class TierAgreementTests
{
    const ulong Boundary = GuestCode.DataAddress + 0x1000;

    /// <summary>Registers, RIP, the signal and the 256 bytes below <see cref="Boundary"/> after a run.</summary>
    static string StateAtBoundary(Cpu c)
    {
        var sb = new System.Text.StringBuilder($"rip={c.S->Rip:x} outcome={GuestCode.LastOutcome} translated={c.S->InstructionCount > 0}");
        for (int r = 0; r < 16; r++) sb.Append($" r{r}={c.S->Gpr[r]:x}");
        var data = new byte[256];
        GuestMemory.ReadBytes(Boundary - 256, data);
        return sb.Append(" data=").Append(Convert.ToHexString(data)).ToString();
    }

    /// <summary>A loop whose group of loads and stores at [rsi], [rsi+8], [rsi+16] walks across a page
    /// boundary, both pages mapped: agrees with the interpreter, and the spans that straddle the boundary
    /// are checked page by page without leaving the region (nothing is interpreted).</summary>
    [Fact]
    public void GroupSpanningTwoMappedPagesStaysTranslated()
    {
        Action<Assembler> body = asm =>
        {
            var loop = asm.CreateLabel();
            asm.mov(rsi, Boundary - 64);
            asm.mov(ecx, 12);
            asm.Label(ref loop);
            asm.mov(rax, __qword_ptr[rsi]);
            asm.add(rax, __qword_ptr[rsi + 8]);
            asm.xor(__qword_ptr[rsi + 16], rax);
            asm.add(rsi, 8);
            asm.dec(ecx);
            asm.jnz(loop);
        };
        Action<Cpu> setup = _ => { for (ulong k = 0; k < 128; k++) GuestMemory.Write8(Boundary - 64 + k, (byte)(k * 13 + 1)); };
        var a = StateAtBoundary(GuestCode.Run(body, setup, Tier.Interp));
        var jit = GuestCode.Run(body, setup, Tier.Jit);
        Assert.Equal(a.Replace("translated=False", "translated=True"), StateAtBoundary(jit));
        Assert.Equal(0, jit.Process.InstructionsInterpreted);
    }

    /// <summary>A group whose later member reaches a page it may not access (unmapped for a load, read-only
    /// for a store): the fault is at that member, after the earlier members' loads and stores took
    /// effect, with the interpreter's exact registers and memory.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GroupFaultsAtItsFirstRefusedMember(bool store)
    {
        Action<Assembler> body = asm =>
        {
            var loop = asm.CreateLabel();
            asm.mov(rdi, Boundary - 48);
            asm.xor(ebx, ebx);
            asm.Label(ref loop);
            asm.mov(__qword_ptr[rdi], rbx);
            asm.add(rbx, __qword_ptr[rdi]);
            asm.inc(rbx);
            if (store) asm.mov(__qword_ptr[rdi + 8], rbx);
            else asm.add(rbx, __qword_ptr[rdi + 8]);
            asm.add(rdi, 8);
            asm.jmp(loop);
        };
        Action<Cpu> setup = _ => AddressSpace.Protect(Boundary, 0x1000, store ? Native.PROT_READ : Native.PROT_NONE);
        var a = StateAtBoundary(GuestCode.Run(body, setup, Tier.Interp));
        Assert.Equal(Signals.SIGSEGV, GuestCode.LastOutcome.Signal);
        Assert.Equal(a.Replace("translated=False", "translated=True"), StateAtBoundary(GuestCode.Run(body, setup, Tier.Jit)));
    }

    /// <summary>A 16-byte aligned access in a group with an unaligned one: the group's check covers the
    /// page, but a misaligned address still faults at the aligned member, after the unaligned load.</summary>
    [Fact]
    public void AlignedMemberOfAGroupChecksItsAlignment() => FaultAgrees(asm =>
    {
        asm.mov(rdi, GuestCode.DataAddress + 8);
        asm.movups(xmm0, __xmmword_ptr[rdi + 0x20]);
        asm.add(rax, __qword_ptr[rdi]);
        asm.movaps(xmm1, __xmmword_ptr[rdi + 0x10]);
        asm.add(rax, 1);
    }, cpu => { for (ulong k = 0; k < 96; k++) GuestMemory.Write8(GuestCode.DataAddress + k, (byte)(k + 3)); },
    Signals.SIGSEGV);

    /// <summary>A group ends where its base register is written: the load after <c>add rdi, 0x1000</c> has
    /// the same displacement as the one before it, but its own check, which refuses the unmapped page.</summary>
    [Fact]
    public void WritingTheBaseRegisterEndsTheGroup() => FaultAgrees(asm =>
    {
        asm.mov(rdi, Boundary - 0x20);
        asm.mov(rax, __qword_ptr[rdi]);
        asm.add(rax, __qword_ptr[rdi + 8]);
        asm.add(rdi, 0x1000);
        asm.add(rax, __qword_ptr[rdi + 8]);
        asm.add(rax, __qword_ptr[rdi]);
    }, _ => AddressSpace.Protect(Boundary, 0x1000, Native.PROT_NONE), Signals.SIGSEGV);

    const ulong StackBottom = GuestCode.StackTop - 0x10000;

    /// <summary>Registers, RIP, the signal and <paramref name="length"/> bytes at <paramref name="at"/>.</summary>
    static string StateWith(Cpu c, ulong at, int length)
    {
        var sb = new System.Text.StringBuilder($"rip={c.S->Rip:x} outcome={GuestCode.LastOutcome}");
        for (int r = 0; r < 16; r++) sb.Append($" r{r}={c.S->Gpr[r]:x}");
        var data = new byte[length];
        GuestMemory.ReadBytes(at, data);
        return sb.Append(" data=").Append(Convert.ToHexString(data)).ToString();
    }

    /// <summary>Pushes, pops, <c>sub</c>/<c>add rsp</c> and RSP-based operands form one group (RSP's moves
    /// shift the later members): a loop whose frame walks down across a page boundary agrees with the
    /// interpreter, stack contents included, and never leaves translated code.</summary>
    [Fact]
    public void StackGroupFollowsPushesAndPops()
    {
        ulong boundary = GuestCode.StackTop - 0x8000;
        Action<Assembler> body = asm =>
        {
            var loop = asm.CreateLabel();
            asm.mov(rsp, boundary + 56);
            asm.mov(ecx, 12);
            asm.mov(ebx, 5);
            asm.Label(ref loop);
            asm.push(rbx);
            asm.push(rcx);
            asm.sub(rsp, 16);
            asm.mov(__qword_ptr[rsp + 8], rcx);
            asm.add(rax, __qword_ptr[rsp + 24]);
            asm.add(rax, __qword_ptr[rsp + 8]);
            asm.add(rsp, 16);
            asm.pop(rdx);
            asm.pop(rbx);
            asm.lea(rbx, __[rbx + rdx * 2]);
            asm.push(rbx);
            asm.lea(rsp, __[rsp - 8]);
            asm.dec(ecx);
            asm.jnz(loop);
        };
        var a = StateWith(GuestCode.Run(body, null, Tier.Interp), boundary - 128, 256);
        var jit = GuestCode.Run(body, null, Tier.Jit);
        Assert.Equal(a, StateWith(jit, boundary - 128, 256));
        Assert.Equal(0, jit.Process.InstructionsInterpreted);
    }

    /// <summary>A prologue whose pushes run off the bottom of the stack mapping: the fault is at the first
    /// push that leaves it, after the pushes before it stored their values, as in the interpreter.</summary>
    [Fact]
    public void PushesFaultAtTheFirstOneOffTheStack()
    {
        Action<Assembler> body = asm =>
        {
            asm.mov(rsp, StackBottom + 24);
            asm.mov(eax, 1); asm.mov(ebx, 2); asm.mov(ecx, 3); asm.mov(edx, 4);
            asm.push(rax);
            asm.push(rbx);
            asm.push(rcx);
            asm.push(rdx);
            asm.push(rsi);
        };
        var a = StateWith(GuestCode.Run(body, null, Tier.Interp), StackBottom, 64);
        Assert.Equal(Signals.SIGSEGV, GuestCode.LastOutcome.Signal);
        var jit = GuestCode.Run(body, null, Tier.Jit);
        Assert.True(jit.S->InstructionCount > 0, "the jit tier ran no translated instructions");
        Assert.Equal(a, StateWith(jit, StackBottom, 64));
    }

    /// <summary>A group goes on into the block after a conditional branch that only that branch reaches
    /// (<c>RegionCompiler.GroupAccesses</c>), by falling through or (when the block it falls through to is
    /// reached from elsewhere too) by the branch taken: its member there, reaching a page it may not access,
    /// faults at that member, after the earlier block's load and store took effect, as in the interpreter.</summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void GroupGoesOnAfterAConditionalBranch(bool store, bool taken)
    {
        Action<Assembler> body = asm =>
        {
            var loop = asm.CreateLabel();
            var never = asm.CreateLabel();
            var go = asm.CreateLabel();
            asm.mov(rdi, Boundary - 48);
            asm.mov(ebx, 1);
            asm.jmp(loop); // else the first block runs on into the loop's and falls through to the same block
            asm.Label(ref loop);
            asm.mov(__qword_ptr[rdi], rbx);
            asm.add(rbx, __qword_ptr[rdi]);
            asm.test(rbx, rbx);
            if (taken)
            {
                asm.jne(go);
                asm.Label(ref never);   // reached by the fall-through and by the je below: not a continuation
                asm.xor(edi, edi);
                asm.jmp(loop);
                asm.Label(ref go);
            }
            else asm.je(never);
            if (store) asm.mov(__qword_ptr[rdi + 8], rbx);
            else asm.add(rbx, __qword_ptr[rdi + 8]);
            asm.add(rdi, 8);
            if (taken)
            {
                asm.test(rbx, rbx);
                asm.je(never);
            }
            asm.jmp(loop);
            if (!taken)
            {
                asm.Label(ref never);
                asm.xor(edi, edi);
                asm.jmp(loop);
            }
        };
        Action<Cpu> setup = _ => AddressSpace.Protect(Boundary, 0x1000, store ? Native.PROT_READ : Native.PROT_NONE);
        var a = StateAtBoundary(GuestCode.Run(body, setup, Tier.Interp));
        Assert.Equal(Signals.SIGSEGV, GuestCode.LastOutcome.Signal);
        Assert.Equal(a.Replace("translated=False", "translated=True"), StateAtBoundary(GuestCode.Run(body, setup, Tier.Jit)));
    }

    /// <summary>The block a group goes on into is skipped on every run (the branch is always taken), and the
    /// bytes it would touch lie on a page nothing may access: the group's check refuses them, the region
    /// leaves before the group and the interpreter runs on, so the program ends as it does natively.</summary>
    [Fact]
    public void GroupOverASkippedBlockStillRunsCorrectly()
    {
        Action<Assembler> body = asm =>
        {
            var loop = asm.CreateLabel();
            var skip = asm.CreateLabel();
            asm.mov(rdi, Boundary - 8);
            asm.xor(ebx, ebx);
            asm.mov(ecx, 3000);
            asm.jmp(loop);
            asm.Label(ref loop);
            asm.add(rbx, __qword_ptr[rdi]);
            asm.cmp(ecx, 0);
            asm.jne(skip);
            asm.add(rbx, __qword_ptr[rdi + 8]);
            asm.Label(ref skip);
            asm.add(__qword_ptr[rdi], rcx);
            asm.dec(ecx);
            asm.jnz(loop);
        };
        Action<Cpu> setup = _ =>
        {
            for (ulong k = 0; k < 8; k++) GuestMemory.Write8(Boundary - 8 + k, (byte)(k * 29 + 3));
            AddressSpace.Protect(Boundary, 0x1000, Native.PROT_NONE);
        };
        var a = StateAtBoundary(GuestCode.Run(body, setup, Tier.Interp));
        Assert.Equal(0, GuestCode.LastOutcome.Signal);
        var jit = StateAtBoundary(GuestCode.Run(body, setup, Tier.Jit));
        Assert.Equal(0, GuestCode.LastOutcome.Signal);
        Assert.Equal(a.Replace("translated=False", "translated=True"), jit);
    }
}
