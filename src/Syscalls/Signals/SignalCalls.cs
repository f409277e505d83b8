using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Strace;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Signals;

/// <summary>
/// Signal dispositions, masks, the alternate stack, signals a process sends itself, and waiting for
/// signals. Delivery to handlers is the runtime's (<see cref="SignalDelivery"/>): these calls make a
/// signal pending and request attention, and the thread delivers it before its next instruction.
/// A signal whose action is the default and whose default terminates ends the guest at once, as
/// the kernel would: that is how abort() dies by SIGABRT.
/// </summary>
public static class SignalCalls
{
    const int SIGKILL = SignalState.SIGKILL, SIGSTOP = SignalState.SIGSTOP;
    const ulong Unblockable = SignalState.Unblockable;

    public static long RtSigaction(Kernel k, in SysArgs a)
    {
        int sig = a.I(0);
        if (a.A3 != 8) return -Errno.EINVAL;
        if (sig < 1 || sig > 64) return -Errno.EINVAL;
        KernelSigaction act = default;
        if (a.A1 != 0)
        {
            if (sig == SIGKILL || sig == SIGSTOP) return -Errno.EINVAL;
            act = Guest.Read<KernelSigaction>(a.A1);
        }
        if (a.A2 != 0) Guest.Write(a.A2, k.Signals.Actions[sig]);
        if (a.A1 != 0)
        {
            act.Mask &= ~Unblockable;
            k.Signals.Actions[sig] = act;
            HostSignals.Mirror(sig, in act);
            // Setting SIG_IGN (or a default that ignores) discards the signal if it is pending.
            if (act.Handler == SignalState.SIG_IGN || (act.Handler == SignalState.SIG_DFL && !SignalState.DefaultTerminates(sig)))
            {
                k.Signals.Pending &= ~SignalState.Bit(sig);
                a.Cpu.PendingSignals &= ~SignalState.Bit(sig);
            }
        }
        return 0;
    }

    public static long RtSigprocmask(Kernel k, in SysArgs a)
    {
        if (a.A3 != 8) return -Errno.EINVAL;
        var cpu = a.Cpu;
        ulong set = 0;
        if (a.A1 != 0)
        {
            set = Guest.Read<ulong>(a.A1);
            if (a.I(0) is < 0 or > 2) return -Errno.EINVAL;
        }
        if (a.A2 != 0) Guest.Write(a.A2, cpu.SignalMask);
        if (a.A1 != 0)
        {
            cpu.SignalMask = a.I(0) switch
            {
                0 => cpu.SignalMask | set,
                1 => cpu.SignalMask & ~set,
                _ => set,
            } & ~Unblockable;
            // Signals the new mask lets through are delivered before the next instruction.
            SignalDelivery.Recheck(cpu);
        }
        return 0;
    }

    public static long RtSigpending(Kernel k, in SysArgs a)
    {
        if (a.A1 > 8) return -Errno.EINVAL;
        HostSignals.Collect(k.Signals);
        Guest.Write(a.A0, (k.Signals.Pending | a.Cpu.PendingSignals) & a.Cpu.SignalMask);
        return 0;
    }

    /// <summary>rt_sigreturn: the registers, mask and FPU state come back from the signal frame.</summary>
    public static long RtSigreturn(Kernel k, in SysArgs a) => (long)SignalDelivery.Return(a.Cpu);

    /// <summary>rt_sigsuspend: waits with a temporary mask until a signal is delivered, then returns
    /// EINTR; the frame of the handler that runs records the old mask, so rt_sigreturn restores it.</summary>
    public static long RtSigsuspend(Kernel k, in SysArgs a)
    {
        if (a.A1 != 8) return -Errno.EINVAL;
        ulong set = Guest.Read<ulong>(a.A0);
        return Suspend(k, a.Cpu, set & ~Unblockable);
    }

    /// <summary>pause: rt_sigsuspend with the current mask.</summary>
    public static long Pause(Kernel k, in SysArgs a) => Suspend(k, a.Cpu, a.Cpu.SignalMask);

    static long Suspend(Kernel k, Runtime.State.Cpu cpu, ulong mask)
    {
        cpu.SavedMask = cpu.SignalMask;
        cpu.HasSavedMask = true;
        cpu.SignalMask = mask;
        WaitForSignal(k, cpu, mask, ulong.MaxValue, -1);
        SignalDelivery.Recheck(cpu);
        return -Errno.EINTR;
    }

    /// <summary>rt_sigtimedwait: takes a pending signal of <c>set</c> without running its handler.</summary>
    public static long RtSigtimedwait(Kernel k, in SysArgs a)
    {
        if (a.A3 != 8) return -Errno.EINVAL;
        ulong set = Guest.Read<ulong>(a.A0) & ~Unblockable;
        long timeoutNs = -1;
        if (a.A2 != 0)
        {
            long sec = Guest.Read<long>(a.A2), nsec = Guest.Read<long>(a.A2 + 8);
            if (sec < 0 || nsec is < 0 or >= 1_000_000_000) return -Errno.EINVAL;
            timeoutNs = sec * 1_000_000_000 + nsec;
        }
        var cpu = a.Cpu;
        // Signals outside the set that arrive meanwhile interrupt the wait (EINTR) and are delivered.
        int sig = WaitForSignal(k, cpu, cpu.SignalMask & ~set, set, timeoutNs);
        if (sig == 0) return -Errno.EAGAIN;
        if (sig < 0) return -Errno.EINTR;
        var info = SignalDelivery.Take(cpu, sig);
        if (a.A1 != 0) Guest.Write(a.A1, info);
        return sig;
    }

    /// <summary>
    /// Blocks the host thread until a signal is pending that <paramref name="mask"/> does not block
    /// (returns -1), or one in <paramref name="take"/> is pending (returns its number), or the timeout
    /// passes (returns 0). Race-free: the relayed signals are blocked on the host while the pending
    /// sets are checked, and rt_sigtimedwait/rt_sigsuspend reopen them atomically.
    /// </summary>
    static int WaitForSignal(Kernel k, Runtime.State.Cpu cpu, ulong mask, ulong take, long timeoutNs)
    {
        var st = k.Signals;
        ulong relayed = 0;
        for (int s = 1; s <= 64; s++) if (HostSignals.Relayed(s)) relayed |= SignalState.Bit(s);
        ulong old = 0;
        long deadline = timeoutNs < 0 ? long.MaxValue : Environment.TickCount64 * 1_000_000 + timeoutNs;
        unsafe
        {
            long* ts = stackalloc long[2];
            Native.Sys(14 /* rt_sigprocmask */, 0 /* SIG_BLOCK */, (long)&relayed, (long)&old, 8);
            try
            {
                while (true)
                {
                    HostSignals.Collect(st);
                    ulong pend = st.Pending | cpu.PendingSignals;
                    ulong takeNow = pend & take;
                    if (takeNow != 0) return System.Numerics.BitOperations.TrailingZeroCount(takeNow) + 1;
                    if ((pend & ~mask) != 0) return -1;
                    if (timeoutNs < 0) Native.Sys(130 /* rt_sigsuspend */, (long)&old, 8);
                    else
                    {
                        long left = deadline - Environment.TickCount64 * 1_000_000;
                        if (left <= 0) return 0;
                        // Wait for any relayed signal with them all open; the relay marks it pending.
                        ts[0] = left / 1_000_000_000; ts[1] = left % 1_000_000_000;
                        ulong none = old;
                        Native.Sys(14, 2 /* SIG_SETMASK */, (long)&none, 0, 8);
                        Native.Sys(230 /* clock_nanosleep */, 1 /* CLOCK_MONOTONIC */, 0, (long)ts, 0);
                        Native.Sys(14, 0, (long)&relayed, 0, 8);
                    }
                }
            }
            finally { Native.Sys(14, 2 /* SIG_SETMASK */, (long)&old, 0, 8); }
        }
    }

    const int SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31, MinSigStackSize = 2048;

    public static long Sigaltstack(Kernel k, in SysArgs a)
    {
        var st = a.Cpu;
        ulong rsp = a.Cpu.Rsp;
        bool onStack = st.AltStackSize != 0 && rsp - st.AltStackSp - 1 < st.AltStackSize;
        if (a.A1 != 0)
        {
            int now = st.AltStackSize == 0 ? SS_DISABLE : onStack ? SS_ONSTACK : 0;
            Guest.Write(a.A1, st.AltStackSp);
            Guest.Write(a.A1 + 8, (long)(now | (st.AltStackFlags & SS_AUTODISARM)));
            Guest.Write(a.A1 + 16, st.AltStackSize);
        }
        if (a.A0 != 0)
        {
            if (onStack) return -Errno.EPERM;
            ulong sp = Guest.Read<ulong>(a.A0);
            int flags = Guest.Read<int>(a.A0 + 8);
            ulong size = Guest.Read<ulong>(a.A0 + 16);
            if ((flags & ~(SS_DISABLE | SS_AUTODISARM | SS_ONSTACK)) != 0) return -Errno.EINVAL;
            if ((flags & SS_DISABLE) != 0) { st.AltStackSp = 0; st.AltStackSize = 0; st.AltStackFlags = SS_DISABLE; }
            else
            {
                if (size < MinSigStackSize) return -Errno.ENOMEM;
                st.AltStackSp = sp; st.AltStackSize = size; st.AltStackFlags = flags & SS_AUTODISARM;
            }
        }
        return 0;
    }

    public static long Kill(Kernel k, in SysArgs a)
    {
        int pid = a.I(0), sig = a.I(1);
        if (sig < 0 || sig > 64) return -Errno.EINVAL;
        if (pid == Environment.ProcessId || pid == 0 || pid == -Environment.ProcessId)
            return ToSelf(k, a.Cpu, sig, "kill", thread: false);
        if (pid == -1) return -Errno.EPERM; // never signal every process of the user from inside the runtime
        return Runtime.Memory.Native.Sys(62, pid, sig);
    }

    public static long Tgkill(Kernel k, in SysArgs a)
    {
        int tgid = a.I(0), tid = a.I(1), sig = a.I(2);
        if (sig < 0 || sig > 64 || tgid <= 0 || tid <= 0) return -Errno.EINVAL;
        if (tgid != Environment.ProcessId) return -Errno.ESRCH;
        return ToThread(k, a.Cpu, tid, sig, "tgkill");
    }

    public static long Tkill(Kernel k, in SysArgs a)
    {
        int tid = a.I(0), sig = a.I(1);
        if (sig < 0 || sig > 64 || tid <= 0) return -Errno.EINVAL;
        return ToThread(k, a.Cpu, tid, sig, "tkill");
    }

    /// <summary>A signal to guest thread <paramref name="tid"/>: the caller itself, or another thread,
    /// which notices it at its next block boundary or when its current system call returns. (A
    /// thread blocked in a host call that nothing interrupts sees it only when that call returns.)</summary>
    static long ToThread(Kernel k, Runtime.State.Cpu cpu, int tid, int sig, string how)
    {
        if (tid == cpu.Tid) return ToSelf(k, cpu, sig, how, thread: true);
        if (!k.Process.Threads.TryGetValue(tid, out var target)) return -Errno.ESRCH;
        if (sig == 0) return 0;
        ulong handler = k.Signals.Actions[sig].Handler;
        bool blocked = (target.SignalMask & SignalState.Bit(sig)) != 0;
        if (!blocked && (handler == SignalState.SIG_IGN || handler == SignalState.SIG_DFL && !SignalState.DefaultTerminates(sig))) return 0;
        if (handler == SignalState.SIG_DFL && !blocked) return ToSelf(k, cpu, sig, how, thread: false); // kills the process
        SignalDelivery.Post(k.Process, target, SigInfo.FromUser(sig, SigInfo.SI_TKILL));
        return 0;
    }

    /// <summary>
    /// The SIGPIPE that Linux raises on a write to a pipe or socket with no reader. The .NET runtime
    /// ignores SIGPIPE for itself, so the host call just fails with EPIPE; the guest's disposition
    /// decides here: by default the process dies by SIGPIPE, silently as a shell expects (no report).
    /// </summary>
    public static void BrokenPipe(Kernel k, Runtime.State.Cpu cpu)
    {
        const int SIGPIPE = 13;
        ulong handler = k.Signals.Actions[SIGPIPE].Handler;
        bool blocked = (cpu.SignalMask & SignalState.Bit(SIGPIPE)) != 0;
        if (handler == SignalState.SIG_IGN && !blocked) return;
        if (handler != SignalState.SIG_DFL || blocked)
        {
            SignalDelivery.Post(k.Process, cpu, SigInfo.FromUser(SIGPIPE, SigInfo.SI_USER));
            return;
        }
        k.Process.LastReport = null;
        throw new GuestExitException(128 + SIGPIPE, SIGPIPE);
    }

    /// <summary>A signal to the calling process (or, with <paramref name="thread"/>, thread). Ignored
    /// signals are dropped unless blocked; caught and blocked ones become pending and are delivered
    /// before the next instruction (or when unblocked); a default action that terminates ends the
    /// guest by that signal.</summary>
    static long ToSelf(Kernel k, Runtime.State.Cpu cpu, int sig, string how, bool thread)
    {
        if (sig == 0) return 0;
        ulong handler = k.Signals.Actions[sig].Handler;
        bool blocked = (cpu.SignalMask & SignalState.Bit(sig)) != 0 && sig != SIGKILL && sig != SIGSTOP;
        if (sig != SIGKILL)
        {
            if (!blocked && handler == SignalState.SIG_IGN) return 0;
            if (!blocked && handler == SignalState.SIG_DFL && !SignalState.DefaultTerminates(sig))
            {
                if (SignalState.DefaultStops(sig)) Native.Sys(62 /* kill */, Environment.ProcessId, SIGSTOP);
                return 0;
            }
            if (blocked || handler != SignalState.SIG_DFL)
            {
                var info = SigInfo.FromUser(sig, thread ? SigInfo.SI_TKILL : SigInfo.SI_USER);
                SignalDelivery.Post(k.Process, thread ? cpu : null, in info);
                return 0;
            }
        }
        // Shells report deaths by signal except SIGPIPE's; so does the launcher, from this report.
        k.Process.LastReport = sig == 13 ? null : $"{Symbols.SignalName(sig)} sent by the guest to itself ({how})";
        throw new GuestExitException(128 + sig, sig);
    }
}
