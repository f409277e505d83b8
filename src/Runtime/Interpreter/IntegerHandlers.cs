using Iced.Intel;
using static UniJit.Runtime.Interpreter.HandlerTable;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// The general-purpose instruction set: one row per mnemonic (or per encoding where an encoding
/// shares its mnemonic with another family, such as the string <c>movsd</c> and SSE2's).
/// The handlers are in IntAlu.cs, IntShift.cs, IntMulDiv.cs, IntBits.cs, IntMove.cs, IntFlow.cs and IntString.cs.
/// </summary>
public static unsafe partial class IntegerHandlers
{
    public static void Register()
    {
        // ALU
        Add(Mnemonic.Add, &AddH); Add(Mnemonic.Adc, &AdcH); Add(Mnemonic.Sub, &SubH); Add(Mnemonic.Sbb, &SbbH);
        Add(Mnemonic.And, &AndH); Add(Mnemonic.Or, &OrH); Add(Mnemonic.Xor, &XorH);
        Add(Mnemonic.Cmp, &CmpH); Add(Mnemonic.Test, &TestH);
        Add(Mnemonic.Inc, &IncH); Add(Mnemonic.Dec, &DecH); Add(Mnemonic.Neg, &NegH); Add(Mnemonic.Not, &NotH);
        // Shifts and rotates
        Add(Mnemonic.Shl, &ShlH); Add(Mnemonic.Sal, &ShlH); Add(Mnemonic.Shr, &ShrH); Add(Mnemonic.Sar, &SarH);
        Add(Mnemonic.Rol, &RolH); Add(Mnemonic.Ror, &RorH); Add(Mnemonic.Rcl, &RclH); Add(Mnemonic.Rcr, &RcrH);
        Add(Mnemonic.Shld, &ShldH); Add(Mnemonic.Shrd, &ShrdH);
        // Multiply and divide
        Add(Mnemonic.Mul, &MulH); Add(Mnemonic.Imul, &ImulH); Add(Mnemonic.Div, &DivH); Add(Mnemonic.Idiv, &IdivH);
        // Bits
        Add(Mnemonic.Bt, &BtH); Add(Mnemonic.Bts, &BtsH); Add(Mnemonic.Btr, &BtrH); Add(Mnemonic.Btc, &BtcH);
        Add(Mnemonic.Bsf, &BsfH); Add(Mnemonic.Bsr, &BsrH); Add(Mnemonic.Tzcnt, &TzcntH); Add(Mnemonic.Lzcnt, &LzcntH);
        Add(Mnemonic.Popcnt, &PopcntH); Add(Mnemonic.Bswap, &BswapH); Add(Mnemonic.Movbe, &MovbeH);
        // Moves and data
        Add(Mnemonic.Mov, &MovH); Add(Mnemonic.Movzx, &MovzxH); Add(Mnemonic.Movsx, &MovsxH); Add(Mnemonic.Movsxd, &MovsxH);
        Add(Mnemonic.Lea, &LeaH); Add(Mnemonic.Xchg, &XchgH); Add(Mnemonic.Cmpxchg, &CmpxchgH); Add(Mnemonic.Xadd, &XaddH);
        Add(Mnemonic.Cmpxchg8b, &Cmpxchg8bH); Add(Mnemonic.Cmpxchg16b, &Cmpxchg16bH);
        Add(Mnemonic.Cbw, &CbwH); Add(Mnemonic.Cwde, &CbwH); Add(Mnemonic.Cdqe, &CbwH);
        Add(Mnemonic.Cwd, &CwdH); Add(Mnemonic.Cdq, &CwdH); Add(Mnemonic.Cqo, &CwdH);
        foreach (var m in new[] { Mnemonic.Seto, Mnemonic.Setno, Mnemonic.Setb, Mnemonic.Setae, Mnemonic.Sete, Mnemonic.Setne,
            Mnemonic.Setbe, Mnemonic.Seta, Mnemonic.Sets, Mnemonic.Setns, Mnemonic.Setp, Mnemonic.Setnp, Mnemonic.Setl,
            Mnemonic.Setge, Mnemonic.Setle, Mnemonic.Setg }) Add(m, &SetccH);
        foreach (var m in new[] { Mnemonic.Cmovo, Mnemonic.Cmovno, Mnemonic.Cmovb, Mnemonic.Cmovae, Mnemonic.Cmove, Mnemonic.Cmovne,
            Mnemonic.Cmovbe, Mnemonic.Cmova, Mnemonic.Cmovs, Mnemonic.Cmovns, Mnemonic.Cmovp, Mnemonic.Cmovnp, Mnemonic.Cmovl,
            Mnemonic.Cmovge, Mnemonic.Cmovle, Mnemonic.Cmovg }) Add(m, &CmovccH);
        Add(Mnemonic.Lahf, &LahfH); Add(Mnemonic.Sahf, &SahfH);
        Add(Mnemonic.Push, &PushH); Add(Mnemonic.Pop, &PopH); Add(Mnemonic.Pushfq, &PushfH); Add(Mnemonic.Popfq, &PopfH);
        Add(Mnemonic.Pushf, &PushfH); Add(Mnemonic.Popf, &PopfH);
        Add(Mnemonic.Clc, &ClcH); Add(Mnemonic.Stc, &StcH); Add(Mnemonic.Cmc, &CmcH); Add(Mnemonic.Cld, &CldH); Add(Mnemonic.Std, &StdH);
        // Control flow
        foreach (var m in new[] { Mnemonic.Jo, Mnemonic.Jno, Mnemonic.Jb, Mnemonic.Jae, Mnemonic.Je, Mnemonic.Jne, Mnemonic.Jbe,
            Mnemonic.Ja, Mnemonic.Js, Mnemonic.Jns, Mnemonic.Jp, Mnemonic.Jnp, Mnemonic.Jl, Mnemonic.Jge, Mnemonic.Jle, Mnemonic.Jg })
            Add(m, &JccH);
        Add(Mnemonic.Jmp, &JmpH); Add(Mnemonic.Call, &CallH); Add(Mnemonic.Ret, &RetH);
        Add(Mnemonic.Loop, &LoopH); Add(Mnemonic.Loope, &LoopH); Add(Mnemonic.Loopne, &LoopH);
        Add(Mnemonic.Jrcxz, &JrcxzH); Add(Mnemonic.Jecxz, &JrcxzH);
        Add(Mnemonic.Leave, &LeaveH); Add(Mnemonic.Enter, &EnterH);
        Add(Mnemonic.Syscall, &SyscallH); Add(Mnemonic.Cpuid, &CpuidH); Add(Mnemonic.Rdtsc, &RdtscH); Add(Mnemonic.Rdtscp, &RdtscpH);
        Add(Mnemonic.Xgetbv, &XgetbvH);
        foreach (var m in new[] { Mnemonic.Nop, Mnemonic.Endbr64, Mnemonic.Endbr32, Mnemonic.Pause, Mnemonic.Lfence, Mnemonic.Mfence,
            Mnemonic.Sfence, Mnemonic.Prefetchnta, Mnemonic.Prefetcht0, Mnemonic.Prefetcht1, Mnemonic.Prefetcht2, Mnemonic.Prefetchw,
            Mnemonic.Clflush, Mnemonic.Clflushopt, Mnemonic.Wait,
            // CET shadow-stack reads and increments execute as NOPs when shadow stacks are off (libgcc probes with rdssp).
            Mnemonic.Rdsspd, Mnemonic.Rdsspq, Mnemonic.Incsspd, Mnemonic.Incsspq })
            Add(m, &NopH);
        Add(Mnemonic.Ud2, &Ud2H); Add(Mnemonic.Ud0, &Ud2H); Add(Mnemonic.Ud1, &Ud2H);
        Add(Mnemonic.Int3, &Int3H); Add(Mnemonic.Int, &IntH); Add(Mnemonic.Int1, &Int3H);
        Add(Mnemonic.Hlt, &PrivilegedH);
        // Strings (by encoding: movsd and cmpsd share their mnemonics with SSE2)
        Add(Code.Movsb_m8_m8, &MovsH); Add(Code.Movsw_m16_m16, &MovsH); Add(Code.Movsd_m32_m32, &MovsH); Add(Code.Movsq_m64_m64, &MovsH);
        Add(Code.Stosb_m8_AL, &StosH); Add(Code.Stosw_m16_AX, &StosH); Add(Code.Stosd_m32_EAX, &StosH); Add(Code.Stosq_m64_RAX, &StosH);
        Add(Code.Lodsb_AL_m8, &LodsH); Add(Code.Lodsw_AX_m16, &LodsH); Add(Code.Lodsd_EAX_m32, &LodsH); Add(Code.Lodsq_RAX_m64, &LodsH);
        Add(Code.Cmpsb_m8_m8, &CmpsH); Add(Code.Cmpsw_m16_m16, &CmpsH); Add(Code.Cmpsd_m32_m32, &CmpsH); Add(Code.Cmpsq_m64_m64, &CmpsH);
        Add(Code.Scasb_AL_m8, &ScasH); Add(Code.Scasw_AX_m16, &ScasH); Add(Code.Scasd_EAX_m32, &ScasH); Add(Code.Scasq_RAX_m64, &ScasH);
    }
}
