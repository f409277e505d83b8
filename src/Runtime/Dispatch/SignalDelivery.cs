using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Dispatch;

/// <summary>
/// Delivery of signals to guest handlers, as Linux does it on x86-64 (arch/x86/kernel/signal.c).
///
/// When: a signal becomes pending (the guest signals itself, the host relay catches one, a mask
/// opens) and <see cref="HostSignals.Attention"/> is set; the thread delivers at its next block
/// boundary, so a signal raised by a system call is handled before the instruction after it, as on
/// Linux. A fault raised by an instruction is delivered at once, with RIP at that instruction.
///
/// How: an rt_sigframe is pushed below the red zone (or on the alternate stack for SA_ONSTACK):
/// the return address (sa_restorer), a ucontext (registers in sigcontext order, the old mask, the
/// alternate-stack settings), the siginfo, and a 512-byte fxsave image the sigcontext points to.
/// The handler starts with RDI = signal, RSI = &amp;info, RDX = &amp;ucontext, DF clear and a clean
/// x87/SSE state; its mask gains sa_mask and the signal itself (unless SA_NODEFER). rt_sigreturn
/// (<see cref="Return"/>) reads everything back from the frame, so a handler that edits its
/// ucontext changes where and how the guest resumes, as on Linux.
/// </summary>
public static unsafe class SignalDelivery
{
    const int FrameSize = 8 + UcSize + 128, UcSize = 304, FpSize = 512;
    const int UcStack = 16, UcMcontext = 40, UcSigmask = 296, InfoOffset = 8 + UcSize;
    const ulong UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
    /// <summary>RFLAGS bits rt_sigreturn takes from the frame (the kernel's FIX_EFLAGS).</summary>
    const ulong FixEflags = 0x40DD5;
    const ulong DF = 0x400, TF = 0x100, RF = 0x10000;

    /// <summary>sigcontext register order: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp (as GPR numbers).</summary>
    static ReadOnlySpan<byte> GregOrder => [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];

    /// <summary>Delivers every pending signal <paramref name="cpu"/> does not block (the dispatcher calls
    /// this when the attention word is set). Each caught signal gets its own frame, later ones on top
    /// of earlier ones, so the handler of the last runs first, as with Linux.</summary>
    public static void DeliverPending(Cpu cpu)
    {
        var st = cpu.Process.Signals;
        Volatile.Write(ref cpu.S->Attention, 0);
        Volatile.Write(ref *HostSignals.Attention, 0);
        HostSignals.Collect(st);
        while (true)
        {
            ulong ready = (cpu.PendingSignals | st.Pending) & ~cpu.SignalMask;
            if (ready == 0) break;
            int sig = Pick(ready);
            Act(cpu, sig, Take(cpu, sig), null);
        }
        // rt_sigsuspend's mask lasts until a handler runs; if none did, it ends now.
        if (cpu.HasSavedMask) { cpu.SignalMask = cpu.SavedMask; cpu.HasSavedMask = false; }
        // Process-directed signals this thread blocks go to a thread that does not block them.
        if (st.Pending != 0)
            foreach (var t in cpu.Process.Threads.Values)
                if (t != cpu && (st.Pending & ~t.SignalMask) != 0) { HostSignals.RequestAttention(); break; }
    }

    /// <summary>Removes pending signal <paramref name="sig"/> (the thread's own first, then the
    /// process's) and returns its siginfo. Other threads post concurrently: both sets change under locks.</summary>
    public static SigInfo Take(Cpu cpu, int sig)
    {
        ulong bit = SignalState.Bit(sig);
        lock (cpu.PendingInfo)
            if ((cpu.PendingSignals & bit) != 0) { cpu.PendingSignals &= ~bit; return cpu.PendingInfo[sig]; }
        var st = cpu.Process.Signals;
        lock (st) { st.Pending &= ~bit; return st.PendingInfo[sig]; }
    }

    /// <summary>Re-arms the thread's attention word if something is deliverable now (after a mask change).</summary>
    public static void Recheck(Cpu cpu)
    {
        if (((cpu.PendingSignals | cpu.Process.Signals.Pending) & ~cpu.SignalMask) != 0) Volatile.Write(ref cpu.S->Attention, 1);
    }

    /// <summary>Makes <paramref name="sig"/> pending for the process (kill) or, with
    /// <paramref name="thread"/>, for that thread (tgkill), and asks for delivery.</summary>
    public static void Post(GuestProcess p, Cpu? thread, in SigInfo info)
    {
        int sig = info.Signo;
        ulong bit = SignalState.Bit(sig);
        if (thread != null)
        {
            // Standard signals do not queue: a second one while pending is merged into the first.
            lock (thread.PendingInfo)
            {
                if ((thread.PendingSignals & bit) == 0) thread.PendingInfo[sig] = info;
                thread.PendingSignals |= bit;
            }
            Volatile.Write(ref thread.S->Attention, 1);
            return;
        }
        else
        {
            lock (p.Signals)
            {
                if ((p.Signals.Pending & bit) == 0) p.Signals.PendingInfo[sig] = info;
                p.Signals.Pending |= bit;
            }
        }
        HostSignals.RequestAttention();
    }

    /// <summary>Synchronous signals first (SEGV, BUS, ILL, TRAP, FPE, SYS), then the lowest number.</summary>
    static int Pick(ulong ready)
    {
        const ulong sync = (1UL << 10) | (1UL << 6) | (1UL << 3) | (1UL << 4) | (1UL << 7) | (1UL << 30);
        ulong s = ready & sync;
        return System.Numerics.BitOperations.TrailingZeroCount(s != 0 ? s : ready) + 1;
    }

    /// <summary>A fault raised by the instruction at RIP: its handler runs now (RIP stays at the
    /// instruction, so returning retries it). A fault the guest blocks or ignores kills, as Linux's
    /// force_sig does.</summary>
    public static void Fault(Cpu cpu, in SigInfo info, string report)
    {
        var st = cpu.Process.Signals;
        int sig = info.Signo;
        ref var act = ref st.Actions[sig];
        if ((cpu.SignalMask & SignalState.Bit(sig)) != 0 || act.Handler == SignalState.SIG_IGN)
        {
            act.Handler = SignalState.SIG_DFL;
            cpu.SignalMask &= ~SignalState.Bit(sig);
        }
        Act(cpu, sig, in info, report);
    }

    /// <summary>Carries out the disposition of <paramref name="sig"/>: ignore, the default action, or
    /// a handler frame.</summary>
    static void Act(Cpu cpu, int sig, in SigInfo info, string? report)
    {
        var p = cpu.Process;
        var act = p.Signals.Actions[sig];
        if (act.Handler == SignalState.SIG_IGN && sig != SignalState.SIGKILL) return;
        if (act.Handler == SignalState.SIG_DFL || sig == SignalState.SIGKILL)
        {
            if (SignalState.DefaultStops(sig)) { Native.Sys(62 /* kill */, Environment.ProcessId, SignalState.SIGSTOP); return; }
            if (!SignalState.DefaultTerminates(sig)) return;
            p.Syscalls.OnSignal(cpu, in info, fatal: true);
            Die(p, sig, report ?? $"{Signals.Name(sig)} (si_code {info.Code})");
        }
        p.Syscalls.OnSignal(cpu, in info, fatal: false);
        if (!PushFrame(cpu, sig, in info, in act))
        {
            // Linux's force_sigsegv: a frame that cannot be written is a SIGSEGV, fatal if it was one.
            ulong rsp = cpu.S->Gpr[4];
            if (sig == Signals.SIGSEGV)
                Die(p, sig, $"SIGSEGV while delivering SIGSEGV: no room for the signal frame below rsp=0x{rsp:x} ({report})");
            p.Signals.Actions[Signals.SIGSEGV].Handler = SignalState.SIG_DFL;
            Die(p, Signals.SIGSEGV, $"SIGSEGV: cannot write the frame for {Signals.Name(sig)} below rsp=0x{rsp:x}");
        }
        cpu.SignalMask |= act.Mask | ((act.Flags & SignalState.SA_NODEFER) != 0 ? 0 : SignalState.Bit(sig));
        cpu.SignalMask &= ~SignalState.Unblockable;
        if ((act.Flags & SignalState.SA_RESETHAND) != 0)
        {
            ref var a = ref p.Signals.Actions[sig];
            a.Handler = SignalState.SIG_DFL;
            a.Flags &= ~SignalState.SA_SIGINFO;
            HostSignals.Mirror(sig, in a);
        }
    }

    static void Die(GuestProcess p, int sig, string? report)
    {
        p.LastReport = sig == Signals.SIGPIPE ? null : report;
        throw new GuestExitException(128 + sig, sig);
    }

    static bool PushFrame(Cpu cpu, int sig, in SigInfo info, in KernelSigaction act)
    {
        CpuState* s = cpu.S;
        if ((act.Flags & SignalState.SA_RESTORER) == 0) return false;
        ulong rsp = s->Gpr[4];
        bool altEnabled = (cpu.AltStackFlags & SignalState.SS_DISABLE) == 0 && cpu.AltStackSize != 0;
        bool onAlt = altEnabled && rsp - cpu.AltStackSp - 1 < cpu.AltStackSize;
        int ssFlags = !altEnabled ? SignalState.SS_DISABLE : onAlt ? SignalState.SS_ONSTACK : 0;
        ulong sp;
        if ((act.Flags & SignalState.SA_ONSTACK) != 0 && altEnabled && !onAlt) sp = cpu.AltStackSp + cpu.AltStackSize;
        else sp = rsp - 128;
        sp = (sp - FpSize) & ~63UL;
        ulong fp = sp;
        ulong frame = ((sp - FrameSize) & ~15UL) - 8;
        if (!GuestMemory.Check(frame, fp + FpSize - frame, GuestMemory.PermWrite)) return false;
        GuestMemory.PrepareWrite(frame, fp + FpSize - frame);

        byte* f = GuestMemory.Host(frame);
        new Span<byte>(f, (int)(fp + FpSize - frame)).Clear();
        *(ulong*)f = act.Restorer;
        byte* uc = f + 8;
        *(ulong*)uc = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
        *(ulong*)(uc + UcStack) = cpu.AltStackSp;
        *(int*)(uc + UcStack + 8) = ssFlags | (cpu.AltStackFlags & SignalState.SS_AUTODISARM);
        *(ulong*)(uc + UcStack + 16) = cpu.AltStackSize;
        byte* sc = uc + UcMcontext;
        for (int i = 0; i < 16; i++) ((ulong*)sc)[i] = s->Gpr[GregOrder[i]];
        *(ulong*)(sc + 128) = s->Rip;
        *(ulong*)(sc + 136) = Flags.Get(s);
        *(ushort*)(sc + 144) = 0x33; // cs; gs and fs are 0
        *(ushort*)(sc + 150) = 0x2b; // ss
        bool segv = info.Signo == Signals.SIGSEGV || info.Signo == Signals.SIGBUS;
        *(ulong*)(sc + 160) = segv ? 14UL : 0; // trapno: page fault
        ulong saved = cpu.HasSavedMask ? cpu.SavedMask : cpu.SignalMask;
        cpu.HasSavedMask = false;
        *(ulong*)(sc + 168) = saved; // oldmask
        *(ulong*)(sc + 176) = segv ? info.Addr : 0; // cr2
        *(ulong*)(sc + 184) = fp;
        *(ulong*)(uc + UcSigmask) = saved;
        *(SigInfo*)(f + InfoOffset) = info;
        SseFxsave.Save(s, GuestMemory.Host(fp), rex64: true);
        if ((cpu.AltStackFlags & SignalState.SS_AUTODISARM) != 0 && (act.Flags & SignalState.SA_ONSTACK) != 0 && !onAlt)
        {
            cpu.AltStackSp = 0; cpu.AltStackSize = 0; cpu.AltStackFlags = SignalState.SS_DISABLE;
        }

        s->Gpr[7] = (ulong)sig;
        s->Gpr[6] = frame + InfoOffset;
        s->Gpr[2] = frame + 8;
        s->Gpr[0] = 0;
        s->Gpr[4] = frame;
        s->Rip = act.Handler;
        ulong fl = Flags.Get(s) & ~(DF | TF | RF);
        s->Rflags = fl; s->FlagOp = 0;
        // The handler starts with the FPU in its initial state (fpu__clear_user_states).
        ResetFpu(s);
        return true;
    }

    static void ResetFpu(CpuState* s)
    {
        s->Fpu = default;
        s->Fpu.Control = 0x37F;
        s->Fpu.Tag = 0xFFFF;
        s->Mxcsr = SseMxcsr.Default;
        new Span<byte>(s->Xmm, 256).Clear();
    }

    /// <summary>rt_sigreturn: restores registers, flags, mask, FPU state and the alternate stack from
    /// the frame at RSP (the handler's <c>ret</c> popped the restorer's address). Returns the
    /// restored RAX, or throws SIGSEGV (fatal, like Linux's) if the frame is unreadable.</summary>
    public static ulong Return(Cpu cpu)
    {
        CpuState* s = cpu.S;
        ulong uc = s->Gpr[4];
        if (!GuestMemory.Check(uc, UcSize, GuestMemory.PermRead))
            Die(cpu.Process, Signals.SIGSEGV, $"SIGSEGV: rt_sigreturn with a bad frame at rsp=0x{uc:x}");
        byte* u = GuestMemory.Host(uc);
        byte* sc = u + UcMcontext;
        ulong fp = *(ulong*)(sc + 184);
        if (fp != 0 && !GuestMemory.Check(fp, FpSize, GuestMemory.PermRead))
            Die(cpu.Process, Signals.SIGSEGV, $"SIGSEGV: rt_sigreturn with a bad FPU state pointer 0x{fp:x}");
        for (int i = 0; i < 16; i++) s->Gpr[GregOrder[i]] = ((ulong*)sc)[i];
        s->Rip = *(ulong*)(sc + 128);
        ulong fl = Flags.Get(s);
        s->Rflags = (fl & ~FixEflags) | (*(ulong*)(sc + 136) & FixEflags) | 2;
        s->FlagOp = 0;
        cpu.SignalMask = *(ulong*)(u + UcSigmask) & ~SignalState.Unblockable;
        if (fp != 0)
        {
            try { SseFxsave.Restore(s, GuestMemory.Host(fp), rex64: true); }
            catch (GuestSignalException) { Die(cpu.Process, Signals.SIGSEGV, "SIGSEGV: rt_sigreturn with a bad MXCSR"); }
        }
        else ResetFpu(s);
        RestoreAltStack(cpu, u + UcStack, s->Gpr[4]);
        Recheck(cpu);
        return s->Gpr[0];
    }

    /// <summary>sigaltstack from the frame's uc_stack, as restore_altstack does (errors are ignored).</summary>
    static void RestoreAltStack(Cpu cpu, byte* ss, ulong rsp)
    {
        ulong sp = *(ulong*)ss, size = *(ulong*)(ss + 16);
        int flags = *(int*)(ss + 8);
        bool onAlt = (cpu.AltStackFlags & SignalState.SS_DISABLE) == 0 && rsp - cpu.AltStackSp - 1 < cpu.AltStackSize;
        if (onAlt) return; // EPERM: the stack in use cannot change
        if ((flags & SignalState.SS_DISABLE) != 0) { cpu.AltStackSp = 0; cpu.AltStackSize = 0; cpu.AltStackFlags = SignalState.SS_DISABLE; }
        else if (size >= 2048) { cpu.AltStackSp = sp; cpu.AltStackSize = size; cpu.AltStackFlags = flags & SignalState.SS_AUTODISARM; }
    }
}
