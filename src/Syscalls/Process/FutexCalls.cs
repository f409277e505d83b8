using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Process;

/// <summary>
/// futex(2) for a single-threaded guest. With one thread nobody can wake a waiter, so FUTEX_WAIT
/// whose value matches either sleeps out its timeout (-ETIMEDOUT, as the kernel would) or, with no
/// timeout, returns -EAGAIN instead of hanging forever (the caller's loop re-checks its condition).
/// Wakes find no waiters (0). FUTEX_WAKE_OP still performs its operation on the second word, and
/// FUTEX_CMP_REQUEUE still compares. Real blocking arrives with threads (clone).
/// </summary>
public static unsafe class FutexCalls
{
    const int WAIT = 0, WAKE = 1, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5, WAIT_BITSET = 9, WAKE_BITSET = 10;
    const int PRIVATE = 128, CLOCK_REALTIME = 256;

    public static long Futex(Kernel k, in SysArgs a)
    {
        int op = a.I(1) & ~(PRIVATE | CLOCK_REALTIME);
        ulong uaddr = a.A0;
        if ((uaddr & 3) != 0) return -Errno.EINVAL;
        switch (op)
        {
            case WAIT:
            case WAIT_BITSET:
            {
                if (op == WAIT_BITSET && (uint)a.A5 == 0) return -Errno.EINVAL;
                uint cur = Guest.Read<uint>(uaddr);
                if (cur != (uint)a.A2) return -Errno.EAGAIN;
                if (a.A3 == 0) return -Errno.EAGAIN;
                long sec = Guest.Read<long>(a.A3), nsec = Guest.Read<long>(a.A3 + 8);
                if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000) return -Errno.EINVAL;
                long* ts = stackalloc long[2];
                ts[0] = sec; ts[1] = nsec;
                // FUTEX_WAIT's timeout is relative (CLOCK_MONOTONIC); FUTEX_WAIT_BITSET's is absolute.
                int clock = (a.I(1) & CLOCK_REALTIME) != 0 ? 0 : 1;
                Native.Sys(230 /* clock_nanosleep */, clock, op == WAIT_BITSET ? 1 /* TIMER_ABSTIME */ : 0, (long)ts, 0);
                return -Errno.ETIMEDOUT;
            }
            case WAKE:
            case WAKE_BITSET:
                return op == WAKE_BITSET && (uint)a.A5 == 0 ? -Errno.EINVAL : 0;
            case REQUEUE:
                return 0;
            case CMP_REQUEUE:
                return Guest.Read<uint>(uaddr) != (uint)a.A5 ? -Errno.EAGAIN : 0;
            case WAKE_OP:
                WakeOp(a.A4, (uint)a.A5);
                return 0;
            default:
                return -Errno.ENOSYS;
        }
    }

    /// <summary>FUTEX_WAKE_OP's atomic update of *uaddr2 (futex(2): op, cmp, oparg, cmparg packed in val3).</summary>
    static void WakeOp(ulong uaddr2, uint val3)
    {
        int op = (int)(val3 >> 28) & 7;
        bool shift = (val3 & 0x80000000) != 0;
        int oparg = (int)((val3 >> 12) & 0xFFF);
        if ((oparg & 0x800) != 0) oparg |= unchecked((int)0xFFFFF000);
        if (shift) oparg = 1 << (oparg & 31);
        int* p = (int*)Guest.Out(uaddr2, 4);
        int old, nv;
        do
        {
            old = *p;
            nv = op switch { 0 => oparg, 1 => old + oparg, 2 => old | oparg, 3 => old & ~oparg, 4 => old ^ oparg, _ => old };
        } while (Interlocked.CompareExchange(ref *p, nv, old) != old);
    }
}
