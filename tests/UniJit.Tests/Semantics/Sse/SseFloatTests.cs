using Iced.Intel;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Semantics.Sse.SseCases;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>Floating point (SSE, SSE2, SSE3, SSE4.1) against the real CPU, with random MXCSR
/// rounding modes, DAZ/FTZ and pre-set sticky flags; results, flags and MXCSR must match.</summary>
[Collection("Guest")]
public sealed unsafe class SseFloatTests(ITestOutputHelper log)
{
    const int N = 250;
    const Lanes S = Lanes.F32, D = Lanes.F64;

    static IEnumerable<SseCase> Arith()
    {
        foreach (var c in Forms("addps", (a, d, s) => a.addps(d, s), (a, d, m) => a.addps(d, m), S)) yield return c;
        foreach (var c in Forms("addpd", (a, d, s) => a.addpd(d, s), (a, d, m) => a.addpd(d, m), D)) yield return c;
        foreach (var c in Forms("addss", (a, d, s) => a.addss(d, s), (a, d, m) => a.addss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("addsd", (a, d, s) => a.addsd(d, s), (a, d, m) => a.addsd(d, m), D, 8)) yield return c;
        foreach (var c in Forms("subps", (a, d, s) => a.subps(d, s), (a, d, m) => a.subps(d, m), S)) yield return c;
        foreach (var c in Forms("subpd", (a, d, s) => a.subpd(d, s), (a, d, m) => a.subpd(d, m), D)) yield return c;
        foreach (var c in Forms("subss", (a, d, s) => a.subss(d, s), (a, d, m) => a.subss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("subsd", (a, d, s) => a.subsd(d, s), (a, d, m) => a.subsd(d, m), D, 8)) yield return c;
        foreach (var c in Forms("mulps", (a, d, s) => a.mulps(d, s), (a, d, m) => a.mulps(d, m), S)) yield return c;
        foreach (var c in Forms("mulpd", (a, d, s) => a.mulpd(d, s), (a, d, m) => a.mulpd(d, m), D)) yield return c;
        foreach (var c in Forms("mulss", (a, d, s) => a.mulss(d, s), (a, d, m) => a.mulss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("mulsd", (a, d, s) => a.mulsd(d, s), (a, d, m) => a.mulsd(d, m), D, 8)) yield return c;
        foreach (var c in Forms("divps", (a, d, s) => a.divps(d, s), (a, d, m) => a.divps(d, m), S)) yield return c;
        foreach (var c in Forms("divpd", (a, d, s) => a.divpd(d, s), (a, d, m) => a.divpd(d, m), D)) yield return c;
        foreach (var c in Forms("divss", (a, d, s) => a.divss(d, s), (a, d, m) => a.divss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("divsd", (a, d, s) => a.divsd(d, s), (a, d, m) => a.divsd(d, m), D, 8)) yield return c;
        foreach (var c in Forms("minps", (a, d, s) => a.minps(d, s), (a, d, m) => a.minps(d, m), S)) yield return c;
        foreach (var c in Forms("minpd", (a, d, s) => a.minpd(d, s), (a, d, m) => a.minpd(d, m), D)) yield return c;
        foreach (var c in Forms("minss", (a, d, s) => a.minss(d, s), (a, d, m) => a.minss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("minsd", (a, d, s) => a.minsd(d, s), (a, d, m) => a.minsd(d, m), D, 8)) yield return c;
        foreach (var c in Forms("maxps", (a, d, s) => a.maxps(d, s), (a, d, m) => a.maxps(d, m), S)) yield return c;
        foreach (var c in Forms("maxpd", (a, d, s) => a.maxpd(d, s), (a, d, m) => a.maxpd(d, m), D)) yield return c;
        foreach (var c in Forms("maxss", (a, d, s) => a.maxss(d, s), (a, d, m) => a.maxss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("maxsd", (a, d, s) => a.maxsd(d, s), (a, d, m) => a.maxsd(d, m), D, 8)) yield return c;
        foreach (var c in Forms("sqrtps", (a, d, s) => a.sqrtps(d, s), (a, d, m) => a.sqrtps(d, m), S)) yield return c;
        foreach (var c in Forms("sqrtpd", (a, d, s) => a.sqrtpd(d, s), (a, d, m) => a.sqrtpd(d, m), D)) yield return c;
        foreach (var c in Forms("sqrtss", (a, d, s) => a.sqrtss(d, s), (a, d, m) => a.sqrtss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("sqrtsd", (a, d, s) => a.sqrtsd(d, s), (a, d, m) => a.sqrtsd(d, m), D, 8)) yield return c;
        foreach (var c in Forms("rcpps", (a, d, s) => a.rcpps(d, s), (a, d, m) => a.rcpps(d, m), S)) yield return c;
        foreach (var c in Forms("rcpss", (a, d, s) => a.rcpss(d, s), (a, d, m) => a.rcpss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("rsqrtps", (a, d, s) => a.rsqrtps(d, s), (a, d, m) => a.rsqrtps(d, m), S)) yield return c;
        foreach (var c in Forms("rsqrtss", (a, d, s) => a.rsqrtss(d, s), (a, d, m) => a.rsqrtss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("andps", (a, d, s) => a.andps(d, s), (a, d, m) => a.andps(d, m), S)) yield return c;
        foreach (var c in Forms("andpd", (a, d, s) => a.andpd(d, s), (a, d, m) => a.andpd(d, m), D)) yield return c;
        foreach (var c in Forms("andnps", (a, d, s) => a.andnps(d, s), (a, d, m) => a.andnps(d, m), S)) yield return c;
        foreach (var c in Forms("andnpd", (a, d, s) => a.andnpd(d, s), (a, d, m) => a.andnpd(d, m), D)) yield return c;
        foreach (var c in Forms("orps", (a, d, s) => a.orps(d, s), (a, d, m) => a.orps(d, m), S)) yield return c;
        foreach (var c in Forms("orpd", (a, d, s) => a.orpd(d, s), (a, d, m) => a.orpd(d, m), D)) yield return c;
        foreach (var c in Forms("xorps", (a, d, s) => a.xorps(d, s), (a, d, m) => a.xorps(d, m), S)) yield return c;
        foreach (var c in Forms("xorpd", (a, d, s) => a.xorpd(d, s), (a, d, m) => a.xorpd(d, m), D)) yield return c;
        foreach (var c in Forms("addsubps", (a, d, s) => a.addsubps(d, s), (a, d, m) => a.addsubps(d, m), S)) yield return c;
        foreach (var c in Forms("addsubpd", (a, d, s) => a.addsubpd(d, s), (a, d, m) => a.addsubpd(d, m), D)) yield return c;
        foreach (var c in Forms("haddps", (a, d, s) => a.haddps(d, s), (a, d, m) => a.haddps(d, m), S)) yield return c;
        foreach (var c in Forms("haddpd", (a, d, s) => a.haddpd(d, s), (a, d, m) => a.haddpd(d, m), D)) yield return c;
        foreach (var c in Forms("hsubps", (a, d, s) => a.hsubps(d, s), (a, d, m) => a.hsubps(d, m), S)) yield return c;
        foreach (var c in Forms("hsubpd", (a, d, s) => a.hsubpd(d, s), (a, d, m) => a.hsubpd(d, m), D)) yield return c;
    }

    static IEnumerable<SseCase> Compares()
    {
        for (byte k = 0; k < 8; k++)
        {
            byte p = k;
            foreach (var c in Forms($"cmpps {p}", (a, d, s) => a.cmpps(d, s, p), (a, d, m) => a.cmpps(d, m, p), S)) yield return c;
            foreach (var c in Forms($"cmppd {p}", (a, d, s) => a.cmppd(d, s, p), (a, d, m) => a.cmppd(d, m, p), D)) yield return c;
            foreach (var c in Forms($"cmpss {p}", (a, d, s) => a.cmpss(d, s, p), (a, d, m) => a.cmpss(d, m, p), S, 4)) yield return c;
            foreach (var c in Forms($"cmpsd {p}", (a, d, s) => a.cmpsd(d, s, p), (a, d, m) => a.cmpsd(d, m, p), D, 8)) yield return c;
        }
        foreach (var c in Forms("comiss", (a, d, s) => a.comiss(d, s), (a, d, m) => a.comiss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("ucomiss", (a, d, s) => a.ucomiss(d, s), (a, d, m) => a.ucomiss(d, m), S, 4)) yield return c;
        foreach (var c in Forms("comisd", (a, d, s) => a.comisd(d, s), (a, d, m) => a.comisd(d, m), D, 8)) yield return c;
        foreach (var c in Forms("ucomisd", (a, d, s) => a.ucomisd(d, s), (a, d, m) => a.ucomisd(d, m), D, 8)) yield return c;
    }

    static IEnumerable<SseCase> Convert()
    {
        foreach (var c in Forms("cvtps2pd", (a, d, s) => a.cvtps2pd(d, s), (a, d, m) => a.cvtps2pd(d, m), S, 8)) yield return c;
        foreach (var c in Forms("cvtpd2ps", (a, d, s) => a.cvtpd2ps(d, s), (a, d, m) => a.cvtpd2ps(d, m), D)) yield return c;
        foreach (var c in Forms("cvtss2sd", (a, d, s) => a.cvtss2sd(d, s), (a, d, m) => a.cvtss2sd(d, m), S, 4)) yield return c;
        foreach (var c in Forms("cvtsd2ss", (a, d, s) => a.cvtsd2ss(d, s), (a, d, m) => a.cvtsd2ss(d, m), D, 8)) yield return c;
        foreach (var c in Forms("cvtdq2ps", (a, d, s) => a.cvtdq2ps(d, s), (a, d, m) => a.cvtdq2ps(d, m), Lanes.Int)) yield return c;
        foreach (var c in Forms("cvtps2dq", (a, d, s) => a.cvtps2dq(d, s), (a, d, m) => a.cvtps2dq(d, m), S)) yield return c;
        foreach (var c in Forms("cvttps2dq", (a, d, s) => a.cvttps2dq(d, s), (a, d, m) => a.cvttps2dq(d, m), S)) yield return c;
        foreach (var c in Forms("cvtdq2pd", (a, d, s) => a.cvtdq2pd(d, s), (a, d, m) => a.cvtdq2pd(d, m), Lanes.Int, 8)) yield return c;
        foreach (var c in Forms("cvtpd2dq", (a, d, s) => a.cvtpd2dq(d, s), (a, d, m) => a.cvtpd2dq(d, m), D)) yield return c;
        foreach (var c in Forms("cvttpd2dq", (a, d, s) => a.cvttpd2dq(d, s), (a, d, m) => a.cvttpd2dq(d, m), D)) yield return c;
        var l = Lanes.Mixed;
        yield return new SseCase("cvtsi2ss r32", a => a.cvtsi2ss(xmm1, eax), l);
        yield return new SseCase("cvtsi2ss r64", a => a.cvtsi2ss(xmm1, r10), l);
        yield return new SseCase("cvtsi2ss m32", a => a.cvtsi2ss(xmm1, __dword_ptr[rdi]), l);
        yield return new SseCase("cvtsi2ss m64", a => a.cvtsi2ss(xmm1, __qword_ptr[rdi]), l);
        yield return new SseCase("cvtsi2sd r32", a => a.cvtsi2sd(xmm1, ecx), l);
        yield return new SseCase("cvtsi2sd r64", a => a.cvtsi2sd(xmm14, rdx), l);
        yield return new SseCase("cvtsi2sd m32", a => a.cvtsi2sd(xmm1, __dword_ptr[rdi]), l);
        yield return new SseCase("cvtsi2sd m64", a => a.cvtsi2sd(xmm1, __qword_ptr[rdi]), l);
        foreach (var lanes in new[] { S, Lanes.Mixed })
        {
            yield return new SseCase("cvtss2si r32", a => a.cvtss2si(eax, xmm1), lanes);
            yield return new SseCase("cvtss2si r64", a => a.cvtss2si(r9, xmm1), lanes);
            yield return new SseCase("cvtss2si m32", a => a.cvtss2si(eax, __dword_ptr[rdi]), lanes);
            yield return new SseCase("cvttss2si r32", a => a.cvttss2si(eax, xmm1), lanes);
            yield return new SseCase("cvttss2si r64", a => a.cvttss2si(rax, xmm12), lanes);
            yield return new SseCase("cvttss2si m32", a => a.cvttss2si(rax, __dword_ptr[rdi]), lanes);
        }
        foreach (var lanes in new[] { D, Lanes.Mixed })
        {
            yield return new SseCase("cvtsd2si r32", a => a.cvtsd2si(eax, xmm1), lanes);
            yield return new SseCase("cvtsd2si r64", a => a.cvtsd2si(r9, xmm1), lanes);
            yield return new SseCase("cvtsd2si m64", a => a.cvtsd2si(eax, __qword_ptr[rdi]), lanes);
            yield return new SseCase("cvttsd2si r32", a => a.cvttsd2si(eax, xmm1), lanes);
            yield return new SseCase("cvttsd2si r64", a => a.cvttsd2si(rax, xmm12), lanes);
            yield return new SseCase("cvttsd2si m64", a => a.cvttsd2si(rax, __qword_ptr[rdi]), lanes);
        }
    }

    static IEnumerable<SseCase> Sse41()
    {
        foreach (byte k in new byte[] { 0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 0x0F, 0xF5 })
        {
            foreach (var c in Forms($"roundps {k:x}", (a, d, s) => a.roundps(d, s, k), (a, d, m) => a.roundps(d, m, k), S)) yield return c;
            foreach (var c in Forms($"roundpd {k:x}", (a, d, s) => a.roundpd(d, s, k), (a, d, m) => a.roundpd(d, m, k), D)) yield return c;
            foreach (var c in Forms($"roundss {k:x}", (a, d, s) => a.roundss(d, s, k), (a, d, m) => a.roundss(d, m, k), S, 4)) yield return c;
            foreach (var c in Forms($"roundsd {k:x}", (a, d, s) => a.roundsd(d, s, k), (a, d, m) => a.roundsd(d, m, k), D, 8)) yield return c;
        }
        foreach (byte k in new byte[] { 0xFF, 0xF1, 0x31, 0x7F, 0x00, 0x0F, 0xA5, 0x5A, 0x33 })
        {
            foreach (var c in Forms($"dpps {k:x}", (a, d, s) => a.dpps(d, s, k), (a, d, m) => a.dpps(d, m, k), S)) yield return c;
            foreach (var c in Forms($"dppd {k:x}", (a, d, s) => a.dppd(d, s, k), (a, d, m) => a.dppd(d, m, k), D)) yield return c;
            foreach (var c in Forms($"blendps {k:x}", (a, d, s) => a.blendps(d, s, k), (a, d, m) => a.blendps(d, m, k), S)) yield return c;
            foreach (var c in Forms($"blendpd {k:x}", (a, d, s) => a.blendpd(d, s, k), (a, d, m) => a.blendpd(d, m, k), D)) yield return c;
            foreach (var c in Forms($"insertps {k:x}", (a, d, s) => a.insertps(d, s, k), (a, d, m) => a.insertps(d, m, k), S, 4)) yield return c;
        }
        foreach (var c in Forms("blendvps", (a, d, s) => a.blendvps(d, s), (a, d, m) => a.blendvps(d, m), S)) yield return c;
        foreach (var c in Forms("blendvpd", (a, d, s) => a.blendvpd(d, s), (a, d, m) => a.blendvpd(d, m), D)) yield return c;
    }

    /// <summary>What an optimizing JIT could get wrong when a region runs floating point as host
    /// instructions (SseNative): results nobody reads (their flags still count), values it can see as
    /// constants (it would fold them at compile time, without the guest's rounding or flags), the same
    /// expression before and after ldmxcsr changes the rounding, and both operands NaN in an operation
    /// it may commute.</summary>
    static IEnumerable<SseCase> Hazards()
    {
        yield return new SseCase("dead results", a => { a.mulsd(xmm1, xmm2); a.divsd(xmm1, xmm3); a.movaps(xmm1, xmm4); a.sqrtss(xmm5, xmm6); a.movsd(xmm5, __qword_ptr[rsi]); }, D);
        // A result read later in its block by a kept instruction (more floating point, a store) needs no
        // sink; one read only by moves that are themselves overwritten does (InstEmit.ResultsKept).
        yield return new SseCase("results read by kept instructions", a =>
        {
            a.mulsd(xmm1, xmm2); a.addsd(xmm1, xmm3); a.divss(xmm6, xmm7); a.movss(__dword_ptr[rsi + 8], xmm6);
            a.movaps(xmm1, xmm4); a.movaps(xmm6, xmm4);
        }, D);
        yield return new SseCase("results read only by moves", a =>
        {
            a.divsd(xmm1, xmm2); a.movaps(xmm3, xmm1); a.movq(rax, xmm1); a.sqrtsd(xmm5, xmm6); a.movsd(xmm7, xmm5);
            a.movaps(xmm1, xmm4); a.movaps(xmm3, xmm4); a.xor(eax, eax); a.movaps(xmm5, xmm4); a.movaps(xmm7, xmm4);
        }, D);
        yield return new SseCase("results read only by a comparison whose flags are dead", a =>
        {
            a.divsd(xmm1, xmm2); a.ucomisd(xmm1, xmm3); a.xor(eax, eax); a.movaps(xmm1, xmm4);
        }, D);
        yield return new SseCase("dead conversions", a => { a.cvttsd2si(rax, xmm1); a.cvtsd2si(ecx, xmm2); a.cvttss2si(edx, xmm3); a.mov(rax, rbx); a.xor(ecx, ecx); a.mov(edx, 7); }, D);
        yield return new SseCase("integer constants", a =>
        {
            a.mov(eax, 1); a.cvtsi2sd(xmm0, eax); a.mov(eax, 3); a.cvtsi2sd(xmm1, eax); a.divsd(xmm0, xmm1);
            a.mov(ecx, 10); a.cvtsi2ss(xmm2, ecx); a.mov(rcx, -7L); a.cvtsi2ss(xmm3, rcx); a.divss(xmm2, xmm3);
        }, D);
        yield return new SseCase("movq constants", a =>
        {
            a.mov(rax, 0x3FF0000000000000L); a.movq(xmm2, rax); a.mov(rax, 0x4008000000000000L); a.movq(xmm3, rax);
            a.divsd(xmm2, xmm3); a.mulsd(xmm3, xmm3); a.mov(eax, 0x7F7FFFFF); a.movd(xmm4, eax); a.mulss(xmm4, xmm4);
        }, D);
        // Each alone: no other instruction raises the flags the one division must (PE; ZE).
        yield return new SseCase("movq constants, one division", a =>
        {
            a.mov(rax, 0x3FF0000000000000L); a.movq(xmm2, rax); a.mov(rax, 0x4008000000000000L); a.movq(xmm3, rax);
            a.divsd(xmm2, xmm3);
        }, D);
        yield return new SseCase("movq constant by a zeroed register", a =>
        {
            a.mov(r10, 0x3FF0000000000000L); a.movq(xmm0, r10); a.pxor(xmm7, xmm7); a.divsd(xmm0, xmm7);
        }, D);
        yield return new SseCase("converted constant by a zeroed register", a =>
        {
            a.mov(eax, 5); a.cvtsi2sd(xmm5, eax); a.xorpd(xmm4, xmm4); a.divsd(xmm5, xmm4);
        }, D);
        yield return new SseCase("zeroed registers", a =>
        {
            a.xorps(xmm0, xmm0); a.xorpd(xmm1, xmm1); a.subsd(xmm0, xmm1);
            a.pxor(xmm2, xmm2); a.pxor(xmm3, xmm3); a.divsd(xmm2, xmm3);
            a.pxor(xmm4, xmm4); a.mov(eax, 5); a.cvtsi2sd(xmm5, eax); a.divsd(xmm5, xmm4); a.addpd(xmm4, xmm4);
        }, D);
        yield return new SseCase("same expression across ldmxcsr", a =>
        {
            a.movaps(xmm5, xmm1); a.divsd(xmm1, xmm2); a.ldmxcsr(__dword_ptr[rdi]); a.divsd(xmm5, xmm2); a.movaps(xmm6, xmm3); a.addps(xmm6, xmm4);
        }, D, MxAtRdi);
        // Comparisons in a native region (the addsd makes it one): flags word in a local for the
        // fused consumers, stored for the rest; comisd's IE on a quiet NaN, ucomisd's not.
        yield return new SseCase("comparisons in a native region", a =>
        {
            a.addsd(xmm5, xmm6); a.comisd(xmm1, xmm2); a.seta(al); a.setp(cl); a.setb(dl); a.sete(bl);
            a.ucomisd(xmm3, xmm4); a.cmovbe(r8, r9); a.setnp(r10b);
            a.comiss(xmm7, xmm8); a.setae(r11b); a.ucomiss(xmm9, __dword_ptr[rsi]); a.setne(r12b);
        }, D);
        yield return new SseCase("NaN operands of commutative packed operations", a =>
        {
            a.addps(xmm1, xmm2); a.mulps(xmm3, xmm4); a.addpd(xmm5, xmm6); a.mulpd(xmm7, xmm8); a.addps(xmm9, xmm9); a.mulpd(xmm10, __xmmword_ptr[rsi]);
        }, S);
    }

    /// <summary>A valid MXCSR (exceptions masked: the native run must not trap) at [rdi].</summary>
    static void ValidMxcsrAtRdi(Random r, MachineState* m, byte[] data)
    {
        uint v = (uint)r.Next(0x10000) | 0x1F80;
        int off = (int)(m->Gpr[7] - NativeRunner.DataAddr);
        BitConverter.TryWriteBytes(data.AsSpan(off), v);
    }

    static readonly Tweak MxAtRdi = ValidMxcsrAtRdi;

    [Fact] public void NativeRegionHazards() => RunAll(Hazards(), 400, log);

    [Fact] public void Arithmetic() => RunAll(Arith(), N, log);
    [Fact] public void ComparesAndComis() => RunAll(Compares(), N, log);
    [Fact] public void Conversions() => RunAll(Convert(), N, log);
    [Fact] public void Sse41Float() => RunAll(Sse41(), 150, log);
}
