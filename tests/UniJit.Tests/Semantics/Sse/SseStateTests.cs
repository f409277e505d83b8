using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using UniJit.Tests.Support;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Semantics.Sse.SseCases;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>ldmxcsr/stmxcsr, fxsave/fxrstor against the real CPU; alignment faults and unmasked
/// exceptions in the interpreter (the native side cannot fault without killing the test host).</summary>
[Collection("Guest")]
public sealed unsafe class SseStateTests(ITestOutputHelper log)
{
    /// <summary>A valid MXCSR (exceptions masked: the native run must not trap) at [rdi].</summary>
    static void ValidMxcsrAtRdi(Random r, MachineState* m, byte[] data)
    {
        uint v = (uint)r.Next(0x10000) | 0x1F80;
        int off = (int)(m->Gpr[7] - NativeRunner.DataAddr);
        BitConverter.TryWriteBytes(data.AsSpan(off), v);
    }

    /// <summary>A restorable fxsave image at [rbx]: valid MXCSR, x87 control word masking everything.</summary>
    static void FxImageAtRbx(Random r, MachineState* m, byte[] data)
    {
        var img = data.AsSpan(0x3000, 512);
        BitConverter.TryWriteBytes(img[0..], (ushort)(0x037F | (r.Next(4) << 10) | (r.Next(4) << 8)));
        BitConverter.TryWriteBytes(img[24..], (uint)r.Next(0x10000) | 0x1F80);
        // FOP, FIP, FDP: an AMD host saves them only while an x87 exception is pending, UniJit (as
        // Intel) always; with no x87 instruction run they are zero either way.
        img[6..24].Clear();
        // Some registers hold ordinary values, zeros, infinities or unnormals, as the tag rules need.
        for (int i = 0; i < 8; i++)
        {
            var slot = img.Slice(32 + 16 * i, 10);
            switch (r.Next(5))
            {
                case 0: slot.Clear(); break;
                case 1: BitConverter.TryWriteBytes(slot, 0x8000000000000000UL); BitConverter.TryWriteBytes(slot[8..], (ushort)0x7FFF); break;
                case 2: BitConverter.TryWriteBytes(slot, (ulong)r.NextInt64() | 0x8000000000000000UL); BitConverter.TryWriteBytes(slot[8..], (ushort)r.Next(0x10000)); break;
                default: break;
            }
        }
    }

    /// <summary>UniJit reports Intel's MXCSR_MASK (0xFFFF, as its CPUID says GenuineIntel); an AMD
    /// host reports 0x2FFFF (misaligned-SSE mode bit), which UniJit does not implement.</summary>
    static void IntelMxcsrMask(MachineState* m, byte* data, byte* guest) => *(uint*)(data + 0x3000 + 28) &= 0xFFFF;
    static void IntelMxcsrMask2(MachineState* m, byte* data, byte* guest) => *(uint*)(data + 0x3200 + 28) &= 0xFFFF;

    /// <summary>Also FOP, FIP, FDP (bytes 6..23): the instruction pointers differ by construction
    /// (the snippet runs at different addresses), and an AMD host stores zeros when no x87
    /// exception is pending where Intel (and UniJit) store the last instruction's.</summary>
    static void IntelMaskNoPointers(MachineState* m, byte* data, byte* guest)
    {
        IntelMxcsrMask(m, data, guest);
        new ReadOnlySpan<byte>(guest + 0x3006, 18).CopyTo(new Span<byte>(data + 0x3006, 18));
    }

    static readonly NativeFixup IntelMask = IntelMxcsrMask, IntelMask2 = IntelMxcsrMask2, X87Live = IntelMaskNoPointers;
    static readonly Tweak MxAtRdi = ValidMxcsrAtRdi;
    static readonly Tweak FxAtRbx = FxImageAtRbx;

    static IEnumerable<SseCase> State()
    {
        yield return new SseCase("stmxcsr", a => a.stmxcsr(__dword_ptr[rdi]));
        yield return new SseCase("ldmxcsr+addps+stmxcsr", a => { a.ldmxcsr(__dword_ptr[rdi]); a.addps(xmm1, xmm2); a.cvtsd2si(eax, xmm3); a.stmxcsr(__dword_ptr[rdi + 4]); }, Lanes.F32, MxAtRdi);
        yield return new SseCase("ldmxcsr+sqrtsd+cvtpd2dq", a => { a.ldmxcsr(__dword_ptr[rdi]); a.sqrtsd(xmm1, xmm2); a.cvtpd2dq(xmm4, xmm5); a.roundps(xmm6, xmm7, 4); }, Lanes.F64, MxAtRdi);
        yield return new SseCase("fxsave", a => a.fxsave(__[rbx]), Lanes.Mixed, null, true, IntelMask);
        yield return new SseCase("fxsave64", a => a.fxsave64(__[rbx]), Lanes.Mixed, null, true, IntelMask);
        yield return new SseCase("fxrstor+fxsave", a => { a.fxrstor(__[rbx]); a.fxsave(__[rbx + 0x200]); }, Lanes.Mixed, FxAtRbx, true, IntelMask2);
        yield return new SseCase("fxrstor64+fxsave64", a => { a.fxrstor64(__[rbx]); a.fxsave64(__[rbx + 0x200]); }, Lanes.Mixed, FxAtRbx, true, IntelMask2);
        // With live x87 registers (TOP moved, tags mixed) from the x87 handlers.
        yield return new SseCase("x87 pushes + fxsave", a => { a.fld1(); a.fldpi(); a.fldz(); a.fldl2e(); a.fxsave(__[rbx]); }, Lanes.Mixed, null, true, X87Live);
        yield return new SseCase("x87 pushes/pop + fxsave64", a => { a.fldz(); a.fld1(); a.fstp(st0); a.fldln2(); a.fxsave64(__[rbx]); }, Lanes.Mixed, null, true, X87Live);
        yield return new SseCase("fences and prefetches", a => { a.lfence(); a.sfence(); a.mfence(); a.prefetchnta(__byte_ptr[rdi]); a.prefetcht0(__byte_ptr[rsi]); a.clflush(__byte_ptr[rsi]); });
    }

    [Fact] public void MxcsrAndFxsave() => RunAll(State(), 200, log);

    static Cpu RunOne(Action<Assembler> body, Action<Cpu> setup)
    {
        // One instruction straight through the table, as SseDiff does, without the native side.
        var asm = new Assembler(64);
        body(asm);
        var ms = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(ms), GuestCode.CodeAddress);
        var dec = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(ms.ToArray()));
        var ins = dec.Decode();
        var cpu = GuestCode.Run(_ => { }, null); // maps the guest areas (runs only the exit)
        _ = cpu;
        var c = new Cpu(new GuestProcess(new RunOptions()));
        setup(c);
        HandlerTable.ByCode[(int)ins.Code](c, in ins);
        return c;
    }

    [Theory]
    [InlineData("movaps")]
    [InlineData("movdqa")]
    [InlineData("paddd")]
    [InlineData("addps")]
    [InlineData("movaps store")]
    [InlineData("movntdq")]
    [InlineData("fxsave")]
    public void MisalignedAlignedAccessRaisesSigsegv(string what)
    {
        Action<Assembler> body = what switch
        {
            "movaps" => a => a.movaps(xmm1, __xmmword_ptr[rdi]),
            "movdqa" => a => a.movdqa(xmm1, __xmmword_ptr[rdi]),
            "paddd" => a => a.paddd(xmm1, __xmmword_ptr[rdi]),
            "addps" => a => a.addps(xmm1, __xmmword_ptr[rdi]),
            "movaps store" => a => a.movaps(__xmmword_ptr[rdi], xmm1),
            "movntdq" => a => a.movntdq(__xmmword_ptr[rdi], xmm1),
            _ => a => a.fxsave(__[rdi]),
        };
        var e = Assert.Throws<GuestSignalException>(() => RunOne(body, c => c.S->Gpr[7] = GuestCode.DataAddress + 8));
        Assert.Equal(Signals.SIGSEGV, e.Signal);
        Assert.Equal(128, e.Code);
        // The unaligned forms do not fault.
        RunOne(a => a.movups(xmm1, __xmmword_ptr[rdi]), c => c.S->Gpr[7] = GuestCode.DataAddress + 8);
        RunOne(a => a.addss(xmm1, __dword_ptr[rdi]), c => c.S->Gpr[7] = GuestCode.DataAddress + 1);
    }

    [Fact]
    public void UnmaskedExceptionRaisesSigfpeAndKeepsDestination()
    {
        Cpu? cpu = null;
        var e = Assert.Throws<GuestSignalException>(() => RunOne(a => a.divsd(xmm1, xmm2), c =>
        {
            cpu = c;
            c.S->Mxcsr = 0x1F80 & ~0x200u; // ZE unmasked
            *(double*)(c.S->Xmm + 16) = 1.0;
            *(double*)(c.S->Xmm + 32) = 0.0;
        }));
        Assert.Equal(Signals.SIGFPE, e.Signal);
        Assert.Equal(3 /* FPE_FLTDIV */, e.Code);
        Assert.Equal(1.0, *(double*)(cpu!.S->Xmm + 16));
        Assert.Equal(0x1F80u & ~0x200u | SseMxcsr.ZE, cpu.S->Mxcsr);
    }

    [Fact]
    public void LdmxcsrReservedBitsRaiseGp()
    {
        var e = Assert.Throws<GuestSignalException>(() => RunOne(a => a.ldmxcsr(__dword_ptr[rdi]), c =>
        {
            c.S->Gpr[7] = GuestCode.DataAddress;
            UniJit.Runtime.Memory.GuestMemory.Write32(GuestCode.DataAddress, 0x11F80);
        }));
        Assert.Equal(Signals.SIGSEGV, e.Signal);
    }
}
