using System.Runtime.InteropServices;

namespace UniJit.Runtime.Dispatch;

/// <summary>The kernel's struct sigaction on x86-64 (as rt_sigaction passes it).</summary>
public struct KernelSigaction
{
    public ulong Handler;
    public ulong Flags;
    public ulong Restorer;
    public ulong Mask;
}

/// <summary>The kernel's siginfo_t (128 bytes). The union after the header holds, depending on the
/// signal: pid and uid (kill, tgkill, SIGCHLD with status), the fault address (SIGSEGV, SIGBUS,
/// SIGILL, SIGFPE, SIGTRAP), or a timer's id, overrun and value.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
public struct SigInfo
{
    [FieldOffset(0)] public int Signo;
    [FieldOffset(4)] public int Errno;
    [FieldOffset(8)] public int Code;
    [FieldOffset(16)] public int Pid;
    [FieldOffset(20)] public int Uid;
    [FieldOffset(16)] public ulong Addr;

    public const int SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;

    /// <summary>A signal sent by kill (SI_USER) or tgkill/tkill (SI_TKILL) from this process.</summary>
    public static SigInfo FromUser(int sig, int code) =>
        new() { Signo = sig, Code = code, Pid = Environment.ProcessId, Uid = (int)Loader.HostIds.Uid };

    /// <summary>A fault raised by an instruction, with its si_code and address.</summary>
    public static SigInfo Fault(int sig, int code, ulong addr) => new() { Signo = sig, Code = code, Addr = addr };
}

/// <summary>
/// A guest process's signal dispositions (rt_sigaction) and its process-directed pending signals.
/// Thread-directed pending signals, the mask and the alternate signal stack live in <see cref="State.Cpu"/>.
/// See <see cref="SignalDelivery"/> for how and when pending signals reach guest handlers.
/// </summary>
public sealed class SignalState
{
    public const ulong SIG_DFL = 0, SIG_IGN = 1;
    public const ulong SA_SIGINFO = 4, SA_RESTORER = 0x04000000, SA_ONSTACK = 0x08000000,
        SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
    public const int SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31;
    public const int SIGKILL = 9, SIGSTOP = 19;
    /// <summary>Signals no mask can block.</summary>
    public const ulong Unblockable = (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1));

    public readonly KernelSigaction[] Actions = new KernelSigaction[65];
    /// <summary>Process-directed signals waiting for a thread that does not block them (bit sig-1).</summary>
    public ulong Pending;
    /// <summary>The siginfo of each process-directed pending signal.</summary>
    public readonly SigInfo[] PendingInfo = new SigInfo[65];

    public static ulong Bit(int sig) => 1UL << (sig - 1);

    /// <summary>True if <paramref name="sig"/>'s default action ends the process (everything but the
    /// ignore-by-default and stop/continue signals).</summary>
    public static bool DefaultTerminates(int sig) => sig switch
    {
        17 /* CHLD */ or 18 /* CONT */ or 19 /* STOP */ or 20 /* TSTP */ or 21 /* TTIN */ or 22 /* TTOU */
            or 23 /* URG */ or 28 /* WINCH */ => false,
        _ => true,
    };

    /// <summary>True if the default action of <paramref name="sig"/> stops the process.</summary>
    public static bool DefaultStops(int sig) => sig is 19 or 20 or 21 or 22;
}
