using System.Text;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;
using UniJit.Syscalls;
using UniJit.Syscalls.Strace;
using static UniJit.Syscalls.Nr;

namespace UniJit.Tests.Syscalls;

/// <summary>--strace output, checked against lines real strace 6.1 prints for the same calls.</summary>
[Collection("Guest")]
public sealed unsafe class StraceTests : IDisposable
{
    readonly int readFd, writeFd;
    readonly SyscallFixture f;

    public StraceTests()
    {
        int* p = stackalloc int[2];
        Assert.Equal(0, Native.Sys(293, (long)p, 0x80000 | 0x800));
        readFd = p[0]; writeFd = p[1];
        f = new SyscallFixture(new RunOptions { Strace = true }, diagFd: writeFd);
    }

    public void Dispose()
    {
        f.Dispose();
        Native.Sys(3, readFd);
        Native.Sys(3, writeFd);
    }

    string Lines()
    {
        var buf = new byte[65536];
        fixed (byte* b = buf)
        {
            long n = Native.Sys(0, readFd, (long)b, buf.Length);
            return n <= 0 ? "" : Encoding.UTF8.GetString(buf, 0, (int)n);
        }
    }

    [Fact]
    public void OpenatWithFlagsAndErrno()
    {
        f.Call(openat, unchecked((ulong)-100L), f.Str("/nonexistent/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 0x80000UL);
        f.Call(openat, unchecked((ulong)-100L), f.Str("/dev/null"), 0x241UL | 0x400, 0x1a4UL);
        Assert.Equal(
            "openat(AT_FDCWD, \"/nonexistent/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)\n" +
            "openat(AT_FDCWD, \"/dev/null\", O_WRONLY|O_CREAT|O_TRUNC|O_APPEND, 0644) = 3\n", Lines());
    }

    [Fact]
    public void BuffersAreQuotedEscapedAndCut()
    {
        ulong fds = f.Alloc(8);
        f.Call(pipe2, fds, 0UL);
        Lines();
        int w = f.Read<int>(fds + 4);
        ulong b1 = f.Alloc(16);
        GuestMemory.WriteBytes(b1, [1, 0x7f, (byte)'a', (byte)'b', (byte)'\n', (byte)'\t', (byte)'"', (byte)'\\', 0xc3, 0xa9, (byte)'1', 1, (byte)'2', 0, (byte)'3', 0]);
        f.Call(write, (ulong)w, b1, 16UL);
        f.Call(write, (ulong)w, f.Str("0123456789012345678901234567890123456789"), 40UL);
        f.Call(read, 55UL, 0x5000_0000UL, 10UL);
        Assert.Equal(
            "write(4, \"\\1\\177ab\\n\\t\\\"\\\\\\303\\2511\\0012\\0003\\0\", 16) = 16\n" +
            "write(4, \"01234567890123456789012345678901\"..., 40) = 40\n" +
            "read(55, 0x50000000, 10)                = -1 EBADF (Bad file descriptor)\n", Lines());
    }

    [Fact]
    public void MemoryAndPaddingToColumn40()
    {
        long a = f.Call(mmap, 0UL, 8192UL, 3UL, 0x22UL, ulong.MaxValue, 0UL);
        f.Call(mprotect, (ulong)a, 4096UL, 0UL);
        f.Call(munmap, (ulong)a, 8192UL);
        Assert.Equal(
            $"mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x{a:x}\n" +
            $"mprotect(0x{a:x}, 4096, PROT_NONE) = 0\n" +
            $"munmap(0x{a:x}, 8192)".PadRight(40) + "= 0\n", Lines());
    }

    [Fact]
    public void ControlCallsPrintSymbolically()
    {
        ulong set = f.Alloc(8);
        f.Write(set, 1UL << 9);
        f.Call(rt_sigprocmask, 0UL, set, 0UL, 8UL);
        f.Call(fcntl, 1UL, 1030UL, 10UL);
        f.Call(fcntl, 1UL, 3UL);
        f.Call(umask, 0x12UL);
        f.Call(access, f.Str("/etc"), 6UL);
        f.Call(arch_prctl, 0x3001UL, 0x1234UL);
        f.Call(999, 1UL, 2UL, 3UL, 4UL, 5UL, 6UL);
        f.Call(kexec_load, 0UL);
        string[] lines = Lines().Split('\n');
        Assert.Equal("rt_sigprocmask(SIG_BLOCK, [USR1], NULL, 8) = 0", lines[0]);
        Assert.Equal("fcntl(1, F_DUPFD_CLOEXEC, 10)".PadRight(40) + "= 10", lines[1]);
        Assert.StartsWith("fcntl(1, F_GETFL)".PadRight(40) + "= ", lines[2]);
        Assert.Matches(@"^umask\(022\) +=", lines[3]);
        Assert.StartsWith("access(\"/etc\", R_OK|W_OK)".PadRight(40) + "= ", lines[4]);
        Assert.Equal("arch_prctl(0x3001 /* ARCH_??? */, 0x1234)"  + " = -1 EINVAL (Invalid argument)", lines[5]);
        Assert.Equal("syscall_999(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)", lines[6]);
        Assert.Equal("kexec_load(0, 0, 0, 0, 0, 0)".PadRight(40) + "= -1 ENOSYS (Function not implemented)", lines[7]);
    }

    [Fact]
    public void StructsArePrintedAsStraceDoes()
    {
        ulong fds = f.Alloc(8);
        f.Call(pipe2, fds, 0x80000UL);
        int w = f.Read<int>(fds + 4);
        ulong iov = f.Alloc(32);
        f.Write(iov, f.Str("ab")); f.Write(iov + 8, 2UL);
        f.Write(iov + 16, f.Str("cdef")); f.Write(iov + 24, 4UL);
        f.Call(writev, (ulong)w, iov, 2UL);
        ulong st = f.Alloc(144);
        f.Call(stat, f.Str("/dev/null"), st);
        ulong act = f.Alloc(32);
        f.Write(act, 1UL); f.Write(act + 8, 0x04000000UL); f.Write(act + 16, 0x401000UL); f.Write(act + 24, 2UL);
        f.Call(rt_sigaction, 12UL, act, 0UL, 8UL);
        ulong rl = f.Alloc(16);
        f.Write(rl, 8UL << 20); f.Write(rl + 8, ulong.MaxValue);
        f.Call(setrlimit, 3UL, rl);
        ulong ts = f.Alloc(16);
        f.Write(ts, 0L); f.Write(ts + 8, 1000L);
        f.Call(nanosleep, ts, 0UL);
        string[] lines = Lines().Split('\n');
        Assert.Equal("pipe2([3, 4], O_CLOEXEC)".PadRight(40) + "= 0", lines[0]);
        Assert.Equal("writev(4, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"cdef\", iov_len=4}], 2) = 6", lines[1]);
        Assert.Equal("stat(\"/dev/null\", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0", lines[2]);
        Assert.Equal("rt_sigaction(SIGUSR2, {sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=SA_RESTORER, sa_restorer=0x401000}, NULL, 8) = 0", lines[3]);
        Assert.Equal("setrlimit(RLIMIT_STACK, {rlim_cur=8192*1024, rlim_max=RLIM_INFINITY}) = 0", lines[4]);
        Assert.Equal("nanosleep({tv_sec=0, tv_nsec=1000}, NULL) = 0", lines[5]);
    }

    [Fact]
    public void ExitPrintsQuestionMarkAndExitLine()
    {
        Assert.Throws<GuestExitException>(() => f.Call(exit_group, 3UL));
        Assert.Equal("exit_group(3)".PadRight(40) + "= ?\n+++ exited with 3 +++\n", Lines());
    }

    [Fact]
    public void QuoteMatchesStrace()
    {
        Assert.Equal("\"\\0\\1\\2\\3\\4\\5\\6\\7\\10\\t\\n\\v\\f\\r\\16\"",
            StraceWriter.Quote(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 }, false));
        Assert.Equal("\"\\x00\\xf4\\x7a\"", StraceWriter.Quote(new byte[] { 0, 0xf4, 0x7a }, true));
    }

    [Fact]
    public void WarnUnimplementedOncePerCall()
    {
        var process = new GuestProcess(new RunOptions { WarnUnimplemented = true });
        var sys = new LinuxSyscalls(process, writeFd);
        using var cpu = new Cpu(process);
        for (int i = 0; i < 2; i++)
        {
            cpu.S->Gpr[0] = kexec_load;
            sys.Syscall(cpu);
            cpu.S->Gpr[0] = 999;
            sys.Syscall(cpu);
        }
        Assert.Equal("unijit: unimplemented syscall kexec_load (246)\nunijit: unimplemented syscall syscall_999 (999)\n", Lines());
    }
}
