using Iced.Intel;
using UniJit.Tests.Semantics.Sse;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Semantics.Mmx.MmxCases;

namespace UniJit.Tests.Semantics.Mmx;

/// <summary>MMX moves, element insert/extract, masks and masked stores, the conversions between MMX
/// and XMM registers, and how MMX and x87 code share the register file (emms, TOP, tags, exponents,
/// x87 instructions after MMX ones) against the real CPU, in the interpreter and the IL tier.</summary>
[Collection("Guest")]
public sealed unsafe class MmxMoveTests(ITestOutputHelper log)
{
    const int N = 100;

    static IEnumerable<SseCase> Moves()
    {
        yield return Case("movd mm1,eax", a => a.movd(mm1, eax));
        yield return Case("movd mm7,r13d", a => a.movd(mm7, r13d));
        yield return Case("movd mm2,[rdi+3]", a => a.movd(mm2, __dword_ptr[rdi + 3]));
        yield return Case("movq mm3,rdx", a => a.movq(mm3, rdx));
        yield return Case("movq mm0,r15", a => a.movq(mm0, r15));
        yield return Case("movq mm4,[rsi+8] (REX.W 0F 6E)", a => a.db(0x48, 0x0F, 0x6E, 0x66, 0x08));
        yield return Case("movd eax,mm1", a => a.movd(eax, mm1));
        yield return Case("movd r9d,mm6", a => a.movd(r9d, mm6));
        yield return Case("movd [rdi+3],mm2", a => a.movd(__dword_ptr[rdi + 3], mm2));
        yield return Case("movq rcx,mm3", a => a.movq(rcx, mm3));
        yield return Case("movq [rsi+8],mm4 (REX.W 0F 7E)", a => a.db(0x48, 0x0F, 0x7E, 0x66, 0x08));
        yield return Case("movq mm1,mm2", a => a.movq(mm1, mm2));
        yield return Case("movq mm5,mm5", a => a.movq(mm5, mm5));
        yield return Case("movq mm6,[rdi+3]", a => a.movq(mm6, __qword_ptr[rdi + 3]));
        yield return Case("movq [rdi+3],mm6", a => a.movq(__qword_ptr[rdi + 3], mm6));
        yield return Case("movq mm1,mm2 (0F 7F)", a => a.db(0x0F, 0x7F, 0xD1));
        yield return Case("movntq [rdi+3],mm7", a => a.movntq(__qword_ptr[rdi + 3], mm7));
        yield return Case("movq2dq xmm3,mm4", a => a.movq2dq(xmm3, mm4));
        yield return Case("movq2dq xmm12,mm0", a => a.movq2dq(xmm12, mm0));
        yield return Case("movdq2q mm5,xmm6", a => a.movdq2q(mm5, xmm6));
        yield return Case("movdq2q mm0,xmm15", a => a.movdq2q(mm0, xmm15));
        yield return Case("pmovmskb eax,mm3", a => a.pmovmskb(eax, mm3));
        yield return Case("pmovmskb r10,mm0", a => a.pmovmskb(r10, mm0));
        yield return Case("maskmovq mm1,mm2", a => a.maskmovq(mm1, mm2));
        yield return Case("maskmovq mm4,mm4", a => a.maskmovq(mm4, mm4));
        for (byte k = 0; k < 8; k++)
        {
            byte kk = k == 7 ? (byte)0xFE : k;
            yield return Case($"pextrw eax,mm3,{kk}", a => a.pextrw(eax, mm3, kk));
            yield return Case($"pextrw r11,mm7,{kk}", a => a.pextrw(r11, mm7, kk));
            yield return Case($"pinsrw mm3,ecx,{kk}", a => a.pinsrw(mm3, ecx, kk));
            yield return Case($"pinsrw mm6,[rdi+1],{kk}", a => a.pinsrw(mm6, __word_ptr[rdi + 1], kk));
        }
        yield return Case("pinsrw mm2,r8,2 (REX.W)", a => a.db(0x49, 0x0F, 0xC4, 0xD0, 0x02));
        yield return Case("pextrw r8,mm2,1 (REX.W)", a => a.db(0x4C, 0x0F, 0xC5, 0xC2, 0x01));
    }

    static IEnumerable<SseCase> Conversions()
    {
        yield return Case("cvtpi2ps xmm1,mm2", a => a.cvtpi2ps(xmm1, mm2), Lanes.F32);
        yield return Case("cvtpi2ps xmm9,[rdi+3]", a => a.cvtpi2ps(xmm9, __qword_ptr[rdi + 3]), Lanes.Int);
        yield return Case("cvtpi2pd xmm1,mm2", a => a.cvtpi2pd(xmm1, mm2), Lanes.F64);
        yield return Case("cvtpi2pd xmm9,[rdi+3]", a => a.cvtpi2pd(xmm9, __qword_ptr[rdi + 3]), Lanes.Int);
        yield return Case("cvtps2pi mm1,xmm2", a => a.cvtps2pi(mm1, xmm2), Lanes.F32);
        yield return Case("cvtps2pi mm7,[rdi+3]", a => a.cvtps2pi(mm7, __qword_ptr[rdi + 3]), Lanes.F32);
        yield return Case("cvttps2pi mm1,xmm2", a => a.cvttps2pi(mm1, xmm2), Lanes.F32);
        yield return Case("cvttps2pi mm7,[rdi+3]", a => a.cvttps2pi(mm7, __qword_ptr[rdi + 3]), Lanes.F32);
        yield return Case("cvtpd2pi mm1,xmm2", a => a.cvtpd2pi(mm1, xmm2), Lanes.F64);
        yield return Case("cvtpd2pi mm7,[rsi+16]", a => a.cvtpd2pi(mm7, __xmmword_ptr[rsi + 16]), Lanes.F64);
        yield return Case("cvttpd2pi mm1,xmm2", a => a.cvttpd2pi(mm1, xmm2), Lanes.F64);
        yield return Case("cvttpd2pi mm7,[rsi+16]", a => a.cvttpd2pi(mm7, __xmmword_ptr[rsi + 16]), Lanes.F64);
    }

    /// <summary>fnstenv at [rbx+0x3a0]: FIP/FCS/FDP/FDS (bytes 12..27) differ by construction.</summary>
    static void EnvPointers(MachineState* m, byte* native, byte* guest) =>
        new ReadOnlySpan<byte>(guest + Image + 0x3A0 + 12, 16).CopyTo(new Span<byte>(native + Image + 0x3A0 + 12, 16));

    static readonly NativeFixup EnvFix = EnvPointers;

    static IEnumerable<SseCase> X87Sharing()
    {
        yield return Case("emms", a => a.emms());
        yield return Case("emms after paddb", a => { a.paddb(mm1, mm2); a.emms(); });
        yield return Case("read only: movd eax,mm3", a => a.movd(eax, mm3));
        yield return Case("read only: movq [rdi],mm0", a => a.movq(__qword_ptr[rdi], mm0));
        yield return Case("every register written", a => { a.pxor(mm0, mm1); a.movq(mm1, mm2); a.paddw(mm2, mm3); a.psllq(mm3, 3); a.movd(mm4, eax); a.por(mm5, mm5); a.movdq2q(mm6, xmm1); a.pshufw(mm7, mm0, 0x1B); });
        yield return Case("fld1 after mmx (stack full)", a => { a.movq(mm0, __qword_ptr[rsi]); a.fld1(); }, x87: true);
        yield return Case("x87 after emms", a => { a.paddw(mm1, mm2); a.emms(); a.fld1(); a.fldpi(); a.faddp(st1, st0); a.fstp(__qword_ptr[rsi + 0x40]); }, x87: true);
        yield return Case("mmx after x87 pushes", a => { a.fld1(); a.fldpi(); a.movd(mm3, eax); a.paddd(mm3, mm4); }, x87: true);
        yield return Case("x87 reads an mmx register", a => { a.movq(mm0, __qword_ptr[rsi]); a.emms(); a.fld(st0); a.fstp(__tword_ptr[rsi + 0x40]); a.fincstp(); a.fld(st0); a.fstp(__qword_ptr[rsi + 0x50]); }, x87: true);
        yield return Case("fnstenv after mmx (full tag word)", a => { a.paddb(mm1, mm2); a.fnstenv(__[rbx + 0x3A0]); }, x87: true, fixup: EnvFix);
        yield return Case("fnstenv after emms", a => { a.movq(mm5, mm6); a.emms(); a.fnstenv(__[rbx + 0x3A0]); }, x87: true, fixup: EnvFix);
        yield return Case("mmx with integer code", a =>
        {
            a.movd(mm0, eax); a.paddd(mm0, mm1); a.add(eax, ecx); a.movd(edx, mm0); a.pmovmskb(r8d, mm2);
            a.psadbw(mm3, __qword_ptr[rsi]); a.movq(__qword_ptr[rdi], mm3); a.lea(r9, __[rdx + rax]); a.setc(r10b);
            a.movq2dq(xmm4, mm3); a.paddq(xmm4, xmm5); a.movdq2q(mm6, xmm4); a.pextrw(r11d, mm6, 3);
        });
    }

    /// <summary>Every case of this class (for the coverage check).</summary>
    internal static IEnumerable<SseCase> All() => Moves().Concat(Conversions()).Concat(X87Sharing());

    [Fact] public void MmxMoves() => SseCases.RunAll(Moves(), N, log);
    [Fact] public void MmxConversions() => SseCases.RunAll(Conversions(), 300, log);
    [Fact] public void MmxAndX87ShareRegisters() => SseCases.RunAll(X87Sharing(), N, log);
}
