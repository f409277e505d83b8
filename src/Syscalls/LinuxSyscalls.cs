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
/// A handler fails by returning -errno or by throwing <see cref="SyscallError"/>; a guest pointer that
/// turns out to be unmapped while the handler reads or writes it becomes -EFAULT. Exits unwind as
/// <see cref="GuestExitException"/>, printed by --strace as strace does ("= ?", "+++ exited with 0 +++").
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
