using UniJit.Runtime.Dispatch;
using UniJit.Syscalls.Strace;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Signals;

/// <summary>
/// Signal dispositions, masks and the alternate stack are recorded (delivery to guest handlers comes
/// with signal frames). A signal a process sends itself whose disposition is the default and whose
/// default action terminates ends the guest as the kernel would: that is how abort() dies by SIGABRT.
/// </summary>
public static class SignalCalls
{
    const int SIGKILL = 9, SIGSTOP = 19;
    const ulong Unblockable = (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1));

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
            k.Process.SignalHandlers[sig] = act.Handler;
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
            DeliverPending(k, cpu);
        }
        return 0;
    }

    /// <summary>Acts on pending signals the mask no longer blocks (musl's raise blocks, signals itself, then unblocks).</summary>
    static void DeliverPending(Kernel k, Runtime.State.Cpu cpu)
    {
        ulong ready = k.Signals.Pending & ~cpu.SignalMask;
        if (ready == 0) return;
        k.Signals.Pending &= ~ready;
        for (int sig = 1; sig <= 64; sig++)
            if ((ready & (1UL << (sig - 1))) != 0) ToSelf(k, cpu, sig, "when unblocked");
    }

    public static long RtSigpending(Kernel k, in SysArgs a)
    {
        if (a.A1 > 8) return -Errno.EINVAL;
        Guest.Write(a.A0, k.Signals.Pending);
        return 0;
    }

    const int SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31, MinSigStackSize = 2048;

    public static long Sigaltstack(Kernel k, in SysArgs a)
    {
        var st = k.Signals;
        if (a.A1 != 0)
        {
            Guest.Write(a.A1, st.AltStackSp);
            Guest.Write(a.A1 + 8, (long)st.AltStackFlags);
            Guest.Write(a.A1 + 16, st.AltStackSize);
        }
        if (a.A0 != 0)
        {
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
            return ToSelf(k, a.Cpu, sig, "kill");
        if (pid == -1) return -Errno.EPERM; // never signal every process of the user from inside the runtime
        return Runtime.Memory.Native.Sys(62, pid, sig);
    }

    public static long Tgkill(Kernel k, in SysArgs a)
    {
        int tgid = a.I(0), tid = a.I(1), sig = a.I(2);
        if (sig < 0 || sig > 64 || tgid <= 0 || tid <= 0) return -Errno.EINVAL;
        if (tgid != Environment.ProcessId || tid != a.Cpu.Tid) return -Errno.ESRCH;
        return ToSelf(k, a.Cpu, sig, "tgkill");
    }

    public static long Tkill(Kernel k, in SysArgs a)
    {
        int tid = a.I(0), sig = a.I(1);
        if (sig < 0 || sig > 64 || tid <= 0) return -Errno.EINVAL;
        if (tid != a.Cpu.Tid) return -Errno.ESRCH;
        return ToSelf(k, a.Cpu, sig, "tkill");
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
        if ((cpu.SignalMask & (1UL << (SIGPIPE - 1))) != 0) { k.Signals.Pending |= 1UL << (SIGPIPE - 1); return; }
        if (handler != SignalState.SIG_DFL) return;
        k.Process.LastReport = null;
        throw new GuestExitException(128 + SIGPIPE, SIGPIPE);
    }

    /// <summary>A signal to the calling process. Ignored and caught signals are dropped for now (no delivery
    /// to handlers yet); blocked ones wait in the pending set; a default action that terminates ends the
    /// guest by that signal.</summary>
    static long ToSelf(Kernel k, Runtime.State.Cpu cpu, int sig, string how)
    {
        if (sig == 0) return 0;
        ulong handler = k.Signals.Actions[sig].Handler;
        bool blocked = (cpu.SignalMask & (1UL << (sig - 1))) != 0 && sig != SIGKILL && sig != SIGSTOP;
        if (sig != SIGKILL)
        {
            if (handler == SignalState.SIG_IGN) return 0;
            if (blocked) { k.Signals.Pending |= 1UL << (sig - 1); return 0; }
            if (handler != SignalState.SIG_DFL || !SignalState.DefaultTerminates(sig)) return 0;
        }
        // Shells report deaths by signal except SIGPIPE's; so does the launcher, from this report.
        k.Process.LastReport = sig == 13 ? null : $"{Symbols.SignalName(sig)} sent by the guest to itself ({how})";
        throw new GuestExitException(128 + sig, sig);
    }
}
