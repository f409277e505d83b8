using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Process;

/// <summary>
/// futex(2), forwarded to the host kernel on the very same words: guest memory is host memory, and
/// guest threads are host threads, so waiting, waking, requeueing and FUTEX_WAKE_OP's atomic update
/// need no emulation. Only the addresses are translated (uaddr, uaddr2, and the timeout for the
/// waiting operations); the value arguments pass through. A relayed signal interrupts a wait with
/// EINTR, as on Linux.
/// </summary>
public static unsafe class FutexCalls
{
    const int WAIT = 0, WAKE = 1, FD = 2, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5, LOCK_PI = 6, UNLOCK_PI = 7,
        TRYLOCK_PI = 8, WAIT_BITSET = 9, WAKE_BITSET = 10, WAIT_REQUEUE_PI = 11, CMP_REQUEUE_PI = 12, LOCK_PI2 = 13;
    const int PRIVATE = 128, CLOCK_REALTIME = 256;

    public static long Futex(Kernel k, in SysArgs a)
    {
        int op = a.I(1) & ~(PRIVATE | CLOCK_REALTIME);
        if ((a.A0 & 3) != 0) return -Errno.EINVAL;
        long uaddr = (long)Guest.In(a.A0, 4);
        long arg4 = (long)a.A3, uaddr2 = (long)a.A4;
        switch (op)
        {
            case WAIT: case WAIT_BITSET: case LOCK_PI: case LOCK_PI2: case WAIT_REQUEUE_PI:
                if (a.A3 != 0) arg4 = (long)Guest.In(a.A3, 16); // the timeout
                break;
            case WAKE: case WAKE_BITSET: case UNLOCK_PI: case TRYLOCK_PI:
                break;
            case REQUEUE: case CMP_REQUEUE: case WAKE_OP: case CMP_REQUEUE_PI:
                break;
            default:
                return -Errno.ENOSYS;
        }
        if (op is REQUEUE or CMP_REQUEUE or WAKE_OP or CMP_REQUEUE_PI or WAIT_REQUEUE_PI)
        {
            if ((a.A4 & 3) != 0) return -Errno.EINVAL;
            uaddr2 = (long)(op == WAKE_OP ? Guest.Out(a.A4, 4) : Guest.In(a.A4, 4));
        }
        if (op is LOCK_PI or UNLOCK_PI or TRYLOCK_PI or LOCK_PI2) GuestMemory.PrepareWrite(a.A0, 4);
        return Native.Sys(202, uaddr, a.I(1), (long)a.A2, arg4, uaddr2, (long)a.A5);
    }
}
