using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Iced.Intel;
using Reg = Iced.Intel.Register;
using UniJit.Runtime.Semantics;

namespace UniJit.Runtime.Interpreter;

/// <summary>The table rows of the regular-shaped instructions: one line per encoding, naming the
/// shape (Bin, BinFp, Imm, ImmFp, Shift, ToXmm, ToGpr, Comi; "Fp" = runs in an MXCSR scope) and
/// the semantic method.</summary>
public static unsafe partial class SseHandlers
{
    static void RegisterInteger()
    {
        Bin(Code.Paddb_xmm_xmmm128, &SimdInt.Paddb);
        Bin(Code.Paddw_xmm_xmmm128, &SimdInt.Paddw);
        Bin(Code.Paddd_xmm_xmmm128, &SimdInt.Paddd);
        Bin(Code.Paddq_xmm_xmmm128, &SimdInt.Paddq);
        Bin(Code.Psubb_xmm_xmmm128, &SimdInt.Psubb);
        Bin(Code.Psubw_xmm_xmmm128, &SimdInt.Psubw);
        Bin(Code.Psubd_xmm_xmmm128, &SimdInt.Psubd);
        Bin(Code.Psubq_xmm_xmmm128, &SimdInt.Psubq);
        Bin(Code.Paddsb_xmm_xmmm128, &SimdInt.Paddsb);
        Bin(Code.Paddsw_xmm_xmmm128, &SimdInt.Paddsw);
        Bin(Code.Paddusb_xmm_xmmm128, &SimdInt.Paddusb);
        Bin(Code.Paddusw_xmm_xmmm128, &SimdInt.Paddusw);
        Bin(Code.Psubsb_xmm_xmmm128, &SimdInt.Psubsb);
        Bin(Code.Psubsw_xmm_xmmm128, &SimdInt.Psubsw);
        Bin(Code.Psubusb_xmm_xmmm128, &SimdInt.Psubusb);
        Bin(Code.Psubusw_xmm_xmmm128, &SimdInt.Psubusw);
        Bin(Code.Pmullw_xmm_xmmm128, &SimdInt.Pmullw);
        Bin(Code.Pmulhw_xmm_xmmm128, &SimdInt.Pmulhw);
        Bin(Code.Pmulhuw_xmm_xmmm128, &SimdInt.Pmulhuw);
        Bin(Code.Pmuludq_xmm_xmmm128, &SimdInt.Pmuludq);
        Bin(Code.Pmaddwd_xmm_xmmm128, &SimdInt.Pmaddwd);
        Bin(Code.Psadbw_xmm_xmmm128, &SimdInt.Psadbw);
        Bin(Code.Pavgb_xmm_xmmm128, &SimdInt.Pavgb);
        Bin(Code.Pavgw_xmm_xmmm128, &SimdInt.Pavgw);
        Bin(Code.Pminub_xmm_xmmm128, &SimdInt.Pminub);
        Bin(Code.Pmaxub_xmm_xmmm128, &SimdInt.Pmaxub);
        Bin(Code.Pminsw_xmm_xmmm128, &SimdInt.Pminsw);
        Bin(Code.Pmaxsw_xmm_xmmm128, &SimdInt.Pmaxsw);
        Bin(Code.Pand_xmm_xmmm128, &SimdInt.Pand);
        Bin(Code.Pandn_xmm_xmmm128, &SimdInt.Pandn);
        Bin(Code.Por_xmm_xmmm128, &SimdInt.Por);
        Bin(Code.Pxor_xmm_xmmm128, &SimdInt.Pxor);
        Bin(Code.Pcmpeqb_xmm_xmmm128, &SimdInt.Pcmpeqb);
        Bin(Code.Pcmpeqw_xmm_xmmm128, &SimdInt.Pcmpeqw);
        Bin(Code.Pcmpeqd_xmm_xmmm128, &SimdInt.Pcmpeqd);
        Bin(Code.Pcmpgtb_xmm_xmmm128, &SimdInt.Pcmpgtb);
        Bin(Code.Pcmpgtw_xmm_xmmm128, &SimdInt.Pcmpgtw);
        Bin(Code.Pcmpgtd_xmm_xmmm128, &SimdInt.Pcmpgtd);
        Bin(Code.Psllw_xmm_xmmm128, &SimdInt.Psllw);
        Bin(Code.Pslld_xmm_xmmm128, &SimdInt.Pslld);
        Bin(Code.Psllq_xmm_xmmm128, &SimdInt.Psllq);
        Bin(Code.Psrlw_xmm_xmmm128, &SimdInt.Psrlw);
        Bin(Code.Psrld_xmm_xmmm128, &SimdInt.Psrld);
        Bin(Code.Psrlq_xmm_xmmm128, &SimdInt.Psrlq);
        Bin(Code.Psraw_xmm_xmmm128, &SimdInt.Psraw);
        Bin(Code.Psrad_xmm_xmmm128, &SimdInt.Psrad);
        Shift(Code.Psllw_xmm_imm8, &SimdInt.Psllw);
        Shift(Code.Pslld_xmm_imm8, &SimdInt.Pslld);
        Shift(Code.Psllq_xmm_imm8, &SimdInt.Psllq);
        Shift(Code.Psrlw_xmm_imm8, &SimdInt.Psrlw);
        Shift(Code.Psrld_xmm_imm8, &SimdInt.Psrld);
        Shift(Code.Psrlq_xmm_imm8, &SimdInt.Psrlq);
        Shift(Code.Psraw_xmm_imm8, &SimdInt.Psraw);
        Shift(Code.Psrad_xmm_imm8, &SimdInt.Psrad);
        Shift(Code.Pslldq_xmm_imm8, &SimdInt.Pslldq);
        Shift(Code.Psrldq_xmm_imm8, &SimdInt.Psrldq);
        Bin(Code.Packsswb_xmm_xmmm128, &SimdInt.Packsswb);
        Bin(Code.Packssdw_xmm_xmmm128, &SimdInt.Packssdw);
        Bin(Code.Packuswb_xmm_xmmm128, &SimdInt.Packuswb);
        Bin(Code.Punpcklbw_xmm_xmmm128, &SimdInt.Punpcklbw);
        Bin(Code.Punpcklwd_xmm_xmmm128, &SimdInt.Punpcklwd);
        Bin(Code.Punpckldq_xmm_xmmm128, &SimdInt.Punpckldq);
        Bin(Code.Punpcklqdq_xmm_xmmm128, &SimdInt.Punpcklqdq);
        Bin(Code.Punpckhbw_xmm_xmmm128, &SimdInt.Punpckhbw);
        Bin(Code.Punpckhwd_xmm_xmmm128, &SimdInt.Punpckhwd);
        Bin(Code.Punpckhdq_xmm_xmmm128, &SimdInt.Punpckhdq);
        Bin(Code.Punpckhqdq_xmm_xmmm128, &SimdInt.Punpckhqdq);
        Imm(Code.Pshufd_xmm_xmmm128_imm8, &SimdShuffle.Pshufd, &SimdShuffle.PshufdAnyImm);
        Imm(Code.Pshufhw_xmm_xmmm128_imm8, &SimdShuffle.Pshufhw, &SimdShuffle.PshufhwAnyImm);
        Imm(Code.Pshuflw_xmm_xmmm128_imm8, &SimdShuffle.Pshuflw, &SimdShuffle.PshuflwAnyImm);

        if (!Ssse3.IsSupported) return;
        Bin(Code.Pshufb_xmm_xmmm128, &SimdInt.Pshufb);
        Bin(Code.Phaddw_xmm_xmmm128, &SimdInt.Phaddw);
        Bin(Code.Phaddd_xmm_xmmm128, &SimdInt.Phaddd);
        Bin(Code.Phaddsw_xmm_xmmm128, &SimdInt.Phaddsw);
        Bin(Code.Phsubw_xmm_xmmm128, &SimdInt.Phsubw);
        Bin(Code.Phsubd_xmm_xmmm128, &SimdInt.Phsubd);
        Bin(Code.Phsubsw_xmm_xmmm128, &SimdInt.Phsubsw);
        Bin(Code.Pmaddubsw_xmm_xmmm128, &SimdInt.Pmaddubsw);
        Bin(Code.Psignb_xmm_xmmm128, &SimdInt.Psignb);
        Bin(Code.Psignw_xmm_xmmm128, &SimdInt.Psignw);
        Bin(Code.Psignd_xmm_xmmm128, &SimdInt.Psignd);
        Bin(Code.Pabsb_xmm_xmmm128, &SimdInt.Pabsb);
        Bin(Code.Pabsw_xmm_xmmm128, &SimdInt.Pabsw);
        Bin(Code.Pabsd_xmm_xmmm128, &SimdInt.Pabsd);
        Bin(Code.Pmulhrsw_xmm_xmmm128, &SimdInt.Pmulhrsw);
        Imm(Code.Palignr_xmm_xmmm128_imm8, &SimdInt.Palignr, &SimdInt.PalignrAnyImm);
    }

    static void RegisterFloat()
    {
        BinFp(Code.Addps_xmm_xmmm128, &SimdFloat.Addps);
        BinFp(Code.Addpd_xmm_xmmm128, &SimdFloat.Addpd);
        BinFp(Code.Addss_xmm_xmmm32, &SimdFloat.Addss);
        BinFp(Code.Addsd_xmm_xmmm64, &SimdFloat.Addsd);
        BinFp(Code.Subps_xmm_xmmm128, &SimdFloat.Subps);
        BinFp(Code.Subpd_xmm_xmmm128, &SimdFloat.Subpd);
        BinFp(Code.Subss_xmm_xmmm32, &SimdFloat.Subss);
        BinFp(Code.Subsd_xmm_xmmm64, &SimdFloat.Subsd);
        BinFp(Code.Mulps_xmm_xmmm128, &SimdFloat.Mulps);
        BinFp(Code.Mulpd_xmm_xmmm128, &SimdFloat.Mulpd);
        BinFp(Code.Mulss_xmm_xmmm32, &SimdFloat.Mulss);
        BinFp(Code.Mulsd_xmm_xmmm64, &SimdFloat.Mulsd);
        BinFp(Code.Divps_xmm_xmmm128, &SimdFloat.Divps);
        BinFp(Code.Divpd_xmm_xmmm128, &SimdFloat.Divpd);
        BinFp(Code.Divss_xmm_xmmm32, &SimdFloat.Divss);
        BinFp(Code.Divsd_xmm_xmmm64, &SimdFloat.Divsd);
        BinFp(Code.Minps_xmm_xmmm128, &SimdFloat.Minps);
        BinFp(Code.Minpd_xmm_xmmm128, &SimdFloat.Minpd);
        BinFp(Code.Minss_xmm_xmmm32, &SimdFloat.Minss);
        BinFp(Code.Minsd_xmm_xmmm64, &SimdFloat.Minsd);
        BinFp(Code.Maxps_xmm_xmmm128, &SimdFloat.Maxps);
        BinFp(Code.Maxpd_xmm_xmmm128, &SimdFloat.Maxpd);
        BinFp(Code.Maxss_xmm_xmmm32, &SimdFloat.Maxss);
        BinFp(Code.Maxsd_xmm_xmmm64, &SimdFloat.Maxsd);
        BinFp(Code.Sqrtps_xmm_xmmm128, &SimdFloat.Sqrtps);
        BinFp(Code.Sqrtpd_xmm_xmmm128, &SimdFloat.Sqrtpd);
        BinFp(Code.Sqrtss_xmm_xmmm32, &SimdFloat.Sqrtss);
        BinFp(Code.Sqrtsd_xmm_xmmm64, &SimdFloat.Sqrtsd);
        BinFp(Code.Rcpps_xmm_xmmm128, &SimdFloat.Rcpps);
        BinFp(Code.Rcpss_xmm_xmmm32, &SimdFloat.Rcpss);
        BinFp(Code.Rsqrtps_xmm_xmmm128, &SimdFloat.Rsqrtps);
        BinFp(Code.Rsqrtss_xmm_xmmm32, &SimdFloat.Rsqrtss);
        ImmFp(Code.Cmpps_xmm_xmmm128_imm8, &SimdFloat.Cmpps);
        ImmFp(Code.Cmppd_xmm_xmmm128_imm8, &SimdFloat.Cmppd);
        ImmFp(Code.Cmpss_xmm_xmmm32_imm8, &SimdFloat.Cmpss);
        ImmFp(Code.Cmpsd_xmm_xmmm64_imm8, &SimdFloat.Cmpsd);
        Bin(Code.Andps_xmm_xmmm128, &SimdFloat.Andps);
        Bin(Code.Andpd_xmm_xmmm128, &SimdFloat.Andps);
        Bin(Code.Andnps_xmm_xmmm128, &SimdFloat.Andnps);
        Bin(Code.Andnpd_xmm_xmmm128, &SimdFloat.Andnps);
        Bin(Code.Orps_xmm_xmmm128, &SimdFloat.Orps);
        Bin(Code.Orpd_xmm_xmmm128, &SimdFloat.Orps);
        Bin(Code.Xorps_xmm_xmmm128, &SimdFloat.Xorps);
        Bin(Code.Xorpd_xmm_xmmm128, &SimdFloat.Xorps);
        Comi(Code.Comiss_xmm_xmmm32, &SimdFloat.Comiss);
        Comi(Code.Ucomiss_xmm_xmmm32, &SimdFloat.Ucomiss);
        Comi(Code.Comisd_xmm_xmmm64, &SimdFloat.Comisd);
        Comi(Code.Ucomisd_xmm_xmmm64, &SimdFloat.Ucomisd);
        Bin(Code.Unpcklps_xmm_xmmm128, &SimdShuffle.Unpcklps);
        Bin(Code.Unpckhps_xmm_xmmm128, &SimdShuffle.Unpckhps);
        Bin(Code.Unpcklpd_xmm_xmmm128, &SimdShuffle.Unpcklpd);
        Bin(Code.Unpckhpd_xmm_xmmm128, &SimdShuffle.Unpckhpd);
        Imm(Code.Shufps_xmm_xmmm128_imm8, &SimdShuffle.Shufps, &SimdShuffle.ShufpsAnyImm);
        Imm(Code.Shufpd_xmm_xmmm128_imm8, &SimdShuffle.Shufpd, &SimdShuffle.ShufpdAnyImm);

        if (!Sse3.IsSupported) return;
        BinFp(Code.Addsubps_xmm_xmmm128, &SimdFloat.Addsubps);
        BinFp(Code.Addsubpd_xmm_xmmm128, &SimdFloat.Addsubpd);
        BinFp(Code.Haddps_xmm_xmmm128, &SimdFloat.Haddps);
        BinFp(Code.Haddpd_xmm_xmmm128, &SimdFloat.Haddpd);
        BinFp(Code.Hsubps_xmm_xmmm128, &SimdFloat.Hsubps);
        BinFp(Code.Hsubpd_xmm_xmmm128, &SimdFloat.Hsubpd);
    }

    static void RegisterConvert()
    {
        BinFp(Code.Cvtps2pd_xmm_xmmm64, &SimdConvert.Cvtps2pd);
        BinFp(Code.Cvtpd2ps_xmm_xmmm128, &SimdConvert.Cvtpd2ps);
        BinFp(Code.Cvtss2sd_xmm_xmmm32, &SimdConvert.Cvtss2sd);
        BinFp(Code.Cvtsd2ss_xmm_xmmm64, &SimdConvert.Cvtsd2ss);
        BinFp(Code.Cvtdq2ps_xmm_xmmm128, &SimdConvert.Cvtdq2ps);
        BinFp(Code.Cvtps2dq_xmm_xmmm128, &SimdConvert.Cvtps2dq);
        BinFp(Code.Cvttps2dq_xmm_xmmm128, &SimdConvert.Cvttps2dq);
        BinFp(Code.Cvtdq2pd_xmm_xmmm64, &SimdConvert.Cvtdq2pd);
        BinFp(Code.Cvtpd2dq_xmm_xmmm128, &SimdConvert.Cvtpd2dq);
        BinFp(Code.Cvttpd2dq_xmm_xmmm128, &SimdConvert.Cvttpd2dq);
        ToXmm(Code.Cvtsi2ss_xmm_rm32, &SimdConvert.Cvtsi2ss32);
        ToXmm(Code.Cvtsi2ss_xmm_rm64, &SimdConvert.Cvtsi2ss64);
        ToXmm(Code.Cvtsi2sd_xmm_rm32, &SimdConvert.Cvtsi2sd32);
        ToXmm(Code.Cvtsi2sd_xmm_rm64, &SimdConvert.Cvtsi2sd64);
        ToGpr(Code.Cvtss2si_r32_xmmm32, &SimdConvert.Cvtss2si32);
        ToGpr(Code.Cvtss2si_r64_xmmm32, &SimdConvert.Cvtss2si64);
        ToGpr(Code.Cvttss2si_r32_xmmm32, &SimdConvert.Cvttss2si32);
        ToGpr(Code.Cvttss2si_r64_xmmm32, &SimdConvert.Cvttss2si64);
        ToGpr(Code.Cvtsd2si_r32_xmmm64, &SimdConvert.Cvtsd2si32);
        ToGpr(Code.Cvtsd2si_r64_xmmm64, &SimdConvert.Cvtsd2si64);
        ToGpr(Code.Cvttsd2si_r32_xmmm64, &SimdConvert.Cvttsd2si32);
        ToGpr(Code.Cvttsd2si_r64_xmmm64, &SimdConvert.Cvttsd2si64);
    }
}
