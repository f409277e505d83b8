using Iced.Intel;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Semantics.Sse.SseCases;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>Integer SIMD (SSE2, SSSE3, SSE4.1, SSE4.2 pcmpgtq) against the real CPU.</summary>
[Collection("Guest")]
public sealed class SseIntegerTests(ITestOutputHelper log)
{
    const int N = 200;

    static IEnumerable<SseCase> Sse2()
    {
        var l = Lanes.Int;
        foreach (var c in Forms("paddb", (a, d, s) => a.paddb(d, s), (a, d, m) => a.paddb(d, m), l)) yield return c;
        foreach (var c in Forms("paddw", (a, d, s) => a.paddw(d, s), (a, d, m) => a.paddw(d, m), l)) yield return c;
        foreach (var c in Forms("paddd", (a, d, s) => a.paddd(d, s), (a, d, m) => a.paddd(d, m), l)) yield return c;
        foreach (var c in Forms("paddq", (a, d, s) => a.paddq(d, s), (a, d, m) => a.paddq(d, m), l)) yield return c;
        foreach (var c in Forms("psubb", (a, d, s) => a.psubb(d, s), (a, d, m) => a.psubb(d, m), l)) yield return c;
        foreach (var c in Forms("psubw", (a, d, s) => a.psubw(d, s), (a, d, m) => a.psubw(d, m), l)) yield return c;
        foreach (var c in Forms("psubd", (a, d, s) => a.psubd(d, s), (a, d, m) => a.psubd(d, m), l)) yield return c;
        foreach (var c in Forms("psubq", (a, d, s) => a.psubq(d, s), (a, d, m) => a.psubq(d, m), l)) yield return c;
        foreach (var c in Forms("paddsb", (a, d, s) => a.paddsb(d, s), (a, d, m) => a.paddsb(d, m), l)) yield return c;
        foreach (var c in Forms("paddsw", (a, d, s) => a.paddsw(d, s), (a, d, m) => a.paddsw(d, m), l)) yield return c;
        foreach (var c in Forms("paddusb", (a, d, s) => a.paddusb(d, s), (a, d, m) => a.paddusb(d, m), l)) yield return c;
        foreach (var c in Forms("paddusw", (a, d, s) => a.paddusw(d, s), (a, d, m) => a.paddusw(d, m), l)) yield return c;
        foreach (var c in Forms("psubsb", (a, d, s) => a.psubsb(d, s), (a, d, m) => a.psubsb(d, m), l)) yield return c;
        foreach (var c in Forms("psubsw", (a, d, s) => a.psubsw(d, s), (a, d, m) => a.psubsw(d, m), l)) yield return c;
        foreach (var c in Forms("psubusb", (a, d, s) => a.psubusb(d, s), (a, d, m) => a.psubusb(d, m), l)) yield return c;
        foreach (var c in Forms("psubusw", (a, d, s) => a.psubusw(d, s), (a, d, m) => a.psubusw(d, m), l)) yield return c;
        foreach (var c in Forms("pmullw", (a, d, s) => a.pmullw(d, s), (a, d, m) => a.pmullw(d, m), l)) yield return c;
        foreach (var c in Forms("pmulhw", (a, d, s) => a.pmulhw(d, s), (a, d, m) => a.pmulhw(d, m), l)) yield return c;
        foreach (var c in Forms("pmulhuw", (a, d, s) => a.pmulhuw(d, s), (a, d, m) => a.pmulhuw(d, m), l)) yield return c;
        foreach (var c in Forms("pmuludq", (a, d, s) => a.pmuludq(d, s), (a, d, m) => a.pmuludq(d, m), l)) yield return c;
        foreach (var c in Forms("pmaddwd", (a, d, s) => a.pmaddwd(d, s), (a, d, m) => a.pmaddwd(d, m), l)) yield return c;
        foreach (var c in Forms("psadbw", (a, d, s) => a.psadbw(d, s), (a, d, m) => a.psadbw(d, m), l)) yield return c;
        foreach (var c in Forms("pavgb", (a, d, s) => a.pavgb(d, s), (a, d, m) => a.pavgb(d, m), l)) yield return c;
        foreach (var c in Forms("pavgw", (a, d, s) => a.pavgw(d, s), (a, d, m) => a.pavgw(d, m), l)) yield return c;
        foreach (var c in Forms("pminub", (a, d, s) => a.pminub(d, s), (a, d, m) => a.pminub(d, m), l)) yield return c;
        foreach (var c in Forms("pmaxub", (a, d, s) => a.pmaxub(d, s), (a, d, m) => a.pmaxub(d, m), l)) yield return c;
        foreach (var c in Forms("pminsw", (a, d, s) => a.pminsw(d, s), (a, d, m) => a.pminsw(d, m), l)) yield return c;
        foreach (var c in Forms("pmaxsw", (a, d, s) => a.pmaxsw(d, s), (a, d, m) => a.pmaxsw(d, m), l)) yield return c;
        foreach (var c in Forms("pand", (a, d, s) => a.pand(d, s), (a, d, m) => a.pand(d, m), l)) yield return c;
        foreach (var c in Forms("pandn", (a, d, s) => a.pandn(d, s), (a, d, m) => a.pandn(d, m), l)) yield return c;
        foreach (var c in Forms("por", (a, d, s) => a.por(d, s), (a, d, m) => a.por(d, m), l)) yield return c;
        foreach (var c in Forms("pxor", (a, d, s) => a.pxor(d, s), (a, d, m) => a.pxor(d, m), l)) yield return c;
        foreach (var c in Forms("pcmpeqb", (a, d, s) => a.pcmpeqb(d, s), (a, d, m) => a.pcmpeqb(d, m), Lanes.Str)) yield return c;
        foreach (var c in Forms("pcmpeqw", (a, d, s) => a.pcmpeqw(d, s), (a, d, m) => a.pcmpeqw(d, m), l)) yield return c;
        foreach (var c in Forms("pcmpeqd", (a, d, s) => a.pcmpeqd(d, s), (a, d, m) => a.pcmpeqd(d, m), l)) yield return c;
        foreach (var c in Forms("pcmpgtb", (a, d, s) => a.pcmpgtb(d, s), (a, d, m) => a.pcmpgtb(d, m), l)) yield return c;
        foreach (var c in Forms("pcmpgtw", (a, d, s) => a.pcmpgtw(d, s), (a, d, m) => a.pcmpgtw(d, m), l)) yield return c;
        foreach (var c in Forms("pcmpgtd", (a, d, s) => a.pcmpgtd(d, s), (a, d, m) => a.pcmpgtd(d, m), l)) yield return c;
        foreach (var c in Forms("packsswb", (a, d, s) => a.packsswb(d, s), (a, d, m) => a.packsswb(d, m), l)) yield return c;
        foreach (var c in Forms("packssdw", (a, d, s) => a.packssdw(d, s), (a, d, m) => a.packssdw(d, m), l)) yield return c;
        foreach (var c in Forms("packuswb", (a, d, s) => a.packuswb(d, s), (a, d, m) => a.packuswb(d, m), l)) yield return c;
        foreach (var c in Forms("punpcklbw", (a, d, s) => a.punpcklbw(d, s), (a, d, m) => a.punpcklbw(d, m), l)) yield return c;
        foreach (var c in Forms("punpcklwd", (a, d, s) => a.punpcklwd(d, s), (a, d, m) => a.punpcklwd(d, m), l)) yield return c;
        foreach (var c in Forms("punpckldq", (a, d, s) => a.punpckldq(d, s), (a, d, m) => a.punpckldq(d, m), l)) yield return c;
        foreach (var c in Forms("punpcklqdq", (a, d, s) => a.punpcklqdq(d, s), (a, d, m) => a.punpcklqdq(d, m), l)) yield return c;
        foreach (var c in Forms("punpckhbw", (a, d, s) => a.punpckhbw(d, s), (a, d, m) => a.punpckhbw(d, m), l)) yield return c;
        foreach (var c in Forms("punpckhwd", (a, d, s) => a.punpckhwd(d, s), (a, d, m) => a.punpckhwd(d, m), l)) yield return c;
        foreach (var c in Forms("punpckhdq", (a, d, s) => a.punpckhdq(d, s), (a, d, m) => a.punpckhdq(d, m), l)) yield return c;
        foreach (var c in Forms("punpckhqdq", (a, d, s) => a.punpckhqdq(d, s), (a, d, m) => a.punpckhqdq(d, m), l)) yield return c;
    }

    static IEnumerable<SseCase> Shifts()
    {
        var l = Lanes.Int;
        foreach (var c in Forms("psllw", (a, d, s) => a.psllw(d, s), (a, d, m) => a.psllw(d, m), l)) yield return c;
        foreach (var c in Forms("pslld", (a, d, s) => a.pslld(d, s), (a, d, m) => a.pslld(d, m), l)) yield return c;
        foreach (var c in Forms("psllq", (a, d, s) => a.psllq(d, s), (a, d, m) => a.psllq(d, m), l)) yield return c;
        foreach (var c in Forms("psrlw", (a, d, s) => a.psrlw(d, s), (a, d, m) => a.psrlw(d, m), l)) yield return c;
        foreach (var c in Forms("psrld", (a, d, s) => a.psrld(d, s), (a, d, m) => a.psrld(d, m), l)) yield return c;
        foreach (var c in Forms("psrlq", (a, d, s) => a.psrlq(d, s), (a, d, m) => a.psrlq(d, m), l)) yield return c;
        foreach (var c in Forms("psraw", (a, d, s) => a.psraw(d, s), (a, d, m) => a.psraw(d, m), l)) yield return c;
        foreach (var c in Forms("psrad", (a, d, s) => a.psrad(d, s), (a, d, m) => a.psrad(d, m), l)) yield return c;
        foreach (byte k in new byte[] { 0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 200, 255 })
        {
            yield return new SseCase($"psllw {k}", a => a.psllw(xmm2, k), l);
            yield return new SseCase($"pslld {k}", a => a.pslld(xmm2, k), l);
            yield return new SseCase($"psllq {k}", a => a.psllq(xmm2, k), l);
            yield return new SseCase($"psrlw {k}", a => a.psrlw(xmm2, k), l);
            yield return new SseCase($"psrld {k}", a => a.psrld(xmm2, k), l);
            yield return new SseCase($"psrlq {k}", a => a.psrlq(xmm2, k), l);
            yield return new SseCase($"psraw {k}", a => a.psraw(xmm2, k), l);
            yield return new SseCase($"psrad {k}", a => a.psrad(xmm2, k), l);
            yield return new SseCase($"pslldq {k}", a => a.pslldq(xmm2, k), l);
            yield return new SseCase($"psrldq {k}", a => a.psrldq(xmm12, k), l);
        }
    }

    static IEnumerable<SseCase> Shuffles()
    {
        var r = new Random(7);
        foreach (byte k in new byte[] { 0, 0x1B, 0x4E, 0xB1, 0xE4, 0xFF, 0x55, 0xAA, (byte)r.Next(256), (byte)r.Next(256), (byte)r.Next(256) })
        {
            foreach (var c in Forms($"pshufd {k:x}", (a, d, s) => a.pshufd(d, s, k), (a, d, m) => a.pshufd(d, m, k))) yield return c;
            foreach (var c in Forms($"pshufhw {k:x}", (a, d, s) => a.pshufhw(d, s, k), (a, d, m) => a.pshufhw(d, m, k))) yield return c;
            foreach (var c in Forms($"pshuflw {k:x}", (a, d, s) => a.pshuflw(d, s, k), (a, d, m) => a.pshuflw(d, m, k))) yield return c;
        }
    }

    static IEnumerable<SseCase> Ssse3()
    {
        var l = Lanes.Int;
        foreach (var c in Forms("pshufb", (a, d, s) => a.pshufb(d, s), (a, d, m) => a.pshufb(d, m), Lanes.Bytes)) yield return c;
        foreach (var c in Forms("phaddw", (a, d, s) => a.phaddw(d, s), (a, d, m) => a.phaddw(d, m), l)) yield return c;
        foreach (var c in Forms("phaddd", (a, d, s) => a.phaddd(d, s), (a, d, m) => a.phaddd(d, m), l)) yield return c;
        foreach (var c in Forms("phaddsw", (a, d, s) => a.phaddsw(d, s), (a, d, m) => a.phaddsw(d, m), l)) yield return c;
        foreach (var c in Forms("phsubw", (a, d, s) => a.phsubw(d, s), (a, d, m) => a.phsubw(d, m), l)) yield return c;
        foreach (var c in Forms("phsubd", (a, d, s) => a.phsubd(d, s), (a, d, m) => a.phsubd(d, m), l)) yield return c;
        foreach (var c in Forms("phsubsw", (a, d, s) => a.phsubsw(d, s), (a, d, m) => a.phsubsw(d, m), l)) yield return c;
        foreach (var c in Forms("pmaddubsw", (a, d, s) => a.pmaddubsw(d, s), (a, d, m) => a.pmaddubsw(d, m), l)) yield return c;
        foreach (var c in Forms("psignb", (a, d, s) => a.psignb(d, s), (a, d, m) => a.psignb(d, m), l)) yield return c;
        foreach (var c in Forms("psignw", (a, d, s) => a.psignw(d, s), (a, d, m) => a.psignw(d, m), l)) yield return c;
        foreach (var c in Forms("psignd", (a, d, s) => a.psignd(d, s), (a, d, m) => a.psignd(d, m), l)) yield return c;
        foreach (var c in Forms("pabsb", (a, d, s) => a.pabsb(d, s), (a, d, m) => a.pabsb(d, m), l)) yield return c;
        foreach (var c in Forms("pabsw", (a, d, s) => a.pabsw(d, s), (a, d, m) => a.pabsw(d, m), l)) yield return c;
        foreach (var c in Forms("pabsd", (a, d, s) => a.pabsd(d, s), (a, d, m) => a.pabsd(d, m), l)) yield return c;
        foreach (var c in Forms("pmulhrsw", (a, d, s) => a.pmulhrsw(d, s), (a, d, m) => a.pmulhrsw(d, m), l)) yield return c;
        foreach (byte k in new byte[] { 0, 1, 4, 7, 8, 15, 16, 17, 24, 31, 32, 33, 200, 255 })
            foreach (var c in Forms($"palignr {k}", (a, d, s) => a.palignr(d, s, k), (a, d, m) => a.palignr(d, m, k), Lanes.Bytes)) yield return c;
    }

    static IEnumerable<SseCase> Sse4()
    {
        var l = Lanes.Int;
        foreach (var c in Forms("pminsb", (a, d, s) => a.pminsb(d, s), (a, d, m) => a.pminsb(d, m), l)) yield return c;
        foreach (var c in Forms("pminsd", (a, d, s) => a.pminsd(d, s), (a, d, m) => a.pminsd(d, m), l)) yield return c;
        foreach (var c in Forms("pminuw", (a, d, s) => a.pminuw(d, s), (a, d, m) => a.pminuw(d, m), l)) yield return c;
        foreach (var c in Forms("pminud", (a, d, s) => a.pminud(d, s), (a, d, m) => a.pminud(d, m), l)) yield return c;
        foreach (var c in Forms("pmaxsb", (a, d, s) => a.pmaxsb(d, s), (a, d, m) => a.pmaxsb(d, m), l)) yield return c;
        foreach (var c in Forms("pmaxsd", (a, d, s) => a.pmaxsd(d, s), (a, d, m) => a.pmaxsd(d, m), l)) yield return c;
        foreach (var c in Forms("pmaxuw", (a, d, s) => a.pmaxuw(d, s), (a, d, m) => a.pmaxuw(d, m), l)) yield return c;
        foreach (var c in Forms("pmaxud", (a, d, s) => a.pmaxud(d, s), (a, d, m) => a.pmaxud(d, m), l)) yield return c;
        foreach (var c in Forms("pmulld", (a, d, s) => a.pmulld(d, s), (a, d, m) => a.pmulld(d, m), l)) yield return c;
        foreach (var c in Forms("pmuldq", (a, d, s) => a.pmuldq(d, s), (a, d, m) => a.pmuldq(d, m), l)) yield return c;
        foreach (var c in Forms("pcmpeqq", (a, d, s) => a.pcmpeqq(d, s), (a, d, m) => a.pcmpeqq(d, m), l)) yield return c;
        foreach (var c in Forms("pcmpgtq", (a, d, s) => a.pcmpgtq(d, s), (a, d, m) => a.pcmpgtq(d, m), l)) yield return c;
        foreach (var c in Forms("packusdw", (a, d, s) => a.packusdw(d, s), (a, d, m) => a.packusdw(d, m), l)) yield return c;
        foreach (var c in Forms("phminposuw", (a, d, s) => a.phminposuw(d, s), (a, d, m) => a.phminposuw(d, m), l)) yield return c;
        foreach (var c in Forms("pmovsxbw", (a, d, s) => a.pmovsxbw(d, s), (a, d, m) => a.pmovsxbw(d, m), l, 8)) yield return c;
        foreach (var c in Forms("pmovsxbd", (a, d, s) => a.pmovsxbd(d, s), (a, d, m) => a.pmovsxbd(d, m), l, 4)) yield return c;
        foreach (var c in Forms("pmovsxbq", (a, d, s) => a.pmovsxbq(d, s), (a, d, m) => a.pmovsxbq(d, m), l, 2)) yield return c;
        foreach (var c in Forms("pmovsxwd", (a, d, s) => a.pmovsxwd(d, s), (a, d, m) => a.pmovsxwd(d, m), l, 8)) yield return c;
        foreach (var c in Forms("pmovsxwq", (a, d, s) => a.pmovsxwq(d, s), (a, d, m) => a.pmovsxwq(d, m), l, 4)) yield return c;
        foreach (var c in Forms("pmovsxdq", (a, d, s) => a.pmovsxdq(d, s), (a, d, m) => a.pmovsxdq(d, m), l, 8)) yield return c;
        foreach (var c in Forms("pmovzxbw", (a, d, s) => a.pmovzxbw(d, s), (a, d, m) => a.pmovzxbw(d, m), l, 8)) yield return c;
        foreach (var c in Forms("pmovzxbd", (a, d, s) => a.pmovzxbd(d, s), (a, d, m) => a.pmovzxbd(d, m), l, 4)) yield return c;
        foreach (var c in Forms("pmovzxbq", (a, d, s) => a.pmovzxbq(d, s), (a, d, m) => a.pmovzxbq(d, m), l, 2)) yield return c;
        foreach (var c in Forms("pmovzxwd", (a, d, s) => a.pmovzxwd(d, s), (a, d, m) => a.pmovzxwd(d, m), l, 8)) yield return c;
        foreach (var c in Forms("pmovzxwq", (a, d, s) => a.pmovzxwq(d, s), (a, d, m) => a.pmovzxwq(d, m), l, 4)) yield return c;
        foreach (var c in Forms("pmovzxdq", (a, d, s) => a.pmovzxdq(d, s), (a, d, m) => a.pmovzxdq(d, m), l, 8)) yield return c;
        foreach (var c in Forms("pblendvb", (a, d, s) => a.pblendvb(d, s), (a, d, m) => a.pblendvb(d, m), l)) yield return c;
        foreach (var c in Forms("ptest", (a, d, s) => a.ptest(d, s), (a, d, m) => a.ptest(d, m), l)) yield return c;
        foreach (byte k in new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 0x0B, 0x15, 0xFF })
            foreach (var c in Forms($"mpsadbw {k:x}", (a, d, s) => a.mpsadbw(d, s, k), (a, d, m) => a.mpsadbw(d, m, k), l)) yield return c;
        foreach (byte k in new byte[] { 0, 0x0F, 0xA5, 0xFF, 0x3C })
            foreach (var c in Forms($"pblendw {k:x}", (a, d, s) => a.pblendw(d, s, k), (a, d, m) => a.pblendw(d, m, k), l)) yield return c;
    }

    [Fact] public void Sse2Arithmetic() => RunAll(Sse2(), N, log);
    [Fact] public void Sse2Shifts() => RunAll(Shifts(), 120, log);
    [Fact] public void Sse2Shuffles() => RunAll(Shuffles(), 120, log);
    [Fact] public void Ssse3Integer() => RunAll(Ssse3(), N, log);
    [Fact] public void Sse41Integer() => RunAll(Sse4(), N, log);
}
