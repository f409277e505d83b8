using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Memory;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Semantics.Mmx;

/// <summary>Every MMX-register encoding has a handler (CPUID advertises MMX and SSSE3), and the rules
/// the CPU cannot be the oracle for (a native #MF or fault would kill the test host) hold in both tiers:
/// a pending unmasked x87 exception faults at the MMX instruction; a faulting MMX instruction
/// leaves the x87 state (TOP, tags, registers) untouched.</summary>
[Collection("Guest")]
public sealed unsafe class MmxCoverageTests
{
    /// <summary>Legacy encodings with an MMX register operand, of the groups UniJit advertises
    /// (Cyrix EMMI forms are not valid in 64-bit mode), and emms.</summary>
    static IEnumerable<Code> MmxCodes() =>
        Enum.GetValues<Code>().Where(c => c != Code.INVALID && c.Encoding() == EncodingKind.Legacy
            && (SseHandlers.UsesMmx(c) || c == Code.Emms)
            && c.CpuidFeatures().Any(f => f is CpuidFeature.MMX or CpuidFeature.SSE or CpuidFeature.SSE2 or CpuidFeature.SSSE3));

    [Fact]
    public void EveryMmxEncodingHasAHandler()
    {
        var codes = MmxCodes().ToList();
        Assert.True(codes.Count > 90, $"only {codes.Count} MMX encodings found");
        var missing = codes.Where(c => !HandlerTable.IsImplemented(c)).ToList();
        Assert.True(missing.Count == 0, "no handler: " + string.Join(" ", missing));
    }

    [Fact]
    public void EveryMmxEncodingIsTestedAgainstTheCpu()
    {
        var tested = new HashSet<Code>();
        foreach (var c in MmxIntegerTests.All().Concat(MmxMoveTests.All()))
        {
            var asm = new Assembler(64);
            c.Body(asm);
            var ms = new MemoryStream();
            asm.Assemble(new StreamCodeWriter(ms), GuestCode.CodeAddress);
            var bytes = ms.ToArray();
            var dec = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(bytes));
            dec.IP = 0;
            while (dec.IP < (ulong)bytes.Length) tested.Add(dec.Decode().Code);
        }
        var untested = MmxCodes().Where(c => !tested.Contains(c)).ToList();
        Assert.True(untested.Count == 0, "no differential case: " + string.Join(" ", untested));
    }

    [Fact]
    public void CpuidAdvertisesMmxAndSsse3()
    {
        var (_, _, ecx, edx) = UniJit.Runtime.State.Cpuid.Query(1, 0);
        Assert.Equal(1u, (edx >> 23) & 1);  // MMX
        Assert.Equal(1u, (ecx >> 9) & 1);   // SSSE3, now with its MMX forms
    }

    [Theory]
    [InlineData(Tier.Interp), InlineData(Tier.Jit)]
    public void PendingX87ExceptionFaultsAtTheMmxInstruction(Tier tier)
    {
        const ulong data = GuestCode.DataAddress;
        var cpu = GuestCode.Run(a =>
        {
            a.mov(rbx, data);
            a.mov(__word_ptr[rbx], 0x37B);   // ZE unmasked
            a.fldcw(__word_ptr[rbx]);
            a.fld1();
            a.fldz();
            a.fdivp(st1, st0);               // pending: ES set, no fault yet
            a.paddb(mm0, mm1);               // #MF here
            a.mov(__dword_ptr[rbx + 4], 1);
        }, tier: tier);
        Assert.Equal(Signals.SIGFPE, GuestCode.LastOutcome.Signal);
        Assert.Equal(new byte[] { 0x0F, 0xFC }, new[] { GuestMemory.Read8(cpu.S->Rip), GuestMemory.Read8(cpu.S->Rip + 1) });
        Assert.Equal(6, cpu.S->Fpu.Top);     // the transition did not happen (fdivp with an unmasked fault does not pop)
        Assert.Equal(0u, GuestMemory.Read32(data + 4));
        cpu.Dispose();
    }

    [Theory]
    [InlineData(Tier.Interp), InlineData(Tier.Jit)]
    public void FaultingMmxInstructionLeavesTheX87State(Tier tier)
    {
        var cpu = GuestCode.Run(a =>
        {
            a.fld1();                          // TOP = 7, R7 valid, the rest empty
            a.xor(esi, esi);
            a.paddw(mm2, __qword_ptr[rsi + 8]); // faults: nothing changes
        }, tier: tier);
        Assert.Equal(Signals.SIGSEGV, GuestCode.LastOutcome.Signal);
        Assert.Equal(7, cpu.S->Fpu.Top);
        Assert.Equal(0x3FFF, cpu.S->Fpu.Tag);
        Assert.Equal(0, cpu.S->Fpu.SignExp[2]);
        cpu.Dispose();
    }
}
