using UniJit.Tests.Semantics.Sse;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Semantics.Mmx.MmxCases;

namespace UniJit.Tests.Semantics.Mmx;

/// <summary>MMX integer instructions, the SSE/SSE2 integer instructions on MMX registers and SSSE3's
/// MMX forms against the real CPU, in the interpreter and the IL tier (see <see cref="MmxCases"/>).</summary>
[Collection("Guest")]
public sealed unsafe class MmxIntegerTests(ITestOutputHelper log)
{
    const int N = 100;

    static IEnumerable<SseCase> Arithmetic()
    {
        foreach (var c in Forms("paddb", (a, d, s) => a.paddb(d, s), (a, d, m) => a.paddb(d, m))) yield return c;
        foreach (var c in Forms("paddw", (a, d, s) => a.paddw(d, s), (a, d, m) => a.paddw(d, m))) yield return c;
        foreach (var c in Forms("paddd", (a, d, s) => a.paddd(d, s), (a, d, m) => a.paddd(d, m))) yield return c;
        foreach (var c in Forms("paddq", (a, d, s) => a.paddq(d, s), (a, d, m) => a.paddq(d, m))) yield return c;
        foreach (var c in Forms("paddsb", (a, d, s) => a.paddsb(d, s), (a, d, m) => a.paddsb(d, m))) yield return c;
        foreach (var c in Forms("paddsw", (a, d, s) => a.paddsw(d, s), (a, d, m) => a.paddsw(d, m))) yield return c;
        foreach (var c in Forms("paddusb", (a, d, s) => a.paddusb(d, s), (a, d, m) => a.paddusb(d, m))) yield return c;
        foreach (var c in Forms("paddusw", (a, d, s) => a.paddusw(d, s), (a, d, m) => a.paddusw(d, m))) yield return c;
        foreach (var c in Forms("psubb", (a, d, s) => a.psubb(d, s), (a, d, m) => a.psubb(d, m))) yield return c;
        foreach (var c in Forms("psubw", (a, d, s) => a.psubw(d, s), (a, d, m) => a.psubw(d, m))) yield return c;
        foreach (var c in Forms("psubd", (a, d, s) => a.psubd(d, s), (a, d, m) => a.psubd(d, m))) yield return c;
        foreach (var c in Forms("psubq", (a, d, s) => a.psubq(d, s), (a, d, m) => a.psubq(d, m))) yield return c;
        foreach (var c in Forms("psubsb", (a, d, s) => a.psubsb(d, s), (a, d, m) => a.psubsb(d, m))) yield return c;
        foreach (var c in Forms("psubsw", (a, d, s) => a.psubsw(d, s), (a, d, m) => a.psubsw(d, m))) yield return c;
        foreach (var c in Forms("psubusb", (a, d, s) => a.psubusb(d, s), (a, d, m) => a.psubusb(d, m))) yield return c;
        foreach (var c in Forms("psubusw", (a, d, s) => a.psubusw(d, s), (a, d, m) => a.psubusw(d, m))) yield return c;
        foreach (var c in Forms("pmullw", (a, d, s) => a.pmullw(d, s), (a, d, m) => a.pmullw(d, m))) yield return c;
        foreach (var c in Forms("pmulhw", (a, d, s) => a.pmulhw(d, s), (a, d, m) => a.pmulhw(d, m))) yield return c;
        foreach (var c in Forms("pmaddwd", (a, d, s) => a.pmaddwd(d, s), (a, d, m) => a.pmaddwd(d, m))) yield return c;
        foreach (var c in Forms("pand", (a, d, s) => a.pand(d, s), (a, d, m) => a.pand(d, m))) yield return c;
        foreach (var c in Forms("pandn", (a, d, s) => a.pandn(d, s), (a, d, m) => a.pandn(d, m))) yield return c;
        foreach (var c in Forms("por", (a, d, s) => a.por(d, s), (a, d, m) => a.por(d, m))) yield return c;
        foreach (var c in Forms("pxor", (a, d, s) => a.pxor(d, s), (a, d, m) => a.pxor(d, m))) yield return c;
        foreach (var c in Forms("pcmpeqb", (a, d, s) => a.pcmpeqb(d, s), (a, d, m) => a.pcmpeqb(d, m))) yield return c;
        foreach (var c in Forms("pcmpeqw", (a, d, s) => a.pcmpeqw(d, s), (a, d, m) => a.pcmpeqw(d, m))) yield return c;
        foreach (var c in Forms("pcmpeqd", (a, d, s) => a.pcmpeqd(d, s), (a, d, m) => a.pcmpeqd(d, m))) yield return c;
        foreach (var c in Forms("pcmpgtb", (a, d, s) => a.pcmpgtb(d, s), (a, d, m) => a.pcmpgtb(d, m))) yield return c;
        foreach (var c in Forms("pcmpgtw", (a, d, s) => a.pcmpgtw(d, s), (a, d, m) => a.pcmpgtw(d, m))) yield return c;
        foreach (var c in Forms("pcmpgtd", (a, d, s) => a.pcmpgtd(d, s), (a, d, m) => a.pcmpgtd(d, m))) yield return c;
    }

    static IEnumerable<SseCase> PackUnpack()
    {
        foreach (var c in Forms("packsswb", (a, d, s) => a.packsswb(d, s), (a, d, m) => a.packsswb(d, m))) yield return c;
        foreach (var c in Forms("packssdw", (a, d, s) => a.packssdw(d, s), (a, d, m) => a.packssdw(d, m))) yield return c;
        foreach (var c in Forms("packuswb", (a, d, s) => a.packuswb(d, s), (a, d, m) => a.packuswb(d, m))) yield return c;
        foreach (var c in Forms("punpcklbw", (a, d, s) => a.punpcklbw(d, s), (a, d, m) => a.punpcklbw(d, m), 4)) yield return c;
        foreach (var c in Forms("punpcklwd", (a, d, s) => a.punpcklwd(d, s), (a, d, m) => a.punpcklwd(d, m), 4)) yield return c;
        foreach (var c in Forms("punpckldq", (a, d, s) => a.punpckldq(d, s), (a, d, m) => a.punpckldq(d, m), 4)) yield return c;
        foreach (var c in Forms("punpckhbw", (a, d, s) => a.punpckhbw(d, s), (a, d, m) => a.punpckhbw(d, m))) yield return c;
        foreach (var c in Forms("punpckhwd", (a, d, s) => a.punpckhwd(d, s), (a, d, m) => a.punpckhwd(d, m))) yield return c;
        foreach (var c in Forms("punpckhdq", (a, d, s) => a.punpckhdq(d, s), (a, d, m) => a.punpckhdq(d, m))) yield return c;
    }

    static readonly ulong[] counts = [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 0x1_0000_0000, 0x8000000000000000, ulong.MaxValue];

    /// <summary>The count operand: lane width - 1, lane width, 64 and beyond, and huge counts whose
    /// low bits are small (the whole quadword counts).</summary>
    static Tweak Count(int src) => (r, m, d) => SetSource(m, d, src, r.Next(4) == 0 ? (ulong)r.Next(70) : counts[r.Next(counts.Length)]);

    static IEnumerable<SseCase> Shifts()
    {
        foreach (var c in Forms("psllw", (a, d, s) => a.psllw(d, s), (a, d, m) => a.psllw(d, m), tweak: Count)) yield return c;
        foreach (var c in Forms("pslld", (a, d, s) => a.pslld(d, s), (a, d, m) => a.pslld(d, m), tweak: Count)) yield return c;
        foreach (var c in Forms("psllq", (a, d, s) => a.psllq(d, s), (a, d, m) => a.psllq(d, m), tweak: Count)) yield return c;
        foreach (var c in Forms("psrlw", (a, d, s) => a.psrlw(d, s), (a, d, m) => a.psrlw(d, m), tweak: Count)) yield return c;
        foreach (var c in Forms("psrld", (a, d, s) => a.psrld(d, s), (a, d, m) => a.psrld(d, m), tweak: Count)) yield return c;
        foreach (var c in Forms("psrlq", (a, d, s) => a.psrlq(d, s), (a, d, m) => a.psrlq(d, m), tweak: Count)) yield return c;
        foreach (var c in Forms("psraw", (a, d, s) => a.psraw(d, s), (a, d, m) => a.psraw(d, m), tweak: Count)) yield return c;
        foreach (var c in Forms("psrad", (a, d, s) => a.psrad(d, s), (a, d, m) => a.psrad(d, m), tweak: Count)) yield return c;
        foreach (byte k in new byte[] { 0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 255 })
        {
            yield return Case($"psllw mm2,{k}", a => a.psllw(mm2, k));
            yield return Case($"pslld mm3,{k}", a => a.pslld(mm3, k));
            yield return Case($"psllq mm4,{k}", a => a.psllq(mm4, k));
            yield return Case($"psrlw mm5,{k}", a => a.psrlw(mm5, k));
            yield return Case($"psrld mm6,{k}", a => a.psrld(mm6, k));
            yield return Case($"psrlq mm7,{k}", a => a.psrlq(mm7, k));
            yield return Case($"psraw mm0,{k}", a => a.psraw(mm0, k));
            yield return Case($"psrad mm1,{k}", a => a.psrad(mm1, k));
        }
    }

    static IEnumerable<SseCase> SseOnMmx()
    {
        foreach (var c in Forms("pavgb", (a, d, s) => a.pavgb(d, s), (a, d, m) => a.pavgb(d, m))) yield return c;
        foreach (var c in Forms("pavgw", (a, d, s) => a.pavgw(d, s), (a, d, m) => a.pavgw(d, m))) yield return c;
        foreach (var c in Forms("pmaxsw", (a, d, s) => a.pmaxsw(d, s), (a, d, m) => a.pmaxsw(d, m))) yield return c;
        foreach (var c in Forms("pmaxub", (a, d, s) => a.pmaxub(d, s), (a, d, m) => a.pmaxub(d, m))) yield return c;
        foreach (var c in Forms("pminsw", (a, d, s) => a.pminsw(d, s), (a, d, m) => a.pminsw(d, m))) yield return c;
        foreach (var c in Forms("pminub", (a, d, s) => a.pminub(d, s), (a, d, m) => a.pminub(d, m))) yield return c;
        foreach (var c in Forms("psadbw", (a, d, s) => a.psadbw(d, s), (a, d, m) => a.psadbw(d, m))) yield return c;
        foreach (var c in Forms("pmulhuw", (a, d, s) => a.pmulhuw(d, s), (a, d, m) => a.pmulhuw(d, m))) yield return c;
        foreach (var c in Forms("pmuludq", (a, d, s) => a.pmuludq(d, s), (a, d, m) => a.pmuludq(d, m))) yield return c;
        var r = new Random(11);
        foreach (byte k in new byte[] { 0, 0x1B, 0x4E, 0xB1, 0xE4, 0xFF, 0x55, 0xAA, (byte)r.Next(256), (byte)r.Next(256), (byte)r.Next(256) })
            foreach (var c in Forms($"pshufw {k:x}", (a, d, s) => a.pshufw(d, s, k), (a, d, m) => a.pshufw(d, m, k))) yield return c;
    }

    static IEnumerable<SseCase> Ssse3()
    {
        foreach (var c in Forms("pshufb", (a, d, s) => a.pshufb(d, s), (a, d, m) => a.pshufb(d, m), lanes: Lanes.Bytes)) yield return c;
        foreach (var c in Forms("phaddw", (a, d, s) => a.phaddw(d, s), (a, d, m) => a.phaddw(d, m))) yield return c;
        foreach (var c in Forms("phaddd", (a, d, s) => a.phaddd(d, s), (a, d, m) => a.phaddd(d, m))) yield return c;
        foreach (var c in Forms("phaddsw", (a, d, s) => a.phaddsw(d, s), (a, d, m) => a.phaddsw(d, m))) yield return c;
        foreach (var c in Forms("phsubw", (a, d, s) => a.phsubw(d, s), (a, d, m) => a.phsubw(d, m))) yield return c;
        foreach (var c in Forms("phsubd", (a, d, s) => a.phsubd(d, s), (a, d, m) => a.phsubd(d, m))) yield return c;
        foreach (var c in Forms("phsubsw", (a, d, s) => a.phsubsw(d, s), (a, d, m) => a.phsubsw(d, m))) yield return c;
        foreach (var c in Forms("pmaddubsw", (a, d, s) => a.pmaddubsw(d, s), (a, d, m) => a.pmaddubsw(d, m))) yield return c;
        foreach (var c in Forms("pmulhrsw", (a, d, s) => a.pmulhrsw(d, s), (a, d, m) => a.pmulhrsw(d, m))) yield return c;
        foreach (var c in Forms("psignb", (a, d, s) => a.psignb(d, s), (a, d, m) => a.psignb(d, m))) yield return c;
        foreach (var c in Forms("psignw", (a, d, s) => a.psignw(d, s), (a, d, m) => a.psignw(d, m))) yield return c;
        foreach (var c in Forms("psignd", (a, d, s) => a.psignd(d, s), (a, d, m) => a.psignd(d, m))) yield return c;
        foreach (var c in Forms("pabsb", (a, d, s) => a.pabsb(d, s), (a, d, m) => a.pabsb(d, m))) yield return c;
        foreach (var c in Forms("pabsw", (a, d, s) => a.pabsw(d, s), (a, d, m) => a.pabsw(d, m))) yield return c;
        foreach (var c in Forms("pabsd", (a, d, s) => a.pabsd(d, s), (a, d, m) => a.pabsd(d, m))) yield return c;
        foreach (byte k in new byte[] { 0, 1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 200, 255 })
            foreach (var c in Forms($"palignr {k}", (a, d, s) => a.palignr(d, s, k), (a, d, m) => a.palignr(d, m, k))) yield return c;
    }

    /// <summary>Every case of this class (for the coverage check).</summary>
    internal static IEnumerable<SseCase> All() => Arithmetic().Concat(PackUnpack()).Concat(Shifts()).Concat(SseOnMmx()).Concat(Ssse3());

    [Fact] public void MmxArithmetic() => SseCases.RunAll(Arithmetic(), N, log);
    [Fact] public void MmxPackUnpack() => SseCases.RunAll(PackUnpack(), N, log);
    [Fact] public void MmxShifts() => SseCases.RunAll(Shifts(), 60, log);
    [Fact] public void SseIntegerOnMmx() => SseCases.RunAll(SseOnMmx(), N, log);
    [Fact] public void Ssse3OnMmx() => SseCases.RunAll(Ssse3(), N, log);
}
