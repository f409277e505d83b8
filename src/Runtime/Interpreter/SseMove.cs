using System.Runtime.Intrinsics;
using Iced.Intel;
using Reg = Iced.Intel.Register;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Interpreter;

/// <summary>Moves between XMM registers, memory and general registers (SSE, SSE2, SSE3, SSE4.1 loads).</summary>
public static unsafe partial class SseHandlers
{
    static void RegisterMoves()
    {
        // Loads and register copies: xmm = xmm/m128.
        foreach (var c in new[] { Code.Movaps_xmm_xmmm128, Code.Movapd_xmm_xmmm128, Code.Movdqa_xmm_xmmm128, Code.Movntdqa_xmm_m128 })
            Bin(c, &SimdShuffle.Copy);
        foreach (var c in new[] { Code.Movups_xmm_xmmm128, Code.Movupd_xmm_xmmm128, Code.Movdqu_xmm_xmmm128, Code.Lddqu_xmm_m128 })
        {
            Bin(c, &SimdShuffle.Copy);
            unaligned[(int)c] = true;
        }
        // Stores (and the reg-reg store encodings).
        foreach (var c in new[] { Code.Movaps_xmmm128_xmm, Code.Movapd_xmmm128_xmm, Code.Movdqa_xmmm128_xmm,
                     Code.Movntps_m128_xmm, Code.Movntpd_m128_xmm, Code.Movntdq_m128_xmm })
            HandlerTable.Add(c, &StoreAligned);
        foreach (var c in new[] { Code.Movups_xmmm128_xmm, Code.Movupd_xmmm128_xmm, Code.Movdqu_xmmm128_xmm })
            HandlerTable.Add(c, &StoreUnaligned);

        HandlerTable.Add(Code.Movss_xmm_xmmm32, &MovssLoad);
        HandlerTable.Add(Code.Movsd_xmm_xmmm64, &MovsdLoad);
        HandlerTable.Add(Code.Movss_xmmm32_xmm, &MovssStore);
        HandlerTable.Add(Code.Movsd_xmmm64_xmm, &MovsdStore);
        Bin(Code.Movlps_xmm_m64, &SimdShuffle.MovLow);
        Bin(Code.Movlpd_xmm_m64, &SimdShuffle.MovLow);
        Bin(Code.Movhps_xmm_m64, &SimdShuffle.MovHigh);
        Bin(Code.Movhpd_xmm_m64, &SimdShuffle.MovHigh);
        HandlerTable.Add(Code.Movlps_m64_xmm, &StoreLow64);
        HandlerTable.Add(Code.Movlpd_m64_xmm, &StoreLow64);
        HandlerTable.Add(Code.Movhps_m64_xmm, &StoreHigh64);
        HandlerTable.Add(Code.Movhpd_m64_xmm, &StoreHigh64);
        Bin(Code.Movhlps_xmm_xmm, &SimdShuffle.Movhlps);
        Bin(Code.Movlhps_xmm_xmm, &SimdShuffle.Movlhps);
        Bin(Code.Movq_xmm_xmmm64, &SimdShuffle.Movq);
        HandlerTable.Add(Code.Movq_xmmm64_xmm, &MovqStore);

        HandlerTable.Add(Code.Movd_xmm_rm32, &MovToXmm);
        HandlerTable.Add(Code.Movq_xmm_rm64, &MovToXmm);
        HandlerTable.Add(Code.Movd_rm32_xmm, &MovFromXmm);
        HandlerTable.Add(Code.Movq_rm64_xmm, &MovFromXmm);

        HandlerTable.Add(Code.Movmskps_r32_xmm, &Movmskps);
        HandlerTable.Add(Code.Movmskps_r64_xmm, &Movmskps);
        HandlerTable.Add(Code.Movmskpd_r32_xmm, &Movmskpd);
        HandlerTable.Add(Code.Movmskpd_r64_xmm, &Movmskpd);
        HandlerTable.Add(Code.Pmovmskb_r32_xmm, &Pmovmskb);
        HandlerTable.Add(Code.Pmovmskb_r64_xmm, &Pmovmskb);

        HandlerTable.Add(Code.Movnti_m32_r32, &Movnti);
        HandlerTable.Add(Code.Movnti_m64_r64, &Movnti);
        HandlerTable.Add(Code.Maskmovdqu_rDI_xmm_xmm, &Maskmovdqu);

        if (System.Runtime.Intrinsics.X86.Sse3.IsSupported)
        {
            Bin(Code.Movsldup_xmm_xmmm128, &SimdShuffle.Movsldup);
            Bin(Code.Movshdup_xmm_xmmm128, &SimdShuffle.Movshdup);
            Bin(Code.Movddup_xmm_xmmm64, &SimdShuffle.Movddup);
        }
    }

    static void StoreAligned(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V v = *X(s, i.Op1Register);
        if (i.Op0Kind == OpKind.Register) *X(s, i.Op0Register) = v;
        else Store(s, in i, v, 16, aligned: true);
    }

    static void StoreUnaligned(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V v = *X(s, i.Op1Register);
        if (i.Op0Kind == OpKind.Register) *X(s, i.Op0Register) = v;
        else Store(s, in i, v, 16, aligned: false);
    }

    static void MovssLoad(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V* d = X(s, i.Op0Register);
        if (i.Op1Kind == OpKind.Register) *d = SimdShuffle.MovssReg(*d, *X(s, i.Op1Register));
        else *d = Load(s, in i);
    }

    static void MovsdLoad(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V* d = X(s, i.Op0Register);
        if (i.Op1Kind == OpKind.Register) *d = SimdShuffle.MovsdReg(*d, *X(s, i.Op1Register));
        else *d = Load(s, in i);
    }

    static void MovssStore(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V v = *X(s, i.Op1Register);
        if (i.Op0Kind == OpKind.Register) { V* d = X(s, i.Op0Register); *d = SimdShuffle.MovssReg(*d, v); }
        else Store(s, in i, v, 4, false);
    }

    static void MovsdStore(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V v = *X(s, i.Op1Register);
        if (i.Op0Kind == OpKind.Register) { V* d = X(s, i.Op0Register); *d = SimdShuffle.MovsdReg(*d, v); }
        else Store(s, in i, v, 8, false);
    }

    static void StoreLow64(Cpu cpu, in Instruction i) => Store(cpu.S, in i, *X(cpu.S, i.Op1Register), 8, false);

    static void StoreHigh64(Cpu cpu, in Instruction i)
    {
        V v = *X(cpu.S, i.Op1Register);
        Store(cpu.S, in i, Vector128.CreateScalar(v.AsUInt64().GetElement(1)).AsByte(), 8, false);
    }

    static void MovqStore(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V v = *X(s, i.Op1Register);
        if (i.Op0Kind == OpKind.Register) *X(s, i.Op0Register) = SimdShuffle.Movq(v, v);
        else Store(s, in i, v, 8, false);
    }

    /// <summary>movd/movq xmm, r/m: zero-extended into the register.</summary>
    static void MovToXmm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        int size = i.Code == Code.Movd_xmm_rm32 ? 4 : 8;
        ulong v = Operands.Read(s, in i, 1, size);
        *X(s, i.Op0Register) = Vector128.CreateScalar(v).AsByte();
    }

    /// <summary>movd/movq r/m, xmm.</summary>
    static void MovFromXmm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        int size = i.Code == Code.Movd_rm32_xmm ? 4 : 8;
        Operands.Write(s, in i, 0, size, X(s, i.Op1Register)->AsUInt64().ToScalar());
    }

    static void Movmskps(Cpu cpu, in Instruction i) =>
        Operands.WriteReg(cpu.S, i.Op0Register, SimdShuffle.Movmskps(*X(cpu.S, i.Op1Register)));

    static void Movmskpd(Cpu cpu, in Instruction i) =>
        Operands.WriteReg(cpu.S, i.Op0Register, SimdShuffle.Movmskpd(*X(cpu.S, i.Op1Register)));

    static void Pmovmskb(Cpu cpu, in Instruction i) =>
        Operands.WriteReg(cpu.S, i.Op0Register, SimdInt.Pmovmskb(*X(cpu.S, i.Op1Register)));

    static void Movnti(Cpu cpu, in Instruction i)
    {
        int size = Operands.RegSize(i.Op1Register);
        Operands.Write(cpu.S, in i, 0, size, Operands.ReadReg(cpu.S, i.Op1Register));
    }

    /// <summary>maskmovdqu: store the bytes of xmm1 whose mask byte (xmm2) has its top bit set, at [rdi].</summary>
    static void Maskmovdqu(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V data = *X(s, i.Op1Register), mask = *X(s, i.Op2Register);
        uint m = SimdInt.Pmovmskb(mask);
        ulong a = i.Op0Kind == OpKind.MemorySegEDI ? (uint)s->Gpr[7] : s->Gpr[7];
        if (i.MemorySegment == Reg.FS) a += s->FsBase;
        else if (i.MemorySegment == Reg.GS) a += s->GsBase;
        for (int k = 0; k < 16; k++)
            if ((m & (1u << k)) != 0) *GuestMemory.W(a + (ulong)k, 1) = data.GetElement(k);
    }
}
