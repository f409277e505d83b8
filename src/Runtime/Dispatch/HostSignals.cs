using System.Runtime.InteropServices;
using Iced.Intel;
using UniJit.Runtime.Memory;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Runtime.Dispatch;

/// <summary>
/// Signals that come from outside the guest (Ctrl-C, alarm(2) and timers, kill from another process,
/// SIGCHLD, SIGWINCH) arrive as real host signals. The host disposition mirrors the guest's: SIG_DFL
/// restores what the host had (so a default death is the kernel's own, with the right status),
/// SIG_IGN ignores, and a guest handler installs a 40-byte native relay. The relay runs in signal
/// context, so it does no managed work: it copies the siginfo into a slot, sets the signal's bit in
/// a pending word and sets <see cref="Attention"/>. The guest thread notices the attention word
/// between blocks (interpreter), at region exits and loop back edges (IL tier) and after every
/// system call, and delivers from there (<see cref="SignalDelivery"/>). A blocking host call that
/// the relay interrupts returns EINTR to the guest, unless the guest asked for SA_RESTART, which
/// is mirrored onto the host disposition so the host kernel restarts it exactly when Linux would.
///
/// Only signals the .NET runtime does not use itself are relayed: never SIGSEGV/SIGBUS/SIGFPE/
/// SIGILL/SIGTRAP (the runtime's own faults; guest faults are raised by the emulation), SIGPIPE
/// (handled where the failing write returns EPIPE) or the real-time signals (the runtime uses
/// SIGRTMIN to suspend threads for GC). Those are delivered only when the guest raises them itself.
/// </summary>
public static unsafe partial class HostSignals
{
    /// <summary>Non-zero when a signal may be deliverable: checked between blocks and on back edges.
    /// Its address is a constant baked into translated code.</summary>
    public static readonly int* Attention;
    static readonly ulong* pending;
    static readonly SigInfo* infos;
    static nint relay;
    /// <summary>The host's disposition before the guest first changed it (glibc struct sigaction).</summary>
    static readonly byte[]?[] original = new byte[65][];
    static readonly object gate = new();

    const int SizeofSigaction = 152, MaskOffset = 8, FlagsOffset = 136;
    const int HostSA_SIGINFO = 4, HostSA_RESTART = 0x10000000, HostSA_ONSTACK = 0x08000000;

    static HostSignals()
    {
        Attention = (int*)GuestMemory.HostWords;
        pending = (ulong*)NativeMemory.AllocZeroed(64);
        infos = (SigInfo*)NativeMemory.AllocZeroed((nuint)(65 * sizeof(SigInfo)));
    }

    /// <summary>Signals whose host disposition follows the guest's.</summary>
    public static bool Relayed(int sig) => sig is 1 /* HUP */ or 2 /* INT */ or 3 /* QUIT */ or 10 /* USR1 */
        or 12 /* USR2 */ or 14 /* ALRM */ or 15 /* TERM */ or 17 /* CHLD */ or 18 /* CONT */ or 20 /* TSTP */
        or 21 /* TTIN */ or 22 /* TTOU */ or 23 /* URG */ or 24 /* XCPU */ or 25 /* XFSZ */ or 26 /* VTALRM */
        or 27 /* PROF */ or 28 /* WINCH */ or 29 /* IO */ or 30 /* PWR */;

    /// <summary>Asks every guest thread to look for deliverable signals.</summary>
    public static void RequestAttention() => Volatile.Write(ref *Attention, 1);

    /// <summary>Moves signals the relay caught into <paramref name="st"/>'s process-directed pending set.</summary>
    public static void Collect(SignalState st)
    {
        if (Volatile.Read(ref *pending) == 0) return;
        ulong bits = Interlocked.Exchange(ref *pending, 0);
        lock (st)
            for (int sig = 1; sig <= 64; sig++)
                if ((bits & SignalState.Bit(sig)) != 0)
                {
                    st.PendingInfo[sig] = infos[sig];
                    st.Pending |= SignalState.Bit(sig);
                }
    }

    /// <summary>True if the host ignores <paramref name="sig"/> (inherited SIG_IGN, e.g. under nohup).</summary>
    public static bool HostIgnores(int sig)
    {
        if (!Relayed(sig)) return false;
        byte* old = stackalloc byte[SizeofSigaction];
        return sigaction(sig, null, old) == 0 && *(nint*)old == 1;
    }

    /// <summary>Makes the host disposition of <paramref name="sig"/> follow the guest's <paramref name="act"/>.</summary>
    public static void Mirror(int sig, in KernelSigaction act)
    {
        if (!Relayed(sig)) return;
        lock (gate)
        {
            byte* buf = stackalloc byte[SizeofSigaction];
            if (original[sig] == null)
            {
                if (act.Handler == SignalState.SIG_DFL) return; // never changed: nothing to restore
                var save = new byte[SizeofSigaction];
                fixed (byte* p = save) sigaction(sig, null, p);
                original[sig] = save;
            }
            if (act.Handler == SignalState.SIG_DFL)
            {
                fixed (byte* p = original[sig]) sigaction(sig, p, null);
                return;
            }
            new Span<byte>(buf, SizeofSigaction).Clear();
            if (act.Handler == SignalState.SIG_IGN) *(nint*)buf = 1;
            else
            {
                *(nint*)buf = Relay();
                // The relay runs with every relayed signal blocked, so it never nests with itself.
                for (int s = 1; s <= 64; s++)
                    if (Relayed(s)) ((ulong*)(buf + MaskOffset))[0] |= SignalState.Bit(s);
                *(int*)(buf + FlagsOffset) = HostSA_SIGINFO | HostSA_ONSTACK
                    | ((act.Flags & SignalState.SA_RESTART) != 0 ? HostSA_RESTART : 0);
            }
            sigaction(sig, buf, null);
        }
    }

    /// <summary>The native relay, assembled on first use:
    /// <c>relay(int sig, siginfo_t* info, void* uc)</c> copies *info to infos[sig], sets bit sig-1 of
    /// the pending word and sets the attention word.</summary>
    static nint Relay()
    {
        if (relay != 0) return relay;
        var a = new Assembler(64);
        a.mov(eax, edi);
        a.mov(edx, eax);
        a.shl(rdx, 7);
        a.mov(rdi, (ulong)infos);
        a.add(rdi, rdx);
        a.mov(ecx, 16);
        a.rep.movsq();
        a.dec(eax);
        a.mov(rdx, (ulong)pending);
        a.@lock.bts(__qword_ptr[rdx], rax);
        a.mov(rdx, (ulong)Attention);
        a.mov(__dword_ptr[rdx], 1);
        a.ret();
        var ms = new MemoryStream();
        byte* p = (byte*)Native.mmap(null, 4096, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS, -1, 0);
        a.Assemble(new StreamCodeWriter(ms), (ulong)p);
        ms.ToArray().CopyTo(new Span<byte>(p, 4096));
        Native.mprotect(p, 4096, Native.PROT_READ | Native.PROT_EXEC);
        return relay = (nint)p;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sigaction(int sig, byte* act, byte* old);
}
