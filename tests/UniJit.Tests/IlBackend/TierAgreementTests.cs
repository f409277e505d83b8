using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.IlBackend;

/// <summary>
/// The IL tier against the interpreter on loops, calls, memory and flag-heavy code: every register,
/// the flags and the data area must agree after the run. (The interpreter itself is checked against
/// the host CPU by the differential tests.)
/// </summary>
[Collection("Guest")]
public unsafe partial class TierAgreementTests
{
    static (ulong[] regs, ulong flags, byte[] data, ulong count) RunIn(Tier tier, Action<Assembler> body, Action<Cpu>? setup)
    {
        var cpu = GuestCode.Run(body, setup, tier);
        var regs = new ulong[16];
        for (int i = 0; i < 16; i++) regs[i] = cpu.S->Gpr[i];
        var data = new byte[256];
        GuestMemory.ReadBytes(GuestCode.DataAddress, data);
        return (regs, UniJit.Runtime.Semantics.Flags.Get(cpu.S) & 0x8D5, data, cpu.S->InstructionCount);
    }

    static void Agree(Action<Assembler> body, Action<Cpu>? setup = null)
    {
        var a = RunIn(Tier.Interp, body, setup);
        var b = RunIn(Tier.Jit, body, setup);
        Assert.Equal(a.regs, b.regs);
        Assert.Equal(a.flags, b.flags);
        Assert.Equal(a.data, b.data);
        Assert.True(b.count > 0, "the jit tier ran no translated instructions");
    }

    [Fact]
    public void CountedLoopWithMemory() => Agree(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(rcx, 1000);
        asm.mov(rdi, GuestCode.DataAddress);
        asm.xor(eax, eax);
        asm.Label(ref loop);
        asm.add(rax, rcx);
        asm.mov(__qword_ptr[rdi + 8], rax);
        asm.xor(__qword_ptr[rdi], rcx);
        asm.imul(rdx, rax, 3);
        asm.sub(rcx, 1);
        asm.jne(loop);
    });

    /// <summary>A loop that calls f(ebx) <paramref name="count"/> times and sums the results (rax) in r12;
    /// <paramref name="f"/> emits the function's body, ret included.</summary>
    static void CallLoop(Assembler asm, int count, Action<Assembler> f)
    {
        var fn = asm.CreateLabel();
        var loop = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.mov(ebx, count);
        asm.Label(ref loop);
        asm.mov(edi, ebx);
        asm.call(fn);
        asm.add(r12, rax);
        asm.dec(ebx);
        asm.jnz(loop);
        asm.jmp(done);
        asm.Label(ref fn);
        f(asm);
        asm.Label(ref done);
    }

    [Fact]
    public void CallsReturnsAndStack() => Agree(asm => CallLoop(asm, 50, asm =>
    {
        asm.push(rbp);
        asm.mov(rbp, rsp);
        asm.lea(rax, __[rdi + rdi * 2 + 7]);
        asm.movzx(ecx, al);
        asm.movsx(rdx, cl);
        asm.cmp(rax, 100);
        asm.setb(sil);
        asm.cmovae(rax, rdx);
        asm.pop(rbp);
        asm.ret();
    }));

    /// <summary>A loop that calls a small function runs in one translated method: the callee joins the
    /// region and its ret branches back to the return address inline (no region exit per call).</summary>
    [Fact]
    public void CallAndReturnStayInsideTheRegion()
    {
        var cpu = GuestCode.Run(asm => CallLoop(asm, 1000, asm =>
        {
            asm.lea(rax, __[rdi + rdi * 2 + 7]);
            asm.ret();
        }), null, Tier.Jit);
        Assert.Equal(Enumerable.Range(1, 1000).Sum(i => 3L * i + 7), (long)cpu.S->Gpr[12]);
        Assert.Equal(0UL, cpu.S->ChainHits);
        Assert.True(cpu.Process.RegionEntries <= 3, $"{cpu.Process.RegionEntries} region entries");
    }

    /// <summary>A function that replaces its return address (every other call) returns there, not to
    /// the call's return address, in every tier.</summary>
    [Fact]
    public void ReturnToAnotherAddress() => Agree(asm =>
    {
        var f = asm.CreateLabel();
        var loop = asm.CreateLabel();
        var other = asm.CreateLabel();
        var plain = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.mov(ecx, 100);
        asm.xor(edx, edx);
        asm.lea(rbx, __[other]);
        asm.Label(ref loop);
        asm.call(f);
        asm.add(rdx, 1000);
        asm.Label(ref other);
        asm.add(rdx, 1);
        asm.dec(ecx);
        asm.jnz(loop);
        asm.jmp(done);
        asm.Label(ref f);
        asm.test(ecx, 1);
        asm.jz(plain);
        asm.pop(rax);
        asm.push(rbx);
        asm.Label(ref plain);
        asm.ret();
        asm.Label(ref done);
    });

    /// <summary>Flags that only code after a region's exit reads: the callee (reached by an indirect
    /// call, so it is a region of its own) leaves them to its ret, which stores them on its way out, and
    /// a page-crossing store between producer and ret takes the slow path, which stores them too.</summary>
    [Fact]
    public void FlagsLeaveTheRegionThroughItsExits() => Agree(asm =>
    {
        var f = asm.CreateLabel();
        var g = asm.CreateLabel();
        var loop = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.lea(rbx, __[f]);
        asm.lea(rbp, __[g]);
        asm.mov(r12, GuestCode.DataAddress + 0xFFC);
        asm.mov(ecx, 200);
        asm.Label(ref loop);
        asm.lea(rdi, __[rcx + rcx * 4 - 7]);
        asm.call(rbx);
        asm.setc(al);
        asm.setz(dl);
        asm.sets(sil);
        asm.movzx(eax, al); asm.add(r9, rax);
        asm.movzx(edx, dl); asm.add(r10, rdx);
        asm.movzx(esi, sil); asm.add(r13, rsi);
        asm.mov(rdi, rcx);
        asm.call(rbp);
        asm.adc(r11, 0);
        asm.setnz(al);
        asm.movzx(eax, al); asm.add(r14, rax);
        asm.dec(ecx);
        asm.jnz(loop);
        asm.jmp(done);
        asm.Label(ref f);
        asm.imul(rdi, rdi, 0x3E3779B1);
        asm.shr(rdi, 3);
        asm.mov(rax, rdi);
        asm.ret();
        asm.Label(ref g);
        asm.cmp(rdi, 100);
        asm.mov(__qword_ptr[r12], rdi);
        asm.ret();
        asm.Label(ref done);
    });

    /// <summary>One-operand mul/imul as the last flag producer of a callee (a region of its own, reached by an
    /// indirect call): imul's flags are deferred to the ret, mul's stored; the caller reads CF and OF (set
    /// when the product overflows the low half, for about half of these operands) and sums RDX.</summary>
    [Theory]
    [InlineData(Mnemonic.Imul, 8), InlineData(Mnemonic.Imul, 4), InlineData(Mnemonic.Mul, 8), InlineData(Mnemonic.Mul, 4)]
    public void WideMultiplyFlagsLeaveThroughExits(Mnemonic m, int size) => Agree(asm =>
    {
        var f = asm.CreateLabel();
        var loop = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.lea(rbx, __[f]);
        asm.mov(ecx, 200);
        asm.mov(r12, 0x9E3779B97F4A7C15UL);
        asm.Label(ref loop);
        asm.imul(rdi, rcx, 0x3E3779B1);
        asm.ror(rdi, 29);
        asm.mov(rsi, rcx);
        asm.shr(rsi, 6); // 0 to 3: no overflow, and about half overflowing
        asm.call(rbx);
        asm.setc(al);
        asm.seto(dl);
        asm.movzx(eax, al); asm.add(r9, rax);
        asm.movzx(edx, dl); asm.add(r10, rdx);
        asm.dec(ecx);
        asm.jnz(loop);
        asm.jmp(done);
        asm.Label(ref f);
        asm.mov(rax, rdi);
        asm.xor(rax, r12);
        switch (m, size)
        {
            case (Mnemonic.Imul, 8): asm.imul(rsi); break;
            case (Mnemonic.Imul, _): asm.imul(esi); break;
            case (Mnemonic.Mul, 8): asm.mul(rsi); break;
            default: asm.mul(esi); break;
        }
        asm.lea(r11, __[r11 + rdx]);
        asm.ret();
        asm.Label(ref done);
    });

    /// <summary>A loop's compare is read only after the loop leaves the region (through an in-region
    /// block, then an indirect jump): the IL tier stores those flags on the branch out of the loop, not on
    /// its back edge, and the code after the exit must still read them.</summary>
    [Fact]
    public void FlagsStoredOnTheBranchOutOfALoop() => Agree(asm =>
    {
        var loop = asm.CreateLabel();
        var next = asm.CreateLabel();
        var after = asm.CreateLabel();
        asm.mov(ecx, 300);
        asm.xor(r9d, r9d);
        asm.Label(ref loop);
        asm.add(r9, rcx);
        asm.lea(rax, __[after]);
        asm.dec(ecx);
        asm.cmp(ecx, 7);
        asm.ja(loop);
        asm.jmp(next);
        asm.Label(ref next);
        asm.mov(r8d, 5);
        asm.jmp(rax);
        asm.Label(ref after);
        asm.setbe(dl);
        asm.sete(bl);
        asm.setb(sil);
        asm.sets(dil);
    });

    /// <summary>A direct call to a callee inside the region is a push and a branch, not an exit: flags
    /// set before the call that the callee reads must still be there (f), and flags the callee
    /// overwrites first are dropped (g), in the IL tier as in the interpreter.</summary>
    [Fact]
    public void FlagsIntoACalleeInTheRegion() => Agree(asm =>
    {
        var f = asm.CreateLabel();
        var g = asm.CreateLabel();
        var loop = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.mov(ecx, 300);
        asm.Label(ref loop);
        asm.lea(rax, __[rcx * 8 + 3]);
        asm.cmp(rax, 1200);
        asm.call(f);
        asm.add(r9, rax);
        asm.test(ecx, 3);
        asm.call(g);
        asm.add(r10, rax);
        asm.dec(ecx);
        asm.jnz(loop);
        asm.jmp(done);
        asm.Label(ref f);
        asm.setb(dl);
        asm.movzx(edx, dl);
        asm.adc(rax, rdx);
        asm.ret();
        asm.Label(ref g);
        asm.xor(eax, eax);
        asm.sete(al);
        asm.ret();
        asm.Label(ref done);
    });

    /// <summary>Shifts by CL whose flags nothing reads (the IL tier shifts inline then): every operand
    /// size, counts from 0 past the width, in every register position.</summary>
    [Fact]
    public void ShiftsByClWithDeadFlags() => Agree(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(ecx, 0);
        asm.mov(rsi, unchecked((long)0x8765_4321_F0E1_D2C3UL));
        asm.Label(ref loop);
        asm.mov(rax, rsi); asm.shl(rax, cl); asm.add(r8, rax);
        asm.mov(rax, rsi); asm.shr(eax, cl); asm.add(r8, rax);
        asm.mov(rax, rsi); asm.sar(ax, cl); asm.add(r9, rax);
        asm.mov(rax, rsi); asm.sar(al, cl); asm.add(r9, rax);
        asm.mov(rax, rsi); asm.shr(ah, cl); asm.add(r10, rax);
        asm.mov(rax, rsi); asm.sar(rax, cl); asm.add(r10, rax);
        asm.mov(rax, rsi); asm.shl(dx, cl); asm.add(r11, rdx);
        asm.mov(rax, rsi); asm.shr(rax, cl); asm.add(r12, rax);
        asm.mov(rdx, rsi); asm.sar(edx, cl); asm.xor(r11, rdx);
        asm.rol(rsi, 7);
        asm.inc(ecx);
        asm.cmp(ecx, 70);
        asm.jne(loop);
    });

    [Fact]
    public void SignedAndUnsignedConditions() => Agree(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(r8, unchecked((long)0xFFFF_FFFF_FFFF_FF80UL));
        asm.mov(ecx, 256);
        asm.Label(ref loop);
        asm.cmp(r8b, cl);
        asm.setl(__byte_ptr[rdi]);
        asm.setbe(__byte_ptr[rdi + 1]);
        asm.setg(__byte_ptr[rdi + 2]);
        asm.seta(__byte_ptr[rdi + 3]);
        asm.test(r8w, cx);
        asm.sets(__byte_ptr[rdi + 4]);
        asm.setle(__byte_ptr[rdi + 5]);
        asm.add(r8, 3);
        asm.sete(__byte_ptr[rdi + 6]);
        asm.add(rdi, 7);
        asm.dec(ecx);
        asm.jnz(loop);
    });

    /// <summary>inc and dec feed jcc, setcc and cmov on ZF and SF straight from their result (fused), and
    /// keep CF for the consumers that read it from the state, at every operand size, through zero and the
    /// sign boundary, on registers and memory.</summary>
    [Fact]
    public void IncAndDecFeedConditions() => Agree(asm =>
    {
        var loop = asm.CreateLabel();
        var notZero = asm.CreateLabel();
        var negative = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(rsi, GuestCode.DataAddress + 0x8000);
        asm.mov(__dword_ptr[rsi], 150);
        asm.mov(ecx, 300);
        asm.mov(r8, -150);
        asm.mov(r9d, 0x90);
        asm.mov(r12d, 0xFF80);
        asm.xor(r10d, r10d);
        asm.xor(r11d, r11d);
        asm.xor(r13d, r13d);
        asm.Label(ref loop);
        asm.inc(r8);
        asm.jne(notZero);
        asm.add(r10, 1);
        asm.Label(ref notZero);
        asm.dec(r9b);
        asm.js(negative);
        asm.add(r11, 2);
        asm.Label(ref negative);
        asm.cmp(r8, rcx);
        asm.inc(r12w);
        asm.setb(__byte_ptr[rdi]);
        asm.sete(__byte_ptr[rdi + 1]);
        asm.setl(__byte_ptr[rdi + 2]);
        asm.sets(__byte_ptr[rdi + 3]);
        asm.dec(__dword_ptr[rsi]);
        asm.cmovns(r13, r8);
        asm.setne(__byte_ptr[rdi + 4]);
        asm.setg(__byte_ptr[rdi + 5]);
        asm.add(rdi, 6);
        asm.dec(ecx);
        asm.jnz(loop);
    });

    /// <summary>Accesses that straddle a page boundary take the translated code's slow path (the region is
    /// left before the instruction and the interpreter runs it): loads, read-modify-writes, pushes and
    /// 16-byte vector moves at every offset across the boundary, in a loop that stays translated.</summary>
    [Fact]
    public void AccessesAcrossPageBoundaries() => Agree(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(rsi, GuestCode.DataAddress + 0x2000 - 20);
        asm.mov(ecx, 40);
        asm.xor(eax, eax);
        asm.Label(ref loop);
        asm.add(rax, __qword_ptr[rsi]);
        asm.add(__dword_ptr[rsi + 1], ecx);
        asm.movzx(edx, __word_ptr[rsi + 3]);
        asm.add(rax, rdx);
        asm.movdqu(xmm0, __xmmword_ptr[rsi]);
        asm.paddq(xmm1, xmm0);
        asm.movdqu(__xmmword_ptr[rsi + 5], xmm1);
        asm.mov(__qword_ptr[rsi + 2], rax);
        asm.inc(rsi);
        asm.dec(ecx);
        asm.jnz(loop);
        asm.mov(__qword_ptr[rdi], rax);
        asm.movdqu(__xmmword_ptr[rdi + 8], xmm1);
        asm.mov(rsi, GuestCode.DataAddress + 0x2000 - 16);
        asm.movdqu(xmm2, __xmmword_ptr[rsi - 0x40]);
        asm.movdqu(__xmmword_ptr[rdi + 24], xmm2);
    }, cpu => { for (int k = 0; k < 40; k++) GuestMemory.Write8(GuestCode.DataAddress + 0x2000 - 20 + (ulong)k, (byte)(k * 37 + 11)); });

    /// <summary>A compare whose jcc/setcc/cmov is fused with it, and a memory access between the two
    /// that takes the slow path (page crossing): the region is left before the access and the
    /// interpreter reads the flags from the state, so the compare must have stored them.</summary>
    [Fact]
    public void FusedFlagsSurviveASlowPathBetweenProducerAndConsumer() => Agree(asm =>
    {
        var loop = asm.CreateLabel();
        var skip = asm.CreateLabel();
        var skip2 = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(rsi, GuestCode.DataAddress + 0x3000 - 12);
        asm.mov(ecx, 24);
        asm.xor(eax, eax);
        asm.xor(r8d, r8d);
        asm.Label(ref loop);
        asm.cmp(ecx, 13);
        asm.mov(rdx, __qword_ptr[rsi]);
        asm.jae(skip);
        asm.add(rax, rdx);
        asm.Label(ref skip);
        asm.test(cl, 3);
        asm.mov(__qword_ptr[rsi + 1], rax);
        asm.setne(__byte_ptr[rdi + rcx]);
        asm.sub(r8, rcx);
        asm.movzx(edx, __word_ptr[rsi + 6]);
        asm.cmovl(r9, rdx);
        asm.jl(skip2);
        asm.inc(r10);
        asm.Label(ref skip2);
        asm.inc(rsi);
        asm.dec(ecx);
        asm.jnz(loop);
        asm.mov(__qword_ptr[rdi + 64], rax);
    }, cpu => { for (int k = 0; k < 40; k++) GuestMemory.Write8(GuestCode.DataAddress + 0x3000 - 12 + (ulong)k, (byte)(k * 29 + 5)); });

    [Fact]
    public void FaultInsideTranslatedCodeHasPreciseState()
    {
        Action<Assembler> body = asm =>
        {
            var loop = asm.CreateLabel();
            asm.mov(rdi, GuestCode.DataAddress);
            asm.mov(ecx, 0);
            asm.Label(ref loop);
            asm.mov(__qword_ptr[rdi], rcx);
            asm.add(rdi, 0x1000);
            asm.inc(ecx);
            asm.jmp(loop);
        };
        var a = RunIn(Tier.Interp, body, null);
        var ra = GuestCode.LastOutcome;
        var b = RunIn(Tier.Jit, body, null);
        var rb = GuestCode.LastOutcome;
        Assert.Equal(11, ra.Signal);
        Assert.Equal(ra, rb);
        Assert.Equal(a.regs, b.regs);
    }

    /// <summary>Addresses the translated code's one-compare access check must refuse: the alias of a
    /// mapped page 2^44 higher (the tag table is indexed by the page number's low 32 bits), an
    /// 8-byte access that wraps past 2^64 into page 0 (with the window's last page unmapped, as
    /// munmap leaves it), and page 0 itself; reads and writes. The check is (tag ^ a) &lt;= 4096 - n, so
    /// also: addresses whose page number's low 32 bits are those of page 0 or of the window's last page
    /// (entries that are no page's address: NoTag, 0), that last page itself, and a mapped page's alias
    /// with bit 63 set. Each faults (SIGSEGV) with the interpreter's exact state.</summary>
    [Theory]
    [InlineData(GuestCode.DataAddress + (1UL << 44), false)]
    [InlineData(GuestCode.DataAddress + (1UL << 44), true)]
    [InlineData(GuestCode.DataAddress | (1UL << 63), false)]
    [InlineData(GuestCode.DataAddress | (1UL << 63), true)]
    [InlineData(0xFFFF_FFFF_FFFF_F008UL, false)]
    [InlineData(0xFFFF_FFFF_FFFF_F008UL, true)]
    [InlineData(0x0000_0FFF_FFFF_F008UL, false)]
    [InlineData(0x0000_0FFF_FFFF_F008UL, true)]
    [InlineData(0x8000_0000_0000_0010UL, false)]
    [InlineData(0x8000_0000_0000_0010UL, true)]
    [InlineData(0xFFFF_FFFF_FFFF_FFFCUL, false)]
    [InlineData(0xFFFF_FFFF_FFFF_FFFCUL, true)]
    [InlineData(0x10UL, false)]
    [InlineData(0x10UL, true)]
    public void AccessCheckRefusesAliasesWrapsAndPageZero(ulong bad, bool write) => FaultAgrees(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(rbx, GuestCode.DataAddress + 8);
        asm.mov(rsi, bad);
        asm.mov(ecx, 100);
        asm.Label(ref loop);
        asm.mov(rax, __qword_ptr[rdi]);
        asm.add(rax, rcx);
        asm.mov(__qword_ptr[rbx], rax);
        asm.dec(ecx);
        if (write) asm.cmovz(rbx, rsi); else asm.cmovz(rdi, rsi);
        asm.jmp(loop);
    }, _ => GuestMemory.SetPerm(GuestMemory.WindowSize - GuestMemory.PageSize, GuestMemory.WindowSize, 0),
    UniJit.Runtime.Dispatch.Signals.SIGSEGV);

    /// <summary>A read-modify-write checks its address once, for writing: when it reaches a page it can
    /// read but not write (the code page), it must fault before changing anything, as in the
    /// interpreter — for the inline ALU forms (add) and the unary ones (inc).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadModifyWriteOfAReadOnlyPageFaults(bool unary) => FaultAgrees(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(rsi, GuestCode.CodeAddress + 0x8000);
        asm.mov(ecx, 100);
        asm.Label(ref loop);
        if (unary) asm.inc(__dword_ptr[rdi + 8]); else asm.add(__qword_ptr[rdi + 8], rcx);
        asm.add(rax, __qword_ptr[rdi + 8]);
        asm.dec(ecx);
        asm.cmovz(rdi, rsi);
        asm.jmp(loop);
    }, _ => { }, UniJit.Runtime.Dispatch.Signals.SIGSEGV);

    /// <summary>A region that is mostly a loop keeps the memory window and the permission tables in locals
    /// (<see cref="UniJit.IlBackend.Emit.IlEmitter.LoadPointers"/>): its reads must still be checked against
    /// the read table and its writes against the write table. The loop reads a page it may only read and
    /// stores (or adds) into the page before it, moving up until the store reaches the read-only page:
    /// SIGSEGV there, with the interpreter's state.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ALoopReadsAPageItCannotWrite(bool rmw) => FaultAgrees(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress + 0x1000 - 64);
        asm.mov(rsi, GuestCode.DataAddress + 0x1000);
        asm.Label(ref loop);
        asm.add(rax, __qword_ptr[rsi + 8]);
        if (rmw) asm.add(__qword_ptr[rdi], rax); else asm.mov(__qword_ptr[rdi], rax);
        asm.add(rdi, 8);
        asm.inc(ecx);
        asm.jmp(loop);
    }, _ =>
    {
        GuestMemory.WriteBytes(GuestCode.DataAddress + 0x1008, BitConverter.GetBytes(0x1234567UL));
        GuestMemory.SetPerm(GuestCode.DataAddress + 0x1000, GuestCode.DataAddress + 0x2000, GuestMemory.PermFor(Native.PROT_READ));
    }, UniJit.Runtime.Dispatch.Signals.SIGSEGV);

    /// <summary>Aligned accesses off one base in one block share their group's check, and a member at the
    /// same offset modulo 16 as one already found aligned is not tested again; one at another offset is.
    /// The base is 16-byte aligned plus <paramref name="misalign"/>; the members sit at <paramref name="offsets"/>
    /// (a store among them). Whichever member is the first misaligned one faults, with the interpreter's state;
    /// if none is, the loads and the store agree.</summary>
    [Theory]
    [InlineData(0, new[] { 0x20, 0x30, 0x48 })]
    [InlineData(0, new[] { 0x20, 0x40, 0x60 })]
    [InlineData(8, new[] { 0x20, 0x30, 0x40 })]
    [InlineData(8, new[] { 0x18, 0x28, 0x30 })]
    public void AlignedMembersOfOneGroup(int misalign, int[] offsets)
    {
        Action<Assembler> body = asm =>
        {
            asm.mov(rdi, GuestCode.DataAddress + (ulong)misalign);
            asm.movaps(xmm1, __xmmword_ptr[rdi + offsets[0]]);
            asm.add(rax, 3);
            asm.paddd(xmm1, __xmmword_ptr[rdi + offsets[1]]);
            asm.add(rax, 5);
            asm.movdqa(__xmmword_ptr[rdi + offsets[2]], xmm1);
            asm.movq(rbx, xmm1);
        };
        bool faults = offsets.Any(o => (misalign + o) % 16 != 0);
        if (faults) FaultAgrees(body, cpu => cpu.S->Gpr[0] = 1, UniJit.Runtime.Dispatch.Signals.SIGSEGV);
        else FaultAgrees(body, cpu => { for (int k = 0; k < 64; k++) GuestMemory.Write8(GuestCode.DataAddress + (ulong)k, (byte)(k * 7)); }, 0);
    }

    /// <summary>The whole state a fault leaves (RIP, registers, XMM, MXCSR, data) in both tiers. Translated
    /// code has no exception handler: a fault must still find every register the region wrote.</summary>
    static void FaultAgrees(Action<Assembler> body, Action<Cpu> setup, int signal, bool translated = true)
    {
        string Snapshot(Cpu c)
        {
            var s = c.S;
            var sb = new System.Text.StringBuilder($"rip={s->Rip:x} mxcsr={s->Mxcsr:x} outcome={GuestCode.LastOutcome}");
            for (int r = 0; r < 16; r++) sb.Append($" r{r}={s->Gpr[r]:x}");
            for (int x = 0; x < 16; x++) sb.Append($" x{x}={*(ulong*)(s->Xmm + 16 * x + 8):x}_{*(ulong*)(s->Xmm + 16 * x):x}");
            var data = new byte[256];
            GuestMemory.ReadBytes(GuestCode.DataAddress, data);
            return sb.Append(" data=").Append(Convert.ToHexString(data)).ToString();
        }
        var a = Snapshot(GuestCode.Run(body, setup, Tier.Interp));
        Assert.Equal(signal, GuestCode.LastOutcome.Signal);
        var jit = GuestCode.Run(body, setup, Tier.Jit);
        if (translated) Assert.True(jit.S->InstructionCount > 0, "the jit tier ran no translated instructions");
        else Assert.Equal(0UL, jit.S->InstructionCount);
        Assert.Equal(a, Snapshot(jit));
    }

    /// <summary>A 16-byte aligned access (movaps, movdqa, a packed operand, a store) at a misaligned
    /// address faults (#GP, SIGSEGV) in translated code exactly as in the interpreter, after translated
    /// work that must be kept; an aligned one at the same page does not.</summary>
    [Theory]
    [InlineData("movaps", 8)]
    [InlineData("movaps", 1)]
    [InlineData("movdqa", 4)]
    [InlineData("paddd", 8)]
    [InlineData("mulpd", 2)]
    [InlineData("movaps store", 8)]
    [InlineData("movdqa store", 15)]
    public void MisalignedAlignedAccessFaultsInTranslatedCode(string what, int offset) => FaultAgrees(asm =>
    {
        asm.mov(rdi, GuestCode.DataAddress);
        asm.movaps(xmm2, __xmmword_ptr[rdi + 0x40]);
        asm.add(rax, 7);
        asm.lea(rdi, __[rdi + offset]);
        switch (what)
        {
            case "movaps": asm.movaps(xmm1, __xmmword_ptr[rdi]); break;
            case "movdqa": asm.movdqa(xmm1, __xmmword_ptr[rdi]); break;
            case "paddd": asm.paddd(xmm1, __xmmword_ptr[rdi]); break;
            case "mulpd": asm.mulpd(xmm1, __xmmword_ptr[rdi]); break;
            case "movaps store": asm.movaps(__xmmword_ptr[rdi], xmm2); break;
            default: asm.movdqa(__xmmword_ptr[rdi], xmm2); break;
        }
        asm.add(rax, 1);
    }, _ => { }, UniJit.Runtime.Dispatch.Signals.SIGSEGV);

    /// <summary>ldmxcsr unmasks ZE part-way through a translated loop: the region ends after it (MXCSR's
    /// control bits changed), the next entry is refused (an exception unmasked), and the interpreter
    /// raises SIGFPE at the division by zero with the state the interpreter alone leaves.</summary>
    [Fact]
    public void UnmaskingInsideARegionEndsIt() => FaultAgrees(asm =>
    {
        var loop = asm.CreateLabel();
        var skip = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(ecx, 6);
        asm.Label(ref loop);
        asm.cvtsi2sd(xmm2, ecx);
        asm.movsd(xmm1, xmm3);
        asm.divsd(xmm1, xmm2);
        asm.addsd(xmm4, xmm1);
        asm.cmp(ecx, 2);
        asm.jne(skip);
        asm.ldmxcsr(__dword_ptr[rdi + 0x80]);
        asm.Label(ref skip);
        asm.movsd(__qword_ptr[rdi + rcx * 8], xmm1);
        asm.dec(ecx);
        asm.jns(loop);
    }, c =>
    {
        GuestMemory.Write32(GuestCode.DataAddress + 0x80, 0x1F80 & ~0x200u);
        *(double*)(c.S->Xmm + 3 * 16) = 1.0;
    }, UniJit.Runtime.Dispatch.Signals.SIGFPE);

    /// <summary>divsd by zero with ZE unmasked, after register and XMM writes in the same loop: a region
    /// that runs floating point natively cannot run with a guest exception unmasked (the host's must stay
    /// masked), so it leaves at once and the interpreter runs the loop and raises SIGFPE precisely.</summary>
    [Fact]
    public void UnmaskedSseExceptionLeavesTheRegionToTheInterpreter() => FaultAgrees(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(ecx, 6);
        asm.xor(eax, eax);
        asm.Label(ref loop);
        asm.add(rax, rcx);
        asm.lea(rbx, __[rax + rcx * 2]);
        asm.cvtsi2sd(xmm2, ecx);
        asm.addsd(xmm4, xmm2);
        asm.movsd(xmm1, xmm3);
        asm.divsd(xmm1, xmm2);
        asm.movsd(__qword_ptr[rdi + rcx * 8], xmm1);
        asm.dec(ecx);
        asm.jns(loop);
    }, c =>
    {
        c.S->Mxcsr = 0x1F80 & ~0x200u; // ZE unmasked
        *(double*)(c.S->Xmm + 3 * 16) = 1.0;
    }, UniJit.Runtime.Dispatch.Signals.SIGFPE, translated: false);

    /// <summary>div by zero runs through the interpreter's handler, which throws: the registers the
    /// region wrote before it must already be in the state, and RIP must be the div's.</summary>
    [Fact]
    public void HandlerThatThrowsInsideTranslatedCodeHasPreciseState() => FaultAgrees(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(rsi, 5);
        asm.mov(r9, 100);
        asm.Label(ref loop);
        asm.add(r8, rsi);
        asm.lea(r10, __[r8 + r9]);
        asm.mov(rax, r10);
        asm.xor(edx, edx);
        asm.div(rsi);
        asm.mov(r11, rax);
        asm.dec(rsi);
        asm.jmp(loop);
    }, _ => { }, UniJit.Runtime.Dispatch.Signals.SIGFPE);

    /// <summary>div and idiv inline in translated code, until one raises #DE: a zero divisor, a quotient too
    /// wide (div with RDX/EDX not below the divisor; RDX below it but not 0 first, the 128-bit case), idiv's
    /// MinValue / -1, and idiv of a dividend that is not its low half sign-extended (the interpreter's, then
    /// an overflow). The quotients and remainders of the divisions before it are summed into registers; the
    /// state at SIGFPE must be the interpreter's.</summary>
    [Theory]
    [InlineData("div32 zero"), InlineData("div64 overflow"), InlineData("div32 overflow"), InlineData("idiv64 min"),
     InlineData("idiv32 min"), InlineData("idiv64 zero"), InlineData("idiv32 wide")]
    public void DivisionFaultsInTranslatedCodeAsInTheInterpreter(string what) => FaultAgrees(asm =>
    {
        var loop = asm.CreateLabel();
        asm.mov(r8, 0x123456789abcdefUL);
        asm.xor(r12d, r12d);
        switch (what)
        {
            case "div32 zero": asm.mov(esi, 5); break;
            case "div64 overflow" or "div32 overflow": asm.mov(esi, 4); break;
            case "idiv64 min" or "idiv32 min": asm.mov(rsi, -3L); break;
            case "idiv64 zero": asm.mov(rsi, 3); break;
            default: asm.mov(esi, 5); break;
        }
        asm.Label(ref loop);
        asm.add(r8, 0x1111);
        switch (what)
        {
            case "div32 zero": asm.mov(eax, r8d); asm.xor(edx, edx); asm.div(esi); asm.dec(esi); break;
            case "div64 overflow": asm.mov(rax, r8); asm.mov(rdx, r12); asm.div(rsi); asm.inc(r12); break;
            case "div32 overflow": asm.mov(eax, r8d); asm.mov(edx, r12d); asm.div(esi); asm.inc(r12); break;
            case "idiv64 min": asm.mov(rax, long.MinValue); asm.cqo(); asm.idiv(rsi); asm.inc(rsi); break;
            case "idiv32 min": asm.mov(eax, int.MinValue); asm.cdq(); asm.idiv(esi); asm.inc(esi); break;
            case "idiv64 zero": asm.mov(rax, r8); asm.neg(rax); asm.cqo(); asm.idiv(rsi); asm.dec(rsi); break;
            default: asm.xor(eax, eax); asm.mov(edx, 1); asm.idiv(esi); asm.dec(esi); break;
        }
        asm.add(r11, rax);
        asm.add(r13, rdx);
        asm.jmp(loop);
    }, _ => { }, UniJit.Runtime.Dispatch.Signals.SIGFPE);

    /// <summary>With instruction counting on (--stats; the tests' setting), translated code counts the
    /// instructions it runs through interpreter handlers, by form: a loop of 40 fnstsw (no inline emitter)
    /// adds at least 40 to that form's count, and an inline instruction (mov r64, imm64) adds nothing to its own.</summary>
    [Fact]
    public void HandlerCallsFromTranslatedCodeAreCountedByForm()
    {
        var runs = UniJit.IlBackend.Emit.RegionCompiler.FallbackRuns!;
        long before = Volatile.Read(ref runs[(int)Code.Fnstsw_m2byte]);
        var cpu = GuestCode.Run(asm =>
        {
            var loop = asm.CreateLabel();
            asm.mov(rdi, GuestCode.DataAddress);
            asm.mov(ecx, 40);
            asm.Label(ref loop);
            asm.fnstsw(__word_ptr[rdi]);
            asm.add(rdi, 2);
            asm.dec(ecx);
            asm.jnz(loop);
        }, tier: Tier.Jit);
        Assert.True(cpu.S->InstructionCount > 0, "the jit tier ran no translated instructions");
        Assert.True(Volatile.Read(ref runs[(int)Code.Fnstsw_m2byte]) - before >= 40, "the fnstsw handler calls were not counted");
        Assert.Equal(0, Volatile.Read(ref runs[(int)Code.Mov_r64_imm64]));
    }

    /// <summary>Code that rewrites a function it has already run (the immediate of its mov) must see
    /// the new instruction on the next call, in every tier: writes to a page holding translated code
    /// drop that code.</summary>
    [Theory]
    [InlineData(Tier.Interp)]
    [InlineData(Tier.Jit)]
    [InlineData(Tier.Auto)]
    public void SelfModifyingCodeIsSeen(Tier tier)
    {
        const ulong fn = GuestCode.DataAddress + 0x1000;
        var cpu = GuestCode.Run(asm =>
        {
            var loop = asm.CreateLabel();
            var patch = asm.CreateLabel();
            var after = asm.CreateLabel();
            asm.mov(rbx, fn);
            // fn: mov eax, 1; ret  (b8 01 00 00 00 c3)
            asm.mov(__dword_ptr[rbx], 0x000001B8);
            asm.mov(__word_ptr[rbx + 4], 0xC300);
            asm.xor(r12d, r12d);
            asm.mov(r13d, 300);
            asm.Label(ref loop);
            asm.call(rbx);
            asm.add(r12, rax);
            asm.cmp(r13d, 150);
            asm.jne(after);
            asm.mov(__byte_ptr[rbx + 1], 100); // now: mov eax, 100
            asm.Label(ref after);
            asm.dec(r13d);
            asm.jnz(loop);
            _ = patch;
        }, c => UniJit.Runtime.Memory.AddressSpace.Protect(GuestCode.DataAddress, GuestCode.DataSize, 7), tier);
        // The guest loop, restated: each call returns the current immediate; the patch lands after the
        // call made with r13 == 150.
        ulong expected = 0, imm = 1;
        for (int r13 = 300; r13 > 0; r13--)
        {
            expected += imm;
            if (r13 == 150) imm = 100;
        }
        Assert.Equal(expected, cpu.S->Gpr[12]);
    }

    /// <summary>Assembles <paramref name="asm"/> at <paramref name="at"/> followed by exit(0); the result
    /// gives the addresses of its labels.</summary>
    static byte[] AssembleWithExit(Assembler asm, ulong at, out AssemblerResult result)
    {
        asm.mov(eax, 60);
        asm.xor(edi, edi);
        asm.syscall();
        var stream = new MemoryStream();
        result = asm.Assemble(new StreamCodeWriter(stream), at, BlockEncoderOptions.ReturnNewInstructionOffsets);
        return stream.ToArray();
    }

    /// <summary>The general registers, and the flags (arithmetic ones).</summary>
    static ulong[] RegistersAndFlags(Cpu c) =>
        Enumerable.Range(0, 16).Select(i => c.S->Gpr[i]).Append(UniJit.Runtime.Semantics.Flags.Get(c.S) & 0x8D5).ToArray();

    /// <summary>Promoted by hotness, a region keeps to code that has run: a path first taken after the
    /// loop was translated (here the last of 30 000 iterations) is not in the region, which leaves for it,
    /// and the interpreter runs it; --tier=jit translates it with the loop. All three tiers agree.</summary>
    [Fact]
    public void PathFirstTakenAfterPromotionLeavesTheRegion()
    {
        var asm = new Assembler(64);
        var loop = asm.CreateLabel();
        var rare = asm.CreateLabel();
        var skip = asm.CreateLabel();
        asm.mov(ecx, 30_000);
        asm.mov(rdi, GuestCode.DataAddress);
        asm.xor(eax, eax);
        asm.xor(r8d, r8d);
        asm.Label(ref loop);
        asm.cmp(rcx, 1);
        asm.jne(skip);
        asm.Label(ref rare);
        asm.add(r8, 12345);
        asm.imul(r9, rax, 7);
        asm.mov(__qword_ptr[rdi], r9);
        asm.Label(ref skip);
        asm.add(rax, rcx);
        asm.sub(rcx, 1);
        asm.jne(loop);
        var code = AssembleWithExit(asm, GuestCode.CodeAddress, out var result);
        ulong rareStart = result.GetLabelRIP(rare);

        ulong[] Regs(Cpu c) => RegistersAndFlags(c).Append(GuestMemory.Read64(GuestCode.DataAddress)).ToArray();
        var interp = Regs(GuestCode.RunBytes(code, null, Tier.Interp));
        var jit = GuestCode.RunBytes(code, null, Tier.Jit);
        Assert.Equal(interp, Regs(jit));
        Assert.True(jit.Process.Blocks.TryGet(rareStart, out var jb) && jb.Translated, "--tier=jit translates the path with the loop");
        var auto = GuestCode.RunBytes(code, null, Tier.Auto);
        Assert.Equal(interp, Regs(auto));
        Assert.True(auto.S->InstructionCount > 0, "the loop was translated");
        Assert.True(auto.Process.Blocks.TryGet(rareStart, out var ab) && !ab.Translated && ab.ExecCount == 1,
            "the path that ran only after promotion stays out of the region and runs interpreted");
    }

    /// <summary>A loop that calls through a register: the callee is its own region, and its ret comes
    /// back into the loop's region through the method's entry for the return address (not the
    /// interpreter, and not a third region). All tiers agree.</summary>
    [Fact]
    public void ReturnFromAnotherRegionEntersTheCallersRegion()
    {
        var asm = new Assembler(64);
        var loop = asm.CreateLabel();
        var fn = asm.CreateLabel();
        var back = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.mov(ecx, 30_000);
        asm.xor(r12d, r12d);
        asm.lea(rbx, __[fn]);
        asm.jmp(loop); // so that the loop's head, not the return address, is the first block to get hot
        asm.Label(ref loop);
        asm.mov(edi, ecx);
        asm.call(rbx);
        asm.Label(ref back);
        asm.add(r12, rax);
        asm.cmp(r12, 7);
        asm.setb(sil);
        asm.sub(ecx, 1);
        asm.jne(loop);
        asm.jmp(done);
        asm.Label(ref fn);
        asm.lea(rax, __[rdi + rdi * 2 + 1]);
        asm.ret();
        asm.Label(ref done);
        var code = AssembleWithExit(asm, GuestCode.CodeAddress, out var result);
        ulong backStart = result.GetLabelRIP(back);

        var interp = RegistersAndFlags(GuestCode.RunBytes(code, null, Tier.Interp));
        foreach (var tier in new[] { Tier.Auto, Tier.Jit })
        {
            var cpu = GuestCode.RunBytes(code, null, tier);
            Assert.Equal(interp, RegistersAndFlags(cpu));
            Assert.True(cpu.Process.Blocks.TryGet(backStart, out var b) && b.Compiled is { EntryIndex: > 0 },
                $"{tier}: the return address is an entry of the loop's region");
            // The call and the ret chained region to region (a calli of the entry point, not the delegate):
            // 30 000 calls, each two exits, came through the dispatcher only a few times (ChainHits, the
            // count of chained exits, is kept only with --stats); and the entry point is the delegate's
            // own: called with no state, it returns at once.
            Assert.True(cpu.Process.RegionEntries < 100, $"{tier}: exits chained ({cpu.Process.RegionEntries} region entries from the dispatcher)");
            var entry = b.Compiled!;
            Assert.Same(entry.Code.Target, entry.Context);
            ((delegate*<object?, Cpu, CpuState*, int, void>)entry.Method)(entry.Context, null!, null, entry.EntryIndex);
        }
    }

    /// <summary>A region whose return-address entry is on another page than its start: the code
    /// rewrites an instruction on the start's page (the loop head's increment, 1 → 2) halfway through.
    /// That drops the region and its other entries with it; the return block itself is not written,
    /// yet the ret into it must not reach the old method (which still adds 1).</summary>
    [Fact]
    public void RewritingARegionDropsItsOtherEntries()
    {
        byte[] Payload(ulong at, out ulong back, out ulong fnAt)
        {
            var asm = new Assembler(64);
            var head = asm.CreateLabel();
            var backLabel = asm.CreateLabel();
            var fn = asm.CreateLabel();
            var skip = asm.CreateLabel();
            var done = asm.CreateLabel();
            asm.Label(ref head);
            asm.add(r13, 1);            // 49 83 c5 01: the immediate is the last byte
            asm.mov(edi, ecx);
            asm.call(rbx);
            asm.Label(ref backLabel);   // placed at a page start, the head just before it
            asm.add(r12, rax);
            asm.sub(ecx, 1);
            asm.jne(head);
            asm.jmp(done);
            asm.Label(ref fn);
            asm.cmp(edi, 1500);
            asm.jne(skip);
            asm.mov(__byte_ptr[r14], 2);
            asm.Label(ref skip);
            asm.lea(rax, __[rdi + 1]);
            asm.ret();
            asm.Label(ref done);
            var bytes = AssembleWithExit(asm, at, out var r);
            back = r.GetLabelRIP(backLabel);
            fnAt = r.GetLabelRIP(fn);
            return bytes;
        }
        Payload(0, out ulong backOffset, out _);
        ulong start = GuestCode.DataAddress + 0x2000 - backOffset;
        var payload = Payload(start, out ulong back, out ulong fnAt);
        Assert.Equal(GuestCode.DataAddress + 0x2000, back);
        Assert.Equal(new byte[] { 0x49, 0x83, 0xC5, 0x01 }, payload[..4]); // the head's add r13, 1
        var enter = new Assembler(64);
        enter.xor(r13d, r13d);
        enter.xor(r12d, r12d);
        enter.mov(ecx, 3000);
        enter.mov(rbx, fnAt);
        enter.mov(r14, start + 3);
        enter.mov(rax, start);
        enter.jmp(rax);
        var code = AssembleWithExit(enter, GuestCode.CodeAddress, out _);
        void Setup(Cpu c)
        {
            UniJit.Runtime.Memory.AddressSpace.Protect(GuestCode.DataAddress, GuestCode.DataSize, 7);
            GuestMemory.WriteBytes(start, payload);
        }

        var interp = RegistersAndFlags(GuestCode.RunBytes(code, Setup, Tier.Interp));
        Assert.Equal(1501UL + 2 * 1499UL, interp[13]); // +1 for ecx = 3000..1500 (the patch lands during 1500), then +2
        Assert.Equal(interp, RegistersAndFlags(GuestCode.RunBytes(code, Setup, Tier.Jit)));
        Assert.Equal(interp, RegistersAndFlags(GuestCode.RunBytes(code, Setup, Tier.Auto)));
    }

    /// <summary>A loop that runs through more code than one region holds: regions exit into each
    /// other a million times. Chained exits are tail calls, so this must neither overflow the host
    /// stack nor differ from the interpreter.</summary>
    [Fact]
    public void LongChainsOfRegions() => Agree(asm =>
    {
        var top = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.mov(ecx, 20_000);
        asm.Label(ref top);
        for (int k = 0; k < 1500; k++) asm.add(rax, k & 7);
        asm.dec(ecx);
        asm.jz(done);
        asm.jmp(top);
        asm.Label(ref done);
    });
}
