namespace UniJit.Runtime.Dispatch;

/// <summary>A synchronous signal raised by an instruction (SIGILL, SIGFPE, SIGTRAP, SIGSEGV, SIGBUS).
/// The dispatcher delivers it with the faulting instruction as the guest RIP.</summary>
public sealed class GuestSignalException(int signal, int code, ulong address, string? detail = null, ulong trapRip = 0)
    : Exception(detail ?? $"signal {signal}")
{
    /// <summary>For a trap (int3), the RIP the signal reports: the instruction after it. 0 for a fault,
    /// which reports the faulting instruction itself (so returning from the handler retries it).</summary>
    public ulong TrapRip { get; } = trapRip;
    public int Signal { get; } = signal;
    /// <summary>si_code (e.g. ILL_ILLOPN, FPE_INTDIV).</summary>
    public int Code { get; } = code;
    public ulong Address { get; } = address;
    /// <summary>A one-line explanation for the user, such as "unsupported instruction ...".</summary>
    public string? Detail { get; } = detail;
}

/// <summary>Thrown to unwind a guest thread that has finished (exit, exit_group, or death by signal).</summary>
public sealed class GuestExitException(int status, int signal = 0, bool threadOnly = false) : Exception("guest exit")
{
    /// <summary>exit(2) of one thread; the process lives on while other threads do.</summary>
    public bool ThreadOnly { get; } = threadOnly;
    public int Status { get; } = status;
    /// <summary>Non-zero when the process dies by this signal.</summary>
    public int Signal { get; } = signal;
}

public static class Signals
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
        SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15,
        SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGSYS = 31;

    public static string Name(int sig) => sig switch
    {
        1 => "SIGHUP", 2 => "SIGINT", 3 => "SIGQUIT", 4 => "SIGILL", 5 => "SIGTRAP", 6 => "SIGABRT", 7 => "SIGBUS",
        8 => "SIGFPE", 9 => "SIGKILL", 10 => "SIGUSR1", 11 => "SIGSEGV", 12 => "SIGUSR2", 13 => "SIGPIPE",
        14 => "SIGALRM", 15 => "SIGTERM", 16 => "SIGSTKFLT", 17 => "SIGCHLD", 18 => "SIGCONT", 19 => "SIGSTOP",
        20 => "SIGTSTP", 21 => "SIGTTIN", 22 => "SIGTTOU", 23 => "SIGURG", 24 => "SIGXCPU", 25 => "SIGXFSZ",
        26 => "SIGVTALRM", 27 => "SIGPROF", 28 => "SIGWINCH", 29 => "SIGIO", 30 => "SIGPWR", 31 => "SIGSYS",
        _ => $"SIG{sig}",
    };
}
