using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Process;

/// <summary>Process and thread identity, exit, TLS (arch_prctl), resource limits, personality, prctl.</summary>
public static unsafe class ProcessCalls
{
    /// <summary>exit(2) ends the calling thread (the process ends with its last thread), unless it is a vfork child.</summary>
    public static long Exit(Kernel k, in SysArgs a)
    {
        if (ExecCalls.ChildExit(k, a.Cpu, a.I(0))) return (long)a.Cpu.S->Gpr[0];
        ClearChildTid(a.Cpu);
        throw new GuestExitException(a.I(0) & 0xFF, threadOnly: true);
    }

    public static long ExitGroup(Kernel k, in SysArgs a) =>
        ExecCalls.ChildExit(k, a.Cpu, a.I(0)) ? (long)a.Cpu.S->Gpr[0] : throw new GuestExitException(a.I(0) & 0xFF);

    /// <summary>CLONE_CHILD_CLEARTID / set_tid_address: at thread exit the kernel zeroes the word and
    /// wakes one futex waiter on it (pthread_join waits there). Guest memory is host memory, so the
    /// host futex does the waking.</summary>
    static void ClearChildTid(Runtime.State.Cpu cpu)
    {
        ulong p = cpu.ClearChildTid;
        if (p == 0 || !GuestMemory.Check(p, 4, GuestMemory.PermWrite)) return;
        Volatile.Write(ref *(int*)GuestMemory.Host(p), 0);
        Native.Sys(202 /* futex */, (long)GuestMemory.Host(p), 1 /* FUTEX_WAKE */, 1);
    }

    public static long GetTid(Kernel k, in SysArgs a) => a.Cpu.Tid;

    public static long SetTidAddress(Kernel k, in SysArgs a)
    {
        a.Cpu.ClearChildTid = a.A0;
        return a.Cpu.Tid;
    }

    /// <summary>The robust-futex list head is recorded; it matters only when threads die holding locks.</summary>
    public static long SetRobustList(Kernel k, in SysArgs a) => a.A1 != 24 ? -Errno.EINVAL : 0;

    public static long GetRobustList(Kernel k, in SysArgs a) => -Errno.ENOSYS;

    public static long Rseq(Kernel k, in SysArgs a) => -Errno.ENOSYS;

    const int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;

    public static long ArchPrctl(Kernel k, in SysArgs a)
    {
        var s = a.Cpu.S;
        switch (a.I(0))
        {
            case ARCH_SET_FS:
                if (a.A1 >= 0x8000_0000_0000) return -Errno.EPERM;
                s->FsBase = a.A1; return 0;
            case ARCH_SET_GS:
                if (a.A1 >= 0x8000_0000_0000) return -Errno.EPERM;
                s->GsBase = a.A1; return 0;
            case ARCH_GET_FS: Guest.Write(a.A1, s->FsBase); return 0;
            case ARCH_GET_GS: Guest.Write(a.A1, s->GsBase); return 0;
            default: return -Errno.EINVAL; // includes CET (0x3001..), which glibc probes
        }
    }

    public static long Prlimit64(Kernel k, in SysArgs a)
    {
        int pid = a.I(0);
        if (pid != 0 && pid != Environment.ProcessId) return -Errno.ESRCH;
        return Rlimit(k, a.I(1), a.A2, a.A3);
    }

    public static long GetRlimit(Kernel k, in SysArgs a) => Rlimit(k, a.I(0), 0, a.A1);
    public static long SetRlimit(Kernel k, in SysArgs a) => Rlimit(k, a.I(0), a.A1, 0);

    /// <summary>Reads and sets the guest's limits; the host's own limits are never changed (they bound the runtime too).</summary>
    static long Rlimit(Kernel k, int res, ulong newAddr, ulong oldAddr)
    {
        if (res < 0 || res >= Limits.RLIM_NLIMITS) return -Errno.EINVAL;
        ulong nc = 0, nm = 0;
        if (newAddr != 0) { nc = Guest.Read<ulong>(newAddr); nm = Guest.Read<ulong>(newAddr + 8); }
        if (oldAddr != 0)
        {
            var (c, m) = k.Limits.Get(res);
            Guest.Write(oldAddr, c);
            Guest.Write(oldAddr + 8, m);
        }
        return newAddr != 0 ? k.Limits.Set(res, nc, nm) : 0;
    }

    public static long Personality(Kernel k, in SysArgs a)
    {
        long old = k.Personality;
        if ((uint)a.A0 != 0xFFFFFFFF) k.Personality = (uint)a.A0;
        return old;
    }

    public static long Prctl(Kernel k, in SysArgs a)
    {
        switch (a.I(0))
        {
            case 15: /* PR_SET_NAME */
                k.ThreadName = Guest.CStr(a.A1, 1 << 20).Take(15).ToArray();
                return 0;
            case 16: /* PR_GET_NAME */
            {
                var name = new byte[16];
                k.ThreadName.CopyTo(name, 0);
                Guest.WriteBytes(a.A1, name);
                return 0;
            }
            case 1: /* PR_SET_PDEATHSIG */ k.PdeathSig = a.I(1); return 0;
            case 2: /* PR_GET_PDEATHSIG */ Guest.Write(a.A1, k.PdeathSig); return 0;
            case 3: /* PR_GET_DUMPABLE */ return 1;
            case 4: /* PR_SET_DUMPABLE */ return a.A1 <= 1 ? 0 : -Errno.EINVAL;
            case 23: /* PR_CAPBSET_READ */ return Native.Sys(157, 23, (long)a.A1);
            case 38: /* PR_SET_NO_NEW_PRIVS */ return a.A1 == 1 ? 0 : -Errno.EINVAL;
            case 39: /* PR_GET_NO_NEW_PRIVS */ return 0;
            default: return -Errno.EINVAL;
        }
    }

    /// <summary>wait4/waitid: there are no child processes yet (fork comes later).</summary>
    public static long NoChildren(Kernel k, in SysArgs a) => -Errno.ECHILD;

    public static long NotYet(Kernel k, in SysArgs a) => -Errno.ENOSYS;
}
