using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Fs;
using UniJit.Syscalls.Process;
using UniJit.Syscalls.Strace;

namespace UniJit.Syscalls;

/// <summary>The state the system calls of one guest process share: its fds, its view of the file
/// system, its signal dispositions, resource limits, and the strace writer.</summary>
public sealed class Kernel
{
    public readonly GuestProcess Process;
    public readonly RunOptions Options;
    /// <summary>The fd table of the running guest thread (a vfork child has its own until it execs).</summary>
    public FdTable Fds;
    /// <summary>Set while a vfork child runs in the parent's place.</summary>
    public VforkChild? Child;
    public readonly PathResolver Paths;
    /// <summary>The process's signal dispositions and pending signals (the runtime delivers them).</summary>
    public SignalState Signals => Process.Signals;
    public readonly Limits Limits;
    /// <summary>Non-null under --strace.</summary>
    public readonly StraceWriter? Trace;
    /// <summary>Where warnings and strace lines go: a close-on-exec duplicate of the host's stderr.</summary>
    public readonly int DiagFd;

    /// <param name="diagFd">Host fd for strace lines and warnings; by default a duplicate of stderr.</param>
    public Kernel(GuestProcess process, int diagFd = -1)
    {
        Process = process;
        Options = process.Options;
        Fds = new FdTable();
        Paths = new PathResolver(() => Fds, Options.Root, Options.LibPrefix);
        Limits = new Limits(() => Fds);
        long d = diagFd >= 0 ? diagFd : Native.Sys(72 /* fcntl */, 2, 1030 /* F_DUPFD_CLOEXEC */, 3);
        DiagFd = d < 0 ? 2 : (int)d;
        if (Options.Strace) Trace = new StraceWriter(DiagFd);
        // Signals the host ignores (nohup, a parent's SIG_IGN across execve) start ignored, as on Linux.
        for (int sig = 1; sig <= 64; sig++)
            if (HostSignals.HostIgnores(sig)) Signals.Actions[sig].Handler = SignalState.SIG_IGN;
        string comm = System.IO.Path.GetFileName(process.ExePath);
        if (comm.Length > 0)
        {
            byte[] name = System.Text.Encoding.UTF8.GetBytes(comm);
            ThreadName = name.Length > 15 ? name.AsSpan(0, 15).ToArray() : name;
        }
    }

    /// <summary>personality(2)'s persona (0 = PER_LINUX).</summary>
    public uint Personality;
    /// <summary>prctl(PR_SET_NAME)'s name (kept guest-side: the host thread is the runtime's).</summary>
    public byte[] ThreadName = "unijit"u8.ToArray();
    public int PdeathSig;

    /// <summary>The guest's view of the program path (/proc/self/exe).</summary>
    public string ExePath => Paths.ToGuest(Process.ExePath) ?? Process.ExePath;
}
