using System.Runtime.Intrinsics;
using Iced.Intel;
using Reg = Iced.Intel.Register;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using V = System.Runtime.Intrinsics.Vector128<byte>;
using static UniJit.Runtime.Interpreter.MmxHandlers;

namespace UniJit.Runtime.Interpreter;

/// <summary>MMX moves (to and from general registers, memory and XMM registers), element
/// insert/extract, masks, emms, and the SSE/SSE2 conversions between MMX and XMM registers.</summary>
internal static unsafe class MmxMoves
{
    public static void Register()
    {
        HandlerTable.Add(Code.Movd_mm_rm32, &Load);
        HandlerTable.Add(Code.Movq_mm_rm64, &Load);
        HandlerTable.Add(Code.Movq_mm_mmm64, &Load);
        HandlerTable.Add(Code.Movd_rm32_mm, &StoreGpr);
        HandlerTable.Add(Code.Movq_rm64_mm, &StoreGpr);
        HandlerTable.Add(Code.Movq_mmm64_mm, &Store);
        HandlerTable.Add(Code.Movntq_m64_mm, &Store);
        HandlerTable.Add(Code.Movq2dq_xmm_mm, &Movq2dq);
        HandlerTable.Add(Code.Movdq2q_mm_xmm, &Movdq2q);
        HandlerTable.Add(Code.Pextrw_r32_mm_imm8, &Pextrw);
        HandlerTable.Add(Code.Pextrw_r64_mm_imm8, &Pextrw);
        HandlerTable.Add(Code.Pinsrw_mm_r32m16_imm8, &Pinsrw);
        HandlerTable.Add(Code.Pinsrw_mm_r64m16_imm8, &Pinsrw);
        HandlerTable.Add(Code.Pmovmskb_r32_mm, &Pmovmskb);
        HandlerTable.Add(Code.Pmovmskb_r64_mm, &Pmovmskb);
        HandlerTable.Add(Code.Maskmovq_rDI_mm_mm, &Maskmovq);
        HandlerTable.Add(Code.Emms, &Emms);
        HandlerTable.Add(Code.Cvtpi2ps_xmm_mmm64, &ToXmm);
        HandlerTable.Add(Code.Cvtpi2pd_xmm_mmm64, &ToXmm);
        HandlerTable.Add(Code.Cvtps2pi_mm_xmmm64, &ToMm);
        HandlerTable.Add(Code.Cvttps2pi_mm_xmmm64, &ToMm);
        HandlerTable.Add(Code.Cvtpd2pi_mm_xmmm128, &ToMm);
        HandlerTable.Add(Code.Cvttpd2pi_mm_xmmm128, &ToMm);
    }

    /// <summary>movd/movq mm, r/m32|r/m64|mm/m64: zero-extended into the register.</summary>
    static void Load(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        ulong v = i.Op1Kind == OpKind.Register && i.Op1Register is >= Reg.MM0 and <= Reg.MM7
            ? Mmx.Read(s, M(in i, 1))
            : Operands.Read(s, in i, 1, i.Code == Code.Movd_mm_rm32 ? 4 : 8);
        Result(s, M(in i, 0), v);
    }

    /// <summary>movd/movq r/m32|r/m64, mm.</summary>
    static void StoreGpr(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        Operands.Write(s, in i, 0, i.Code == Code.Movd_rm32_mm ? 4 : 8, Mmx.Read(s, M(in i, 1)));
        Mmx.Enter(s);
    }

    /// <summary>movq mm/m64, mm and movntq m64, mm.</summary>
    static void Store(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        ulong v = Mmx.Read(s, M(in i, 1));
        if (i.Op0Kind == OpKind.Register) { Result(s, M(in i, 0), v); return; }
        GuestMemory.Write64(Operands.Ea(s, in i), v);
        Mmx.Enter(s);
    }

    /// <summary>movq2dq xmm, mm: zero-extended.</summary>
    static void Movq2dq(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        *(V*)Operands.Xmm(s, i.Op0Register) = Vector128.CreateScalar(Mmx.Read(s, M(in i, 1))).AsByte();
        Mmx.Enter(s);
    }

    /// <summary>movdq2q mm, xmm: the low quadword.</summary>
    static void Movdq2q(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        Result(s, M(in i, 0), *(ulong*)Operands.Xmm(s, i.Op1Register));
    }

    static void Pextrw(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        ulong v = MmxInt.Pextrw(Mmx.Read(s, M(in i, 1)), i.Immediate8);
        Mmx.Enter(s);
        Operands.WriteReg(s, i.Op0Register, v);
    }

    static void Pinsrw(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        ulong w = i.Op1Kind == OpKind.Register ? Operands.ReadReg(s, i.Op1Register) : GuestMemory.Read16(Operands.Ea(s, in i));
        int d = M(in i, 0);
        Result(s, d, MmxInt.Pinsrw(Mmx.Read(s, d), w, i.Immediate8));
    }

    static void Pmovmskb(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        uint m = MmxInt.Pmovmskb(Mmx.Read(s, M(in i, 1)));
        Mmx.Enter(s);
        Operands.WriteReg(s, i.Op0Register, m);
    }

    /// <summary>maskmovq: store the bytes of mm1 whose mask byte (mm2) has its top bit set, at [rdi].</summary>
    static void Maskmovq(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        ulong data = Mmx.Read(s, M(in i, 1));
        uint m = MmxInt.Pmovmskb(Mmx.Read(s, M(in i, 2)));
        ulong a = i.Op0Kind == OpKind.MemorySegEDI ? (uint)s->Gpr[7] : s->Gpr[7];
        if (i.MemorySegment == Reg.FS) a += s->FsBase;
        else if (i.MemorySegment == Reg.GS) a += s->GsBase;
        // Check every byte first: a fault stores nothing (the hardware checks the whole quadword).
        if (m != 0) GuestMemory.W(a, 8);
        for (int k = 0; k < 8; k++)
            if ((m & (1u << k)) != 0) *GuestMemory.W(a + (ulong)k, 1) = (byte)(data >> (8 * k));
        Mmx.Enter(s);
    }

    static void Emms(Cpu cpu, in Instruction i)
    {
        Mmx.Begin(cpu.S, i.IP);
        Mmx.Emms(cpu.S);
    }

    /// <summary>cvtpi2ps/cvtpi2pd xmm, mm/m64 under the guest MXCSR. A memory source does not
    /// touch the x87 state (SDM: only the MMX-register form is an MMX instruction).</summary>
    static void ToXmm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        bool mm = i.Op1Kind == OpKind.Register;
        if (mm) Mmx.Begin(s, i.IP);
        ulong b = Src(s, in i, 1);
        V* d = (V*)Operands.Xmm(s, i.Op0Register);
        V a = *d;
        bool ps = i.Code == Code.Cvtpi2ps_xmm_mmm64;
        if (SseHandlers.Cold(i.Code, 0)) { if (ps) MmxConvert.Cvtpi2ps(a, b); else MmxConvert.Cvtpi2pd(a, b); }
        uint host = SseMxcsr.Enter(s);
        V r = ps ? MmxConvert.Cvtpi2ps(a, b) : MmxConvert.Cvtpi2pd(a, b);
        SseMxcsr.Leave(s, host);
        if (mm) Mmx.Enter(s);
        *d = r;
    }

    /// <summary>cvt(t)ps2pi mm, xmm/m64 and cvt(t)pd2pi mm, xmm/m128 under the guest MXCSR.</summary>
    static void ToMm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        V b = SseHandlers.Src(s, in i, 1);
        delegate*<V, ulong> f = i.Code switch
        {
            Code.Cvtps2pi_mm_xmmm64 => &MmxConvert.Cvtps2pi,
            Code.Cvttps2pi_mm_xmmm64 => &MmxConvert.Cvttps2pi,
            Code.Cvtpd2pi_mm_xmmm128 => &MmxConvert.Cvtpd2pi,
            _ => &MmxConvert.Cvttpd2pi,
        };
        if (SseHandlers.Cold(i.Code, 0)) f(b);
        uint host = SseMxcsr.Enter(s);
        ulong r = f(b);
        SseMxcsr.Leave(s, host);
        Result(s, M(in i, 0), r);
    }
}
