using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using UniJit.Syscalls.Strace;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls;

/// <summary>
/// The managed POSIX layer: the <c>syscall</c> instruction lands in <see cref="Syscall"/>, which finds
/// the call's row in <see cref="SyscallTable"/> and runs its handler (or forwards it to the host with
/// its arguments translated). Results follow the kernel's convention, a value or -errno in RAX;
/// RCX and R11 get the return RIP and RFLAGS as the hardware's syscall leaves them.
///
/// A handler fails by returning -errno or by throwing <see cref="SyscallError"/> (kept for rare paths:
/// an exception costs microseconds); a guest pointer that turns out to be unmapped while the handler
/// reads or writes it becomes -EFAULT. Exits unwind as <see cref="GuestExitException"/>, printed by
/// --strace as strace does ("= ?", "+++ exited with 0 +++"). A write that fails with EPIPE raises
/// SIGPIPE as Linux does, since the .NET runtime ignores that signal for itself.
///
/// Layout: Table/ (rows, argument kinds, the generic forwarder), Fs/ (fd table, path resolution, /proc,
/// descriptors, vector I/O, poll), Memory/, Process/ (identity, limits, futex, vfork/execve), Signals/,
/// Net/ (messages with fds), Strace/ (formatting), Generated/ (errno and call names from the headers).
/// </summary>
public sealed unsafe class LinuxSyscalls : ISyscallHandler
{
    public Kernel Kernel { get; }
    readonly SyscallRow?[] table = SyscallTable.ByNumber;
    readonly HashSet<int> warned = new();

    public LinuxSyscalls(GuestProcess process) => Kernel = new Kernel(process);

    /// <summary>As above, with strace lines and warnings written to host fd <paramref name="diagFd"/>.</summary>
    public LinuxSyscalls(GuestProcess process, int diagFd) => Kernel = new Kernel(process, diagFd);

    public void Syscall(Cpu cpu)
    {
        var s = cpu.S;
        var args = new SysArgs(cpu);
        s->Gpr[1] = s->Rip;
        s->Gpr[11] = Flags.Get(s);
        ulong nr = s->Gpr[0];
        var row = nr < (ulong)table.Length ? table[nr] : null;
        long r;
        bool traced = false;
        try
        {
            r = Invoke(row, in args);
            if (r == -Errno.EPIPE && RaisesSigpipe(in args))
            {
                Kernel.Trace?.Line(StraceWriter.Line(row, in args, r));
                // strace shows the signal unless it is blocked (then it shows when unblocked).
                if ((cpu.SignalMask & (1UL << 12)) == 0) Kernel.Trace?.Line(SignalLine(13, "SI_USER"));
                traced = true;
                Signals.SignalCalls.BrokenPipe(Kernel, cpu);
            }
        }
        catch (GuestExitException e)
        {
            if (Kernel.Trace is { } t)
            {
                if (e.Signal == 0) t.Line(StraceWriter.Result(StraceWriter.Call(row, in args, 0), 0, Ret.None));
                else if (!traced)
                {
                    // A signal the call sent to the process: the call itself succeeded, then the signal arrived.
                    t.Line(StraceWriter.Line(row, in args, 0));
                    t.Line(SignalLine(e.Signal, args.Nr is Nr.tgkill or Nr.tkill ? "SI_TKILL" : "SI_USER"));
                }
                // A thread's exit(2) ends the process only if it was the last thread.
                if (!e.ThreadOnly || Kernel.Process.Threads.Count <= 1)
                    t.Line(e.Signal != 0 ? $"+++ killed by {Symbols.SignalName(e.Signal)} +++" : $"+++ exited with {e.Status & 0xFF} +++");
            }
            throw;
        }
        s->Gpr[0] = (ulong)r;
        if (traced) return;
        if (Kernel.Trace is { } trace)
            trace.Line(StraceWriter.Line(row, in args, r));
        else if ((row == null || row.Stub) && Kernel.Options.WarnUnimplemented && warned.Add((int)nr))
            Warn($"unijit: unimplemented syscall {Nr.Name((int)nr) ?? "syscall_" + nr} ({nr})");
    }

    /// <summary>strace's line for a signal as it reaches a guest handler.</summary>
    public void OnSignal(Cpu cpu, in SigInfo info, bool fatal)
    {
        if (Kernel.Trace is not { } t) return;
        string name = Symbols.SignalName(info.Signo);
        string code = info.Code switch
        {
            SigInfo.SI_USER => "SI_USER",
            SigInfo.SI_TKILL => "SI_TKILL",
            SigInfo.SI_KERNEL => "SI_KERNEL",
            -1 => "SI_QUEUE",
            -2 => "SI_TIMER",
            _ => info.Signo switch
            {
                Runtime.Dispatch.Signals.SIGSEGV => info.Code == 1 ? "SEGV_MAPERR" : info.Code == 2 ? "SEGV_ACCERR" : info.Code.ToString(),
                _ => info.Code.ToString(),
            },
        };
        string rest = info.Code is SigInfo.SI_USER or SigInfo.SI_TKILL
            ? $", si_pid={info.Pid}, si_uid={info.Uid}"
            : info.Signo is Runtime.Dispatch.Signals.SIGSEGV or Runtime.Dispatch.Signals.SIGBUS or Runtime.Dispatch.Signals.SIGILL or Runtime.Dispatch.Signals.SIGFPE ? $", si_addr=0x{info.Addr:x}" : "";
        t.Line($"--- {name} {{si_signo={name}, si_code={code}{rest}}} ---");
        if (fatal) t.Line($"+++ killed by {name} +++");
    }

    static string SignalLine(int sig, string code) =>
        $"--- {Symbols.SignalName(sig)} {{si_signo={Symbols.SignalName(sig)}, si_code={code}, si_pid={Environment.ProcessId}, si_uid={UniJit.Runtime.Loader.HostIds.Uid}}} ---";

    /// <summary>Calls that raise SIGPIPE with EPIPE (the socket sends unless given MSG_NOSIGNAL).</summary>
    static bool RaisesSigpipe(in SysArgs a) => a.Nr switch
    {
        Nr.write or Nr.writev or Nr.pwrite64 or Nr.pwritev or Nr.pwritev2 or Nr.sendfile or Nr.splice or Nr.tee
            or Nr.copy_file_range => true,
        Nr.sendto or Nr.sendmsg => (a.I(Nr.sendto == a.Nr ? 3 : 2) & 0x4000 /* MSG_NOSIGNAL */) == 0,
        _ => false,
    };

    /// <summary>Runs one call and returns its result (or -errno); also the entry point for embedders and tests.</summary>
    public long Invoke(SyscallRow? row, in SysArgs args)
    {
        if (row == null) return -Errno.ENOSYS;
        try
        {
            return row.Handler != null ? row.Handler(Kernel, in args) : Forwarder.Forward(Kernel, row, in args);
        }
        catch (SyscallError e) { return -e.Errno; }
        catch (GuestFaultException) { return -Errno.EFAULT; }
    }

    /// <summary>Runs call <paramref name="nr"/> with the given arguments (tests, embedders).</summary>
    public long Call(Cpu cpu, int nr, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        var args = new SysArgs(cpu, nr, a0, a1, a2, a3, a4, a5);
        return Invoke(nr >= 0 && nr < table.Length ? table[nr] : null, in args);
    }

    void Warn(string text) => new StraceWriter(Kernel.DiagFd).Line(text);
}
