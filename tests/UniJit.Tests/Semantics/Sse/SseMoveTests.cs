using Iced.Intel;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Semantics.Sse.SseCases;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>Moves, shuffles, element insert/extract and masks against the real CPU.</summary>
[Collection("Guest")]
public sealed class SseMoveTests(ITestOutputHelper log)
{
    const int N = 150;

    static IEnumerable<SseCase> Moves()
    {
        var l = Lanes.Mixed;
        foreach (var c in Forms("movaps", (a, d, s) => a.movaps(d, s), (a, d, m) => a.movaps(d, m), l)) yield return c;
        foreach (var c in Forms("movapd", (a, d, s) => a.movapd(d, s), (a, d, m) => a.movapd(d, m), l)) yield return c;
        foreach (var c in Forms("movdqa", (a, d, s) => a.movdqa(d, s), (a, d, m) => a.movdqa(d, m), l)) yield return c;
        yield return new SseCase("movups load unaligned", a => a.movups(xmm1, __xmmword_ptr[rdi + 3]), l);
        yield return new SseCase("movupd load unaligned", a => a.movupd(xmm1, __xmmword_ptr[rdi + 5]), l);
        yield return new SseCase("movdqu load unaligned", a => a.movdqu(xmm7, __xmmword_ptr[rdi + 1]), l);
        yield return new SseCase("lddqu", a => a.lddqu(xmm7, __xmmword_ptr[rdi + 9]), l);
        yield return new SseCase("movntdqa", a => a.movntdqa(xmm7, __xmmword_ptr[rsi + 32]), l);
        yield return new SseCase("movaps store", a => a.movaps(__xmmword_ptr[rsi + 16], xmm5), l);
        yield return new SseCase("movapd store", a => a.movapd(__xmmword_ptr[rsi + 16], xmm5), l);
        yield return new SseCase("movdqa store", a => a.movdqa(__xmmword_ptr[rsi + 48], xmm13), l);
        yield return new SseCase("movntps", a => a.movntps(__xmmword_ptr[rsi], xmm2), l);
        yield return new SseCase("movntpd", a => a.movntpd(__xmmword_ptr[rsi], xmm2), l);
        yield return new SseCase("movntdq", a => a.movntdq(__xmmword_ptr[rsi], xmm2), l);
        yield return new SseCase("movups store", a => a.movups(__xmmword_ptr[rdi + 3], xmm5), l);
        yield return new SseCase("movupd store", a => a.movupd(__xmmword_ptr[rdi + 7], xmm5), l);
        yield return new SseCase("movdqu store", a => a.movdqu(__xmmword_ptr[rdi + 1], xmm15), l);
        // Register-to-register store encodings (0F 29, 0F 11, 66 0F 7F, F3 0F 7F).
        yield return new SseCase("movaps store-form reg", a => a.db(0x0F, 0x29, 0xD1), l);
        yield return new SseCase("movups store-form reg", a => a.db(0x0F, 0x11, 0xD1), l);
        yield return new SseCase("movdqa store-form reg", a => a.db(0x66, 0x0F, 0x7F, 0xD1), l);
        yield return new SseCase("movdqu store-form reg", a => a.db(0xF3, 0x0F, 0x7F, 0xD1), l);
        yield return new SseCase("movss store-form reg", a => a.db(0xF3, 0x0F, 0x11, 0xD1), l);
        yield return new SseCase("movsd store-form reg", a => a.db(0xF2, 0x0F, 0x11, 0xD1), l);
        yield return new SseCase("movq store-form reg", a => a.db(0x66, 0x0F, 0xD6, 0xD1), l);
        foreach (var c in Forms("movss", (a, d, s) => a.movss(d, s), (a, d, m) => a.movss(d, m), l, 4)) yield return c;
        foreach (var c in Forms("movsd", (a, d, s) => a.movsd(d, s), (a, d, m) => a.movsd(d, m), l, 8)) yield return c;
        foreach (var c in Forms("movq", (a, d, s) => a.movq(d, s), (a, d, m) => a.movq(d, m), l, 8)) yield return c;
        yield return new SseCase("movss store", a => a.movss(__dword_ptr[rdi + 2], xmm3), l);
        yield return new SseCase("movsd store", a => a.movsd(__qword_ptr[rdi + 2], xmm3), l);
        yield return new SseCase("movq store", a => a.movq(__qword_ptr[rdi + 2], xmm3), l);
        yield return new SseCase("movlps load", a => a.movlps(xmm3, __qword_ptr[rdi + 2]), l);
        yield return new SseCase("movlpd load", a => a.movlpd(xmm3, __qword_ptr[rdi + 2]), l);
        yield return new SseCase("movhps load", a => a.movhps(xmm3, __qword_ptr[rdi + 2]), l);
        yield return new SseCase("movhpd load", a => a.movhpd(xmm3, __qword_ptr[rdi + 2]), l);
        yield return new SseCase("movlps store", a => a.movlps(__qword_ptr[rdi + 2], xmm3), l);
        yield return new SseCase("movlpd store", a => a.movlpd(__qword_ptr[rdi + 2], xmm3), l);
        yield return new SseCase("movhps store", a => a.movhps(__qword_ptr[rdi + 2], xmm3), l);
        yield return new SseCase("movhpd store", a => a.movhpd(__qword_ptr[rdi + 2], xmm3), l);
        yield return new SseCase("movhlps", a => a.movhlps(xmm3, xmm8), l);
        yield return new SseCase("movlhps", a => a.movlhps(xmm3, xmm8), l);
        yield return new SseCase("movd xmm,r32", a => a.movd(xmm3, eax), l);
        yield return new SseCase("movd xmm,m32", a => a.movd(xmm3, __dword_ptr[rdi]), l);
        yield return new SseCase("movq xmm,r64", a => a.movq(xmm11, r12), l);
        yield return new SseCase("movq xmm,m64", a => a.movq(xmm3, __qword_ptr[rdi]), l);
        yield return new SseCase("movd r32,xmm", a => a.movd(eax, xmm3), l);
        yield return new SseCase("movd m32,xmm", a => a.movd(__dword_ptr[rdi], xmm3), l);
        yield return new SseCase("movq r64,xmm", a => a.movq(r13, xmm9), l);
        yield return new SseCase("movq m64 (66 REX.W 0F 7E)", a => a.db(0x66, 0x48, 0x0F, 0x7E, 0x1F), l);
        yield return new SseCase("movmskps", a => a.movmskps(eax, xmm3), l);
        yield return new SseCase("movmskps r64", a => a.movmskps(r8, xmm3), l);
        yield return new SseCase("movmskpd", a => a.movmskpd(ecx, xmm3), l);
        yield return new SseCase("pmovmskb", a => a.pmovmskb(edx, xmm3), l);
        yield return new SseCase("pmovmskb r64", a => a.pmovmskb(r11, xmm12), l);
        yield return new SseCase("movnti m32", a => a.movnti(__dword_ptr[rdi], ecx), l);
        yield return new SseCase("movnti m64", a => a.movnti(__qword_ptr[rsi + 8], r9), l);
        yield return new SseCase("maskmovdqu", a => a.maskmovdqu(xmm1, xmm2), Lanes.Int);
        foreach (var c in Forms("movsldup", (a, d, s) => a.movsldup(d, s), (a, d, m) => a.movsldup(d, m), l)) yield return c;
        foreach (var c in Forms("movshdup", (a, d, s) => a.movshdup(d, s), (a, d, m) => a.movshdup(d, m), l)) yield return c;
        foreach (var c in Forms("movddup", (a, d, s) => a.movddup(d, s), (a, d, m) => a.movddup(d, m), l, 8)) yield return c;
    }

    static IEnumerable<SseCase> Shuffles()
    {
        var l = Lanes.Mixed;
        foreach (var c in Forms("unpcklps", (a, d, s) => a.unpcklps(d, s), (a, d, m) => a.unpcklps(d, m), l)) yield return c;
        foreach (var c in Forms("unpckhps", (a, d, s) => a.unpckhps(d, s), (a, d, m) => a.unpckhps(d, m), l)) yield return c;
        foreach (var c in Forms("unpcklpd", (a, d, s) => a.unpcklpd(d, s), (a, d, m) => a.unpcklpd(d, m), l)) yield return c;
        foreach (var c in Forms("unpckhpd", (a, d, s) => a.unpckhpd(d, s), (a, d, m) => a.unpckhpd(d, m), l)) yield return c;
        foreach (byte k in new byte[] { 0, 0x1B, 0x4E, 0xB1, 0xE4, 0xFF, 0x55, 0xAA, 1, 2, 3, 0x93 })
        {
            foreach (var c in Forms($"shufps {k:x}", (a, d, s) => a.shufps(d, s, k), (a, d, m) => a.shufps(d, m, k), l)) yield return c;
            foreach (var c in Forms($"shufpd {k:x}", (a, d, s) => a.shufpd(d, s, k), (a, d, m) => a.shufpd(d, m, k), l)) yield return c;
        }
    }

    static IEnumerable<SseCase> Elements()
    {
        var l = Lanes.Mixed;
        foreach (byte k in new byte[] { 0, 1, 2, 3, 5, 7, 8, 15, 0xFF, 0x12 })
        {
            yield return new SseCase($"pextrb r32 {k}", a => a.pextrb(eax, xmm3, k), l);
            yield return new SseCase($"pextrb r64 {k}", a => a.pextrb(r10, xmm3, k), l);
            yield return new SseCase($"pextrb m8 {k}", a => a.pextrb(__byte_ptr[rdi], xmm3, k), l);
            yield return new SseCase($"pextrw r32 (C5) {k}", a => a.pextrw(eax, xmm3, k), l);
            yield return new SseCase($"pextrw m16 {k}", a => a.pextrw(__word_ptr[rdi], xmm3, k), l);
            yield return new SseCase($"pextrw r32 (0F3A15) {k}", a => a.db(0x66, 0x0F, 0x3A, 0x15, 0xD8, k), l);
            yield return new SseCase($"pextrd {k}", a => a.pextrd(ecx, xmm3, k), l);
            yield return new SseCase($"pextrd m32 {k}", a => a.pextrd(__dword_ptr[rdi], xmm3, k), l);
            yield return new SseCase($"pextrq {k}", a => a.pextrq(rcx, xmm13, k), l);
            yield return new SseCase($"pextrq m64 {k}", a => a.pextrq(__qword_ptr[rdi], xmm3, k), l);
            yield return new SseCase($"extractps {k}", a => a.extractps(edx, xmm3, k), l);
            yield return new SseCase($"extractps m32 {k}", a => a.extractps(__dword_ptr[rdi], xmm3, k), l);
            yield return new SseCase($"pinsrb {k}", a => a.pinsrb(xmm3, eax, k), l);
            yield return new SseCase($"pinsrb m8 {k}", a => a.pinsrb(xmm3, __byte_ptr[rdi], k), l);
            yield return new SseCase($"pinsrw {k}", a => a.pinsrw(xmm3, eax, k), l);
            yield return new SseCase($"pinsrw m16 {k}", a => a.pinsrw(xmm3, __word_ptr[rdi], k), l);
            yield return new SseCase($"pinsrd {k}", a => a.pinsrd(xmm3, r8d, k), l);
            yield return new SseCase($"pinsrd m32 {k}", a => a.pinsrd(xmm3, __dword_ptr[rdi], k), l);
            yield return new SseCase($"pinsrq {k}", a => a.pinsrq(xmm10, r8, k), l);
            yield return new SseCase($"pinsrq m64 {k}", a => a.pinsrq(xmm3, __qword_ptr[rdi], k), l);
        }
    }

    [Fact] public void DataMoves() => RunAll(Moves(), N, log);
    [Fact] public void FloatShuffles() => RunAll(Shuffles(), N, log);
    [Fact] public void InsertExtract() => RunAll(Elements(), 60, log);
}
