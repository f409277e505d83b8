using UniJit.Syscalls.Fs;
using UniJit.Syscalls.Memory;
using UniJit.Syscalls.Net;
using UniJit.Syscalls.Process;
using UniJit.Syscalls.Signals;
using static UniJit.Syscalls.Table.Arg;
using H = UniJit.Syscalls.Table.SyscallHandler;

namespace UniJit.Syscalls.Table;

/// <summary>
/// The system call table: one row per call with its number, name, handler (null: forwarded to the
/// host with arguments translated by kind, see <see cref="Forwarder"/>) and the argument kinds that
/// --strace prints. A number with no row is ENOSYS, named by strace and --warn-unimplemented.
/// </summary>
public static class SyscallTable
{
    // Rows without arguments share one empty array: for an empty params list the compiler calls
    // Array.Empty<Arg>(), a CoreLib instantiation JIT-compiled at every start.
    static readonly Arg[] none = new Arg[0];
    static SyscallRow R(int nr, H? handler) => new(nr, Nr.Name(nr)!, handler, none);
    static SyscallRow R(int nr, H? handler, Ret ret) => new(nr, Nr.Name(nr)!, handler, none, ret);
    static SyscallRow Stub(int nr) => new(nr, Nr.Name(nr)!, ProcessCalls.NotYet, none) { Stub = true };
    static SyscallRow NewFd(int nr, int cloexecArg, ulong bit) => new(nr, Nr.Name(nr)!, null, none, Ret.NewFd, cloexecArg, bit);
    static SyscallRow R(int nr, H? handler, params Arg[] args) => new(nr, Nr.Name(nr)!, handler, args);
    static SyscallRow R(int nr, H? handler, Ret ret, params Arg[] args) => new(nr, Nr.Name(nr)!, handler, args, ret);
    static SyscallRow Stub(int nr, params Arg[] args) => new(nr, Nr.Name(nr)!, ProcessCalls.NotYet, args) { Stub = true };
    static SyscallRow NewFd(int nr, int cloexecArg, ulong bit, params Arg[] args) => new(nr, Nr.Name(nr)!, null, args, Ret.NewFd, cloexecArg, bit);

    // System.IO.Path would otherwise shadow the imported Arg.Path.
    static Arg Path => Arg.Path;

    const int Stat = 144, Timespec = 16, Timeval = 16, Statx = 256, Statfs = 120, Rlimit = 16, Sigaction = 32, Sysinfo = 112,
        Rusage = 144, Tms = 32, Itimerspec = 32, EpollEvent = 12, Flock = 32;

    public static readonly SyscallRow[] Rows =
    [
        // Fs: reading and writing
        R(Nr.read, null, Fd, Out(2), ULong),
        R(Nr.write, null, Fd, In(2), ULong),
        R(Nr.pread64, null, Fd, Out(2), ULong, Long),
        R(Nr.pwrite64, null, Fd, In(2), ULong, Long),
        R(Nr.readv, VectorIo.Readv, Fd, IovOut(2), Int),
        R(Nr.writev, VectorIo.Writev, Fd, IovIn(2), Int),
        R(Nr.preadv, VectorIo.Readv, Fd, IovOut(2), Int, Long, Long),
        R(Nr.pwritev, VectorIo.Writev, Fd, IovIn(2), Int, Long, Long),
        R(Nr.preadv2, VectorIo.Readv, Fd, IovOut(2), Int, Long, Long, Hex),
        R(Nr.pwritev2, VectorIo.Writev, Fd, IovIn(2), Int, Long, Long, Hex),
        R(Nr.lseek, null, Fd, Long, Whence),
        R(Nr.sendfile, null, Fd, Fd, OutS(8), ULong),
        R(Nr.copy_file_range, null, Fd, OutS(8), Fd, OutS(8), ULong, Hex),
        R(Nr.splice, null, Fd, OutS(8), Fd, OutS(8), ULong, Hex),
        R(Nr.tee, null, Fd, Fd, ULong, Hex),
        R(Nr.fadvise64, null, Fd, Long, Long, Int),
        R(Nr.fallocate, null, Fd, Int, Long, Long),
        R(Nr.readahead, null, Fd, Long, ULong),

        // Fs: opening, closing, descriptors
        R(Nr.open, FileCalls.Open, Path, OpenFlags, OpenMode),
        R(Nr.openat, FileCalls.OpenAt, DirFd, Path, OpenFlags, OpenMode),
        R(Nr.creat, FileCalls.Creat, Path, Oct),
        R(Nr.close, FileCalls.Close, Fd),
        R(Nr.dup, DescriptorCalls.Dup, Fd),
        R(Nr.dup2, DescriptorCalls.Dup2, Fd, Int),
        R(Nr.dup3, DescriptorCalls.Dup3, Fd, Int, FdFlags),
        R(Nr.pipe, DescriptorCalls.Pipe, FdPair),
        R(Nr.pipe2, DescriptorCalls.Pipe2, FdPair, FdFlags),
        R(Nr.fcntl, DescriptorCalls.Fcntl, Ret.Fcntl, Fd, FcntlCmd, FcntlArg),
        R(Nr.ioctl, DescriptorCalls.Ioctl, Fd, Ioctl, Ptr),
        R(Nr.flock, null, Fd, Int),
        R(Nr.poll, PollCalls.Poll, Ret.Poll, PollFds(1), ULong, Int),
        R(Nr.ppoll, PollCalls.PPoll, Ret.Poll, PollFds(1), ULong, InTime, SigSet, ULong),
        R(Nr.select, PollCalls.Select, Int, Ptr, Ptr, Ptr, Ptr),
        R(Nr.pselect6, PollCalls.PSelect6, Int, Ptr, Ptr, Ptr, Ptr, Ptr),
        NewFd(Nr.memfd_create, 1, 1 /* MFD_CLOEXEC */, Str, Hex),
        NewFd(Nr.eventfd, -1, 0, ULong),
        NewFd(Nr.eventfd2, 1, 0x80000, ULong, Hex),
        NewFd(Nr.epoll_create, -1, 0, Int),
        NewFd(Nr.epoll_create1, 0, 0x80000, Hex),
        R(Nr.epoll_ctl, null, Fd, Int, Fd, InS(EpollEvent)),
        R(Nr.epoll_wait, null, Fd, Ptr, Int, Int),
        R(Nr.epoll_pwait, null, Fd, Ptr, Int, Int, SigSet, ULong),
        NewFd(Nr.timerfd_create, 1, 0x80000, ClockId, Hex),
        R(Nr.timerfd_settime, null, Fd, Hex, InS(Itimerspec), OutS(Itimerspec)),
        R(Nr.timerfd_gettime, null, Fd, OutS(Itimerspec)),
        NewFd(Nr.inotify_init, -1, 0),
        NewFd(Nr.inotify_init1, 0, 0x80000, Hex),
        R(Nr.inotify_add_watch, null, Fd, Path, Hex),
        R(Nr.inotify_rm_watch, null, Fd, Int),

        // Fs: metadata
        R(Nr.stat, null, Path, StatBuf),
        R(Nr.fstat, null, Fd, StatBuf),
        R(Nr.lstat, null, LPath, StatBuf),
        R(Nr.newfstatat, null, DirFd, Path, StatBuf, AtFlags),
        R(Nr.statx, null, DirFd, Path, AtFlags, Hex, OutS(Statx)),
        R(Nr.statfs, null, Path, OutS(Statfs)),
        R(Nr.fstatfs, null, Fd, OutS(Statfs)),
        R(Nr.access, null, Path, AccessMode),
        R(Nr.faccessat, null, DirFd, Path, AccessMode),
        R(Nr.faccessat2, null, DirFd, Path, AccessMode, AtFlags),
        R(Nr.readlink, FileCalls.ReadLink, LPath, Out(2), ULong),
        R(Nr.readlinkat, FileCalls.ReadLinkAt, DirFd, LPath, Out(3), ULong),
        R(Nr.chmod, null, Path, Oct),
        R(Nr.fchmod, null, Fd, Oct),
        R(Nr.fchmodat, null, DirFd, Path, Oct),
        R(Nr.chown, null, Path, Int, Int),
        R(Nr.fchown, null, Fd, Int, Int),
        R(Nr.lchown, null, LPath, Int, Int),
        R(Nr.fchownat, null, DirFd, Path, Int, Int, AtFlags),
        R(Nr.truncate, null, Path, Long),
        R(Nr.ftruncate, null, Fd, Long),
        R(Nr.fsync, null, Fd),
        R(Nr.fdatasync, null, Fd),
        R(Nr.sync, null),
        R(Nr.syncfs, null, Fd),
        R(Nr.sync_file_range, null, Fd, Long, Long, Hex),
        R(Nr.utime, null, Path, InS(16)),
        R(Nr.utimes, null, Path, InS(2 * Timeval)),
        R(Nr.utimensat, null, DirFd, Path, InS(2 * Timespec), AtFlags),
        R(Nr.futimesat, null, DirFd, Path, InS(2 * Timeval)),
        R(Nr.umask, null, Ret.Oct, Oct),
        R(Nr.getxattr, null, Path, Str, Out(3), ULong),
        R(Nr.lgetxattr, null, LPath, Str, Out(3), ULong),
        R(Nr.fgetxattr, null, Fd, Str, Out(3), ULong),
        R(Nr.listxattr, null, Path, Out(2), ULong),
        R(Nr.llistxattr, null, LPath, Out(2), ULong),
        R(Nr.flistxattr, null, Fd, Out(2), ULong),
        R(Nr.setxattr, null, Path, Str, In(3), ULong, Hex),
        R(Nr.lsetxattr, null, LPath, Str, In(3), ULong, Hex),
        R(Nr.fsetxattr, null, Fd, Str, In(3), ULong, Hex),

        // Fs: directories and names
        R(Nr.getdents, null, Fd, Dirents, ULong),
        R(Nr.getdents64, null, Fd, Dirents, ULong),
        R(Nr.getcwd, FileCalls.GetCwd, OutStr, ULong),
        R(Nr.chdir, FileCalls.Chdir, Path),
        R(Nr.fchdir, null, Fd),
        R(Nr.mkdir, null, Path, Oct),
        R(Nr.mkdirat, null, DirFd, Path, Oct),
        R(Nr.rmdir, null, LPath),
        R(Nr.unlink, null, LPath),
        R(Nr.unlinkat, null, DirFd, LPath, AtFlags),
        R(Nr.rename, null, LPath, LPath),
        R(Nr.renameat, null, DirFd, LPath, DirFd, LPath),
        R(Nr.renameat2, null, DirFd, LPath, DirFd, LPath, Hex),
        R(Nr.link, null, LPath, LPath),
        R(Nr.linkat, null, DirFd, LPath, DirFd, LPath, AtFlags),
        R(Nr.symlink, null, Str, LPath),
        R(Nr.symlinkat, null, Str, DirFd, LPath),
        R(Nr.mknod, null, Path, Oct, Hex),
        R(Nr.mknodat, null, DirFd, Path, Oct, Hex),

        // Memory
        R(Nr.mmap, MemoryCalls.Mmap, Ret.Hex, Addr, ULong, MmapProt, MmapFlags, Int, Hex),
        R(Nr.munmap, MemoryCalls.Munmap, Addr, ULong),
        R(Nr.mprotect, MemoryCalls.Mprotect, Addr, ULong, MmapProt),
        R(Nr.mremap, MemoryCalls.Mremap, Ret.Hex, Addr, ULong, ULong, MremapFlags, MremapAddr),
        R(Nr.brk, MemoryCalls.Brk, Ret.Hex, Addr),
        R(Nr.madvise, MemoryCalls.Madvise, Addr, ULong, Madvise),
        R(Nr.msync, MemoryCalls.Msync, Addr, ULong, MsyncFlags),
        R(Nr.mincore, MemoryCalls.Mincore, Addr, ULong, Ptr),
        R(Nr.mlock, MemoryCalls.RangeCall, Addr, ULong),
        R(Nr.munlock, MemoryCalls.RangeCall, Addr, ULong),
        R(Nr.mlock2, MemoryCalls.RangeCall, Addr, ULong, Hex),

        // Process
        R(Nr.exit, ProcessCalls.Exit, Ret.None, Int),
        R(Nr.exit_group, ProcessCalls.ExitGroup, Ret.None, Int),
        R(Nr.getpid, null),
        R(Nr.getppid, null),
        R(Nr.gettid, ProcessCalls.GetTid),
        R(Nr.getuid, null),
        R(Nr.geteuid, null),
        R(Nr.getgid, null),
        R(Nr.getegid, null),
        R(Nr.getresuid, null, OutS(4), OutS(4), OutS(4)),
        R(Nr.getresgid, null, OutS(4), OutS(4), OutS(4)),
        R(Nr.getgroups, null, Int, Ptr),
        R(Nr.setuid, null, Int),
        R(Nr.setgid, null, Int),
        R(Nr.setreuid, null, Int, Int),
        R(Nr.setregid, null, Int, Int),
        R(Nr.setresuid, null, Int, Int, Int),
        R(Nr.setresgid, null, Int, Int, Int),
        R(Nr.setfsuid, null, Int),
        R(Nr.setfsgid, null, Int),
        R(Nr.getpgid, null, Int),
        R(Nr.setpgid, null, Int, Int),
        R(Nr.getpgrp, null),
        R(Nr.getsid, null, Int),
        R(Nr.setsid, null),
        R(Nr.uname, null, Utsname),
        R(Nr.sethostname, null, In(1), ULong),
        R(Nr.arch_prctl, ProcessCalls.ArchPrctl, ArchPrctl, ArchAddr),
        R(Nr.set_tid_address, ProcessCalls.SetTidAddress, Addr),
        R(Nr.set_robust_list, ProcessCalls.SetRobustList, Addr, ULong),
        R(Nr.get_robust_list, ProcessCalls.GetRobustList, Int, Ptr, Ptr),
        R(Nr.rseq, ProcessCalls.Rseq, Addr, Hex, Hex, Hex),
        R(Nr.prlimit64, ProcessCalls.Prlimit64, Int, Resource, RlimitIn, RlimitOut),
        R(Nr.getrlimit, ProcessCalls.GetRlimit, Resource, RlimitOut),
        R(Nr.setrlimit, ProcessCalls.SetRlimit, Resource, RlimitIn),
        R(Nr.getrusage, null, Int, OutS(Rusage)),
        R(Nr.times, null, OutS(Tms)),
        R(Nr.sysinfo, null, OutS(Sysinfo)),
        R(Nr.personality, ProcessCalls.Personality, Hex),
        R(Nr.prctl, ProcessCalls.Prctl, Int, Hex, Hex, Hex, Hex),
        R(Nr.getrandom, null, OutHex(1), ULong, GrndFlags),
        R(Nr.sched_yield, null),
        R(Nr.sched_getaffinity, null, Int, ULong, Ptr),
        R(Nr.sched_setaffinity, null, Int, ULong, Ptr),
        R(Nr.sched_getscheduler, null, Int),
        R(Nr.sched_getparam, null, Int, OutS(4)),
        R(Nr.sched_get_priority_max, null, Int),
        R(Nr.sched_get_priority_min, null, Int),
        R(Nr.getpriority, null, Int, Int),
        R(Nr.setpriority, null, Int, Int, Int),
        R(Nr.getcpu, null, OutS(4), OutS(4), Ptr),
        R(Nr.futex, FutexCalls.Futex, Addr, FutexOp, Int, FutexTimeout, FutexAddr2, FutexVal3),
        R(Nr.wait4, ExecCalls.Wait4, Int, Ptr, Hex, Ptr),
        R(Nr.waitid, null, Int, Int, Ptr, Hex, Ptr),
        R(Nr.capget, null, Ptr, Ptr),

        // Signals
        R(Nr.rt_sigaction, SignalCalls.RtSigaction, Signal, SigactionIn, SigactionOut, ULong),
        R(Nr.rt_sigprocmask, SignalCalls.RtSigprocmask, SigHow, SigSet, SigSetOut, ULong),
        R(Nr.rt_sigpending, SignalCalls.RtSigpending, Ptr, ULong),
        R(Nr.sigaltstack, SignalCalls.Sigaltstack, Ptr, Ptr),
        R(Nr.kill, SignalCalls.Kill, Int, Signal),
        R(Nr.tgkill, SignalCalls.Tgkill, Int, Int, Signal),
        R(Nr.tkill, SignalCalls.Tkill, Int, Signal),
        R(Nr.rt_sigreturn, SignalCalls.RtSigreturn),
        R(Nr.rt_sigsuspend, SignalCalls.RtSigsuspend, SigSet, ULong),
        R(Nr.rt_sigtimedwait, SignalCalls.RtSigtimedwait, SigSet, Ptr, InTime, ULong),
        R(Nr.pause, SignalCalls.Pause),
        R(Nr.alarm, null, Int),
        R(Nr.setitimer, null, Int, InS(32), OutS(32)),
        R(Nr.getitimer, null, Int, OutS(32)),

        // Time
        R(Nr.clock_gettime, null, ClockId, OutTime),
        R(Nr.clock_getres, null, ClockId, OutTime),
        R(Nr.clock_settime, null, ClockId, InTime),
        R(Nr.gettimeofday, null, OutS(Timeval), OutS(8)),
        R(Nr.time, null, Ret.Time, OutS(8)),
        R(Nr.nanosleep, null, InTime, OutTime),
        R(Nr.clock_nanosleep, null, ClockId, Hex, InTime, OutTime),

        // Net
        NewFd(Nr.socket, 1, 0x80000, SockDomain, SockType, Int),
        R(Nr.socketpair, DescriptorCalls.SocketPair, SockDomain, SockType, Int, FdPair),
        R(Nr.bind, null, Fd, In(2), Int),
        R(Nr.connect, null, Fd, In(2), Int),
        R(Nr.listen, null, Fd, Int),
        NewFd(Nr.accept, -1, 0, Fd, Ptr, Ptr),
        NewFd(Nr.accept4, 3, 0x80000, Fd, Ptr, Ptr, Hex),
        R(Nr.getsockname, null, Fd, Ptr, Ptr),
        R(Nr.getpeername, null, Fd, Ptr, Ptr),
        R(Nr.sendto, null, Fd, In(2), ULong, Hex, Ptr, Int),
        R(Nr.recvfrom, null, Fd, Out(2), ULong, Hex, Ptr, Ptr),
        R(Nr.sendmsg, MessageCalls.SendMsg, Fd, Ptr, Hex),
        R(Nr.recvmsg, MessageCalls.RecvMsg, Fd, Ptr, Hex),
        R(Nr.setsockopt, null, Fd, Int, Int, In(4), Int),
        R(Nr.getsockopt, null, Fd, Int, Int, Ptr, Ptr),
        R(Nr.shutdown, null, Fd, Int),

        R(Nr.vfork, ExecCalls.Vfork),
        R(Nr.clone, ExecCalls.Clone, Hex, Addr, Addr, Addr, Hex),
        R(Nr.execve, ExecCalls.Execve, Path, Ptr, Ptr),

        // Not yet: fork, threads. Named rows so that strace shows the arguments.
        R(Nr.fork, ForkCalls.Fork),
        Stub(Nr.clone3, Ptr, ULong),
        Stub(Nr.execveat, DirFd, Path, Ptr, Ptr, AtFlags),
    ];

    /// <summary>The rows indexed by call number (null: no row, ENOSYS).</summary>
    public static readonly SyscallRow?[] ByNumber = Index();

    static SyscallRow?[] Index()
    {
        var t = new SyscallRow?[512];
        foreach (var r in Rows)
        {
            if (t[r.Nr] != null) throw new InvalidOperationException($"syscall {r.Nr} ({r.Name}) has two rows");
            t[r.Nr] = r;
        }
        return t;
    }
}
