using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Iced.Intel;
using Reg = Iced.Intel.Register;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Interpreter;

/// <summary>The irregular shapes: general-register conversions, flag-setting compares, element
/// insert/extract, SSE4.1/4.2 rows, and the MXCSR / fxsave state instructions.</summary>
public static unsafe partial class SseHandlers
{
    static void ToXmm(Code c, delegate*<V, ulong, V> f) => Row(c, Shape.ToXmm, (nint)f, true, &ConvertToXmm);
    static void ToGpr(Code c, delegate*<V, ulong> f) => Row(c, Shape.ToGpr, (nint)f, true, &ConvertToGpr);
    static void Comi(Code c, delegate*<V, V, ulong> f) => Row(c, Shape.Compare, (nint)f, true, &Comis);

    /// <summary>cvtsi2ss/sd xmm, r/m32/64.</summary>
    static void ConvertToXmm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        int size = i.Code is Code.Cvtsi2ss_xmm_rm64 or Code.Cvtsi2sd_xmm_rm64 ? 8 : 4;
        ulong x = Operands.Read(s, in i, 1, size);
        V* d = X(s, i.Op0Register);
        V a = *d;
        var f = (delegate*<V, ulong, V>)ops[(int)i.Code];
        if (Cold(in i, 0)) f(a, x);
        uint host = SseMxcsr.Enter(s);
        V r = f(a, x);
        SseMxcsr.Leave(s, host);
        *d = r;
    }

    /// <summary>cvt(t)ss2si / cvt(t)sd2si r32/64, xmm/m.</summary>
    static void ConvertToGpr(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        var f = (delegate*<V, ulong>)ops[(int)i.Code];
        if (Cold(in i, 0)) f(b);
        uint host = SseMxcsr.Enter(s);
        ulong r = f(b);
        SseMxcsr.Leave(s, host);
        Operands.WriteReg(s, i.Op0Register, r);
    }

    /// <summary>comiss/ucomiss/comisd/ucomisd: ZF, PF, CF from the compare; OF, SF, AF cleared.</summary>
    static void Comis(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V a = *X(s, i.Op0Register);
        var f = (delegate*<V, V, ulong>)ops[(int)i.Code];
        if (Cold(in i, 0)) f(a, b);
        uint host = SseMxcsr.Enter(s);
        ulong flags = f(a, b);
        SseMxcsr.Leave(s, host);
        Flags.SetArith(s, flags);
    }

    static void RegisterSse4()
    {
        if (Sse41.IsSupported)
        {
            Bin(Code.Pminsb_xmm_xmmm128, &SimdInt.Pminsb);
            Bin(Code.Pminsd_xmm_xmmm128, &SimdInt.Pminsd);
            Bin(Code.Pminuw_xmm_xmmm128, &SimdInt.Pminuw);
            Bin(Code.Pminud_xmm_xmmm128, &SimdInt.Pminud);
            Bin(Code.Pmaxsb_xmm_xmmm128, &SimdInt.Pmaxsb);
            Bin(Code.Pmaxsd_xmm_xmmm128, &SimdInt.Pmaxsd);
            Bin(Code.Pmaxuw_xmm_xmmm128, &SimdInt.Pmaxuw);
            Bin(Code.Pmaxud_xmm_xmmm128, &SimdInt.Pmaxud);
            Bin(Code.Pmulld_xmm_xmmm128, &SimdInt.Pmulld);
            Bin(Code.Pmuldq_xmm_xmmm128, &SimdInt.Pmuldq);
            Bin(Code.Pcmpeqq_xmm_xmmm128, &SimdInt.Pcmpeqq);
            Bin(Code.Packusdw_xmm_xmmm128, &SimdInt.Packusdw);
            Bin(Code.Phminposuw_xmm_xmmm128, &SimdInt.Phminposuw);
            Bin(Code.Pmovsxbw_xmm_xmmm64, &SimdInt.Pmovsxbw);
            Bin(Code.Pmovsxbd_xmm_xmmm32, &SimdInt.Pmovsxbd);
            Bin(Code.Pmovsxbq_xmm_xmmm16, &SimdInt.Pmovsxbq);
            Bin(Code.Pmovsxwd_xmm_xmmm64, &SimdInt.Pmovsxwd);
            Bin(Code.Pmovsxwq_xmm_xmmm32, &SimdInt.Pmovsxwq);
            Bin(Code.Pmovsxdq_xmm_xmmm64, &SimdInt.Pmovsxdq);
            Bin(Code.Pmovzxbw_xmm_xmmm64, &SimdInt.Pmovzxbw);
            Bin(Code.Pmovzxbd_xmm_xmmm32, &SimdInt.Pmovzxbd);
            Bin(Code.Pmovzxbq_xmm_xmmm16, &SimdInt.Pmovzxbq);
            Bin(Code.Pmovzxwd_xmm_xmmm64, &SimdInt.Pmovzxwd);
            Bin(Code.Pmovzxwq_xmm_xmmm32, &SimdInt.Pmovzxwq);
            Bin(Code.Pmovzxdq_xmm_xmmm64, &SimdInt.Pmovzxdq);
            Imm(Code.Mpsadbw_xmm_xmmm128_imm8, &SimdInt.Mpsadbw);
            Imm(Code.Pblendw_xmm_xmmm128_imm8, &SimdInt.Pblendw);
            Imm(Code.Blendps_xmm_xmmm128_imm8, &SimdFloat.Blendps);
            Imm(Code.Blendpd_xmm_xmmm128_imm8, &SimdFloat.Blendpd);
            ImmFp(Code.Roundps_xmm_xmmm128_imm8, &SimdFloat.Roundps);
            ImmFp(Code.Roundpd_xmm_xmmm128_imm8, &SimdFloat.Roundpd);
            ImmFp(Code.Roundss_xmm_xmmm32_imm8, &SimdFloat.Roundss);
            ImmFp(Code.Roundsd_xmm_xmmm64_imm8, &SimdFloat.Roundsd);
            ImmFp(Code.Dpps_xmm_xmmm128_imm8, &SimdFloat.Dpps);
            ImmFp(Code.Dppd_xmm_xmmm128_imm8, &SimdFloat.Dppd);
            Blendv(Code.Pblendvb_xmm_xmmm128, &SimdInt.Pblendvb);
            Blendv(Code.Blendvps_xmm_xmmm128, &SimdFloat.Blendvps);
            Blendv(Code.Blendvpd_xmm_xmmm128, &SimdFloat.Blendvpd);
            HandlerTable.Add(Code.Ptest_xmm_xmmm128, &Ptest);
            HandlerTable.Add(Code.Insertps_xmm_xmmm32_imm8, &Insertps);
            foreach (var c in new[] { Code.Pextrb_r32m8_xmm_imm8, Code.Pextrb_r64m8_xmm_imm8, Code.Pextrw_r32m16_xmm_imm8,
                         Code.Pextrw_r64m16_xmm_imm8, Code.Pextrd_rm32_xmm_imm8, Code.Pextrq_rm64_xmm_imm8,
                         Code.Extractps_rm32_xmm_imm8, Code.Extractps_r64m32_xmm_imm8 })
                HandlerTable.Add(c, &Extract);
            foreach (var c in new[] { Code.Pinsrb_xmm_r32m8_imm8, Code.Pinsrb_xmm_r64m8_imm8, Code.Pinsrd_xmm_rm32_imm8, Code.Pinsrq_xmm_rm64_imm8 })
                HandlerTable.Add(c, &Insert);
        }
        // SSE2's pextrw/pinsrw (register forms) share the SSE4.1 handlers.
        HandlerTable.Add(Code.Pextrw_r32_xmm_imm8, &Extract);
        HandlerTable.Add(Code.Pextrw_r64_xmm_imm8, &Extract);
        HandlerTable.Add(Code.Pinsrw_xmm_r32m16_imm8, &Insert);
        HandlerTable.Add(Code.Pinsrw_xmm_r64m16_imm8, &Insert);

        if (Sse42.IsSupported)
        {
            Bin(Code.Pcmpgtq_xmm_xmmm128, &SimdInt.Pcmpgtq);
            foreach (var c in new[] { Code.Pcmpestri_xmm_xmmm128_imm8, Code.Pcmpestri64_xmm_xmmm128_imm8, Code.Pcmpestrm_xmm_xmmm128_imm8,
                         Code.Pcmpestrm64_xmm_xmmm128_imm8, Code.Pcmpistri_xmm_xmmm128_imm8, Code.Pcmpistrm_xmm_xmmm128_imm8 })
            {
                HandlerTable.Add(c, &PcmpStr);
                unaligned[(int)c] = true;
            }
            foreach (var c in new[] { Code.Crc32_r32_rm8, Code.Crc32_r64_rm8, Code.Crc32_r32_rm16, Code.Crc32_r32_rm32, Code.Crc32_r64_rm64 })
                HandlerTable.Add(c, &Crc32);
        }
    }

    static void Blendv(Code c, delegate*<V, V, V, V> f) => Row(c, Shape.BlendVariable, (nint)f, false, &BlendVariable);

    static void Ptest(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        Flags.SetArith(s, SimdInt.PtestFlags(*X(s, i.Op0Register), b));
    }

    static void Insertps(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        byte imm = i.Immediate8;
        if (i.Op1Kind == OpKind.Memory) imm &= 0x3F; // a memory source is the one loaded element
        V* d = X(s, i.Op0Register);
        *d = SimdShuffle.Insertps(*d, b, imm);
    }

    /// <summary>Element size in bytes of pextr*/pinsr*/extractps.</summary>
    static int ElementSize(Code c) => c switch
    {
        Code.Pextrb_r32m8_xmm_imm8 or Code.Pextrb_r64m8_xmm_imm8 or Code.Pinsrb_xmm_r32m8_imm8 or Code.Pinsrb_xmm_r64m8_imm8 => 1,
        Code.Pextrw_r32_xmm_imm8 or Code.Pextrw_r64_xmm_imm8 or Code.Pextrw_r32m16_xmm_imm8 or Code.Pextrw_r64m16_xmm_imm8
            or Code.Pinsrw_xmm_r32m16_imm8 or Code.Pinsrw_xmm_r64m16_imm8 => 2,
        Code.Pextrq_rm64_xmm_imm8 or Code.Pinsrq_xmm_rm64_imm8 => 8,
        _ => 4,
    };

    /// <summary>pextrb/w/d/q, extractps: element imm8 of the xmm source to r/m (a register is zero-extended).</summary>
    static void Extract(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        int size = ElementSize(i.Code);
        int n = 16 / size;
        int k = i.Immediate8 & (n - 1);
        byte* src = (byte*)X(s, i.Op1Register) + k * size;
        ulong v = size switch { 1 => *src, 2 => *(ushort*)src, 4 => *(uint*)src, _ => *(ulong*)src };
        if (i.Op0Kind == OpKind.Register) Operands.WriteReg(s, i.Op0Register, v);
        else GuestMemory.Write(Operands.Ea(s, in i), size, v);
    }

    /// <summary>pinsrb/w/d/q: r/m into element imm8.</summary>
    static void Insert(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        int size = ElementSize(i.Code);
        int n = 16 / size;
        int k = i.Immediate8 & (n - 1);
        ulong v = i.Op1Kind == OpKind.Register ? Operands.ReadReg(s, i.Op1Register) : GuestMemory.Read(Operands.Ea(s, in i), size);
        byte* dst = (byte*)X(s, i.Op0Register) + k * size;
        switch (size)
        {
            case 1: *dst = (byte)v; break;
            case 2: *(ushort*)dst = (ushort)v; break;
            case 4: *(uint*)dst = (uint)v; break;
            default: *(ulong*)dst = v; break;
        }
    }

    /// <summary>pcmpestri/pcmpestrm/pcmpistri/pcmpistrm.</summary>
    static void PcmpStr(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        V b = Src(s, in i, 1);
        V a = *X(s, i.Op0Register);
        byte imm = i.Immediate8;
        var c = i.Code;
        int la, lb;
        if (c is Code.Pcmpistri_xmm_xmmm128_imm8 or Code.Pcmpistrm_xmm_xmmm128_imm8)
        {
            la = SseString.ImplicitLength(a, imm);
            lb = SseString.ImplicitLength(b, imm);
        }
        else
        {
            bool wide = c is Code.Pcmpestri64_xmm_xmmm128_imm8 or Code.Pcmpestrm64_xmm_xmmm128_imm8;
            la = SseString.ExplicitLength(s->Gpr[0], wide, imm);
            lb = SseString.ExplicitLength(s->Gpr[2], wide, imm);
        }
        uint res = SseString.Compare(a, b, la, lb, imm, out ulong flags);
        if (c is Code.Pcmpistri_xmm_xmmm128_imm8 or Code.Pcmpestri_xmm_xmmm128_imm8 or Code.Pcmpestri64_xmm_xmmm128_imm8)
            s->Gpr[1] = SseString.Index(res, imm);
        else
            *X(s, Reg.XMM0) = SseString.Mask(res, imm);
        Flags.SetArith(s, flags);
    }

    static void Crc32(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        int size = Operands.Size(in i, 1);
        ulong data = Operands.Read(s, in i, 1, size);
        uint crc = (uint)Operands.ReadReg(s, i.Op0Register);
        Operands.WriteReg(s, i.Op0Register, SseString.Crc32(crc, data, size));
    }

    static void RegisterState()
    {
        HandlerTable.Add(Code.Ldmxcsr_m32, &Ldmxcsr);
        HandlerTable.Add(Code.Stmxcsr_m32, &Stmxcsr);
        HandlerTable.Add(Code.Fxsave_m512byte, &Fxsave);
        HandlerTable.Add(Code.Fxsave64_m512byte, &Fxsave);
        HandlerTable.Add(Code.Fxrstor_m512byte, &Fxrstor);
        HandlerTable.Add(Code.Fxrstor64_m512byte, &Fxrstor);
        HandlerTable.Add(Mnemonic.Lfence, &Fence);
        HandlerTable.Add(Mnemonic.Sfence, &Fence);
        HandlerTable.Add(Mnemonic.Mfence, &Fence);
        foreach (var m in new[] { Mnemonic.Prefetchnta, Mnemonic.Prefetcht0, Mnemonic.Prefetcht1, Mnemonic.Prefetcht2,
                     Mnemonic.Prefetchw, Mnemonic.Prefetch, Mnemonic.Clflush, Mnemonic.Clflushopt })
            HandlerTable.Add(m, &Nop);
    }

    static void Ldmxcsr(Cpu cpu, in Instruction i) => SseMxcsr.Load(cpu.S, GuestMemory.Read32(Operands.Ea(cpu.S, in i)));

    static void Stmxcsr(Cpu cpu, in Instruction i) => GuestMemory.Write32(Operands.Ea(cpu.S, in i), cpu.S->Mxcsr);

    static void Fxsave(Cpu cpu, in Instruction i)
    {
        ulong a = Operands.Ea(cpu.S, in i);
        if ((a & 15) != 0) Misaligned();
        SseFxsave.Save(cpu.S, GuestMemory.W(a, 512), i.Code == Code.Fxsave64_m512byte);
    }

    static void Fxrstor(Cpu cpu, in Instruction i)
    {
        ulong a = Operands.Ea(cpu.S, in i);
        if ((a & 15) != 0) Misaligned();
        SseFxsave.Restore(cpu.S, GuestMemory.R(a, 512), i.Code == Code.Fxrstor64_m512byte);
    }
}
