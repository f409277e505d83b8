using Iced.Intel;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Semantics.Sse.SseCases;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>SSE4.2 string compares (every imm8 control value) and crc32 against the real CPU.</summary>
[Collection("Guest")]
public sealed unsafe class Sse42Tests(ITestOutputHelper log)
{
    static readonly Tweak LengthsTweak = Lengths;

    /// <summary>Explicit lengths: mostly small (incl. negative), sometimes huge.</summary>
    static void Lengths(Random r, MachineState* m, byte[] data)
    {
        m->Gpr[0] = r.Next(4) == 0 ? (ulong)r.NextInt64() : (ulong)(long)r.Next(-20, 21);
        m->Gpr[2] = r.Next(4) == 0 ? (ulong)r.NextInt64() : (ulong)(long)r.Next(-20, 21);
        if (r.Next(8) == 0) m->Gpr[0] = 0x8000000000000000UL | (ulong)r.Next(4);
        if (r.Next(8) == 0) m->Gpr[2] = 0x80000000UL;
    }

    static IEnumerable<SseCase> StringCompares(int step)
    {
        for (int k = 0; k < 128; k += step)
        {
            byte imm = (byte)k;
            yield return new SseCase($"pcmpistri {imm:x}", a => a.pcmpistri(xmm1, xmm2, imm), Lanes.Str);
            yield return new SseCase($"pcmpistrm {imm:x}", a => a.pcmpistrm(xmm1, xmm2, imm), Lanes.Str);
            yield return new SseCase($"pcmpestri {imm:x}", a => a.pcmpestri(xmm1, xmm2, imm), Lanes.Str, LengthsTweak);
            yield return new SseCase($"pcmpestrm {imm:x}", a => a.pcmpestrm(xmm1, xmm2, imm), Lanes.Str, LengthsTweak);
            yield return new SseCase($"pcmpestri64 {imm:x}", a => a.pcmpestri64(xmm3, xmm0, imm), Lanes.Str, LengthsTweak);
            yield return new SseCase($"pcmpestrm64 {imm:x}", a => a.pcmpestrm64(xmm3, xmm0, imm), Lanes.Str, LengthsTweak);
        }
        // Unaligned memory operands are allowed for these.
        foreach (byte imm in new byte[] { 0x1A, 0x3A, 0x0C, 0x08, 0x00, 0x12, 0x44, 0x4C, 0x70 })
        {
            yield return new SseCase($"pcmpistri {imm:x} mem", a => a.pcmpistri(xmm1, __xmmword_ptr[rdi + 3], imm), Lanes.Str);
            yield return new SseCase($"pcmpistrm {imm:x} mem", a => a.pcmpistrm(xmm1, __xmmword_ptr[rdi + 1], imm), Lanes.Str);
            yield return new SseCase($"pcmpestri {imm:x} mem", a => a.pcmpestri(xmm1, __xmmword_ptr[rdi], imm), Lanes.Str, LengthsTweak);
            yield return new SseCase($"pcmpestrm {imm:x} mem", a => a.pcmpestrm(xmm1, __xmmword_ptr[rdi + 7], imm), Lanes.Str, LengthsTweak);
        }
    }

    static IEnumerable<SseCase> Crc()
    {
        var l = Lanes.Mixed;
        yield return new SseCase("crc32 r32,r8", a => a.crc32(eax, cl), l);
        yield return new SseCase("crc32 r32,r8 (high)", a => a.crc32(eax, ch), l);
        yield return new SseCase("crc32 r64,r8", a => a.crc32(rax, r9b), l);
        yield return new SseCase("crc32 r32,r16", a => a.crc32(eax, cx), l);
        yield return new SseCase("crc32 r32,r32", a => a.crc32(r8d, edx), l);
        yield return new SseCase("crc32 r64,r64", a => a.crc32(rax, r15), l);
        yield return new SseCase("crc32 r32,m8", a => a.crc32(eax, __byte_ptr[rdi]), l);
        yield return new SseCase("crc32 r32,m16", a => a.crc32(eax, __word_ptr[rdi]), l);
        yield return new SseCase("crc32 r32,m32", a => a.crc32(eax, __dword_ptr[rdi]), l);
        yield return new SseCase("crc32 r64,m64", a => a.crc32(rcx, __qword_ptr[rdi]), l);
        yield return new SseCase("crc32 chain", a => { a.crc32(eax, __dword_ptr[rdi]); a.crc32(rax, __qword_ptr[rdi + 8]); a.crc32(eax, __byte_ptr[rdi + 16]); }, l);
    }

    [Fact] public void StringComparesEveryImm() => RunAll(StringCompares(1), 25, log);
    [Fact] public void StringComparesDeep() => RunAll(StringCompares(9), 300, log);
    [Fact] public void Crc32() => RunAll(Crc(), 300, log);
}
