using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Semantics.X87;

/// <summary>
/// Unmasked x87 exceptions (SDM vol. 1, 8.7): the faulting instruction only sets ES/B in the status
/// word; the next waiting x87 instruction (fwait, or any non-"fn" instruction) raises #MF, which
/// Linux delivers as SIGFPE. The real CPU cannot be the oracle here (a SIGFPE kills the test host),
/// so these run in-process in both tiers and check the architectural rule.
/// </summary>
[Collection("Guest")]
public sealed unsafe class X87SignalTests
{
    const ulong Data = GuestCode.DataAddress;

    static Runtime.State.Cpu DivideByZero(ushort cw, Tier tier, bool fninit = false) => GuestCode.Run(a =>
    {
        a.mov(rbx, Data);
        a.mov(__word_ptr[rbx], cw);
        a.fldcw(__word_ptr[rbx]);
        a.fld1();
        a.fldz();
        a.fdivp(st1, st0);
        a.fnstsw(__word_ptr[rbx + 2]);   // non-waiting: no fault yet
        if (fninit) a.fninit();          // non-waiting: clears the pending exception
        a.wait();
        a.mov(__dword_ptr[rbx + 4], 1);  // reached only without a fault
    }, tier: tier);

    [Theory]
    [InlineData(Tier.Interp), InlineData(Tier.Jit)]
    public void UnmaskedZeroDivideFaultsAtNextWait(Tier tier)
    {
        var cpu = DivideByZero(0x37B, tier);
        Assert.Equal(Signals.SIGFPE, GuestCode.LastOutcome.Signal);
        ushort sw = GuestMemory.Read16(Data + 2);
        Assert.Equal(0x8084, sw & 0x80FF);                     // B, ES, ZE
        Assert.Equal(0x9B, GuestMemory.Read8(cpu.S->Rip));     // the fwait is the faulting instruction
        Assert.Equal(0u, GuestMemory.Read32(Data + 4));
        cpu.Dispose();
    }

    [Theory]
    [InlineData(Tier.Interp), InlineData(Tier.Jit)]
    public void MaskedZeroDivideOnlySetsTheFlag(Tier tier)
    {
        DivideByZero(0x37F, tier).Dispose();
        Assert.Equal(0, GuestCode.LastOutcome.Signal);
        Assert.Equal(0x0004, GuestMemory.Read16(Data + 2) & 0x80FF);
        Assert.Equal(1u, GuestMemory.Read32(Data + 4));
    }

    /// <summary>fldcw and fnstcw (inline in the jit tier): a masked ZE sets only its flag; fldcw then unmasks
    /// it, which sets ES and B, and fnstcw stores the new control word (bit 6 set); a waiting fldcw with that
    /// exception pending faults at itself, before it loads anything.</summary>
    [Theory]
    [InlineData(Tier.Interp), InlineData(Tier.Jit)]
    public void FldcwUnmasksAndThenFaults(Tier tier)
    {
        var cpu = GuestCode.Run(a =>
        {
            a.mov(rbx, Data);
            a.mov(__word_ptr[rbx], 0x37F);
            a.mov(__word_ptr[rbx + 8], 0x33B);        // ZE unmasked, bit 6 clear
            a.mov(__word_ptr[rbx + 16], 0x27F);
            a.fldcw(__word_ptr[rbx]);
            a.fld1();
            a.fldz();
            a.fdivp(st1, st0);
            a.fnstsw(__word_ptr[rbx + 2]);
            a.fldcw(__word_ptr[rbx + 8]);
            a.fnstsw(__word_ptr[rbx + 4]);
            a.fnstcw(__word_ptr[rbx + 6]);
            a.fldcw(__word_ptr[rbx + 16]);              // faults: ZE pending and unmasked
            a.mov(__dword_ptr[rbx + 12], 1);
        }, tier: tier);
        Assert.Equal(Signals.SIGFPE, GuestCode.LastOutcome.Signal);
        Assert.Equal(0x0004, GuestMemory.Read16(Data + 2) & 0x80FF);
        Assert.Equal(0x8084, GuestMemory.Read16(Data + 4) & 0x80FF);
        Assert.Equal(0x37B, GuestMemory.Read16(Data + 6));
        Assert.Equal(0xD9, GuestMemory.Read8(cpu.S->Rip));     // the last fldcw is the faulting instruction
        Assert.Equal(0x37B, cpu.S->Fpu.Control);
        Assert.Equal(0u, GuestMemory.Read32(Data + 12));
        cpu.Dispose();
    }

    [Fact]
    public void FninitClearsAPendingException()
    {
        DivideByZero(0x37B, Tier.Interp, fninit: true).Dispose();
        Assert.Equal(0, GuestCode.LastOutcome.Signal);
        Assert.Equal(1u, GuestMemory.Read32(Data + 4));
    }
}
