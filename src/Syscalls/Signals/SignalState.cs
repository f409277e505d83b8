namespace UniJit.Syscalls.Signals;

/// <summary>The kernel's struct sigaction on x86-64 (as rt_sigaction passes it).</summary>
public struct KernelSigaction
{
    public ulong Handler;
    public ulong Flags;
    public ulong Restorer;
    public ulong Mask;
}

/// <summary>The guest's signal dispositions (rt_sigaction) and alternate stack (sigaltstack).
/// Delivery is not implemented yet; <see cref="Runtime.Dispatch.GuestProcess.SignalHandlers"/> mirrors the handlers.</summary>
public sealed class SignalState
{
    public const ulong SIG_DFL = 0, SIG_IGN = 1;
    public readonly KernelSigaction[] Actions = new KernelSigaction[65];
    public ulong AltStackSp, AltStackSize;
    public int AltStackFlags = 2; // SS_DISABLE
    /// <summary>Signals sent while blocked, waiting for the mask to open (bit sig-1).</summary>
    public ulong Pending;

    /// <summary>True if <paramref name="sig"/>'s default action ends the process (everything but the
    /// ignore-by-default and stop/continue signals).</summary>
    public static bool DefaultTerminates(int sig) => sig switch
    {
        17 /* CHLD */ or 18 /* CONT */ or 19 /* STOP */ or 20 /* TSTP */ or 21 /* TTIN */ or 22 /* TTOU */
            or 23 /* URG */ or 28 /* WINCH */ => false,
        _ => true,
    };
}
