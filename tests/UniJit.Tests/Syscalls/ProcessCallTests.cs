using System.Text;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Semantics;
using UniJit.Syscalls;
using static UniJit.Syscalls.Nr;

namespace UniJit.Tests.Syscalls;

[Collection("Guest")]
public sealed unsafe class ProcessCallTests : IDisposable
{
    readonly SyscallFixture f = new();
    public void Dispose() => f.Dispose();

    [Fact]
    public void UnknownCallIsEnosysAndSyscallSetsRcxR11()
    {
        f.Cpu.S->Rip = 0x401234;
        Assert.Equal(-Errno.ENOSYS, f.Call(999, 1UL, 2UL));
        Assert.Equal(0x401234UL, f.Cpu.S->Gpr[1]);
        Assert.Equal(Flags.Get(f.Cpu.S), f.Cpu.S->Gpr[11]);
        Assert.Equal(-Errno.ENOSYS, f.Call(clone3));
    }

    [Fact]
    public void Identity()
    {
        Assert.Equal(Environment.ProcessId, f.Call(getpid));
        Assert.Equal(Environment.ProcessId, f.Call(gettid));
        Assert.Equal(Environment.ProcessId, f.Call(set_tid_address, 0x5000_0000UL));
        Assert.Equal(0x5000_0000UL, f.Cpu.ClearChildTid);
        Assert.True(f.Call(getuid) >= 0);
        Assert.True(f.Call(getppid) > 0);
        Assert.Equal(-Errno.ENOSYS, f.Call(rseq, 0UL, 32UL, 0UL, 0UL));
    }

    [Fact]
    public void UnameReportsLinuxX8664()
    {
        ulong u = f.Alloc(390);
        Assert.Equal(0, f.Call(uname, u));
        string Field(int i) { var b = f.Bytes(u + (ulong)(65 * i), 65); return Encoding.ASCII.GetString(b, 0, Array.IndexOf(b, (byte)0)); }
        Assert.Equal("Linux", Field(0));
        Assert.Equal("x86_64", Field(4));
    }

    [Fact]
    public void ArchPrctlSetsTlsBases()
    {
        Assert.Equal(0, f.Call(arch_prctl, 0x1002UL, 0x7000_1000UL));
        Assert.Equal(0x7000_1000UL, f.Cpu.S->FsBase);
        Assert.Equal(0, f.Call(arch_prctl, 0x1001UL, 0x7000_2000UL));
        Assert.Equal(0x7000_2000UL, f.Cpu.S->GsBase);
        ulong p = f.Alloc(8);
        Assert.Equal(0, f.Call(arch_prctl, 0x1003UL, p));
        Assert.Equal(0x7000_1000UL, f.Read<ulong>(p));
        Assert.Equal(-Errno.EINVAL, f.Call(arch_prctl, 0x3001UL, p)); // CET status
        Assert.Equal(-Errno.EFAULT, f.Call(arch_prctl, 0x1003UL, 0x10UL));
    }

    [Fact]
    public void RlimitsAreTheGuestsOwn()
    {
        ulong old = f.Alloc(16), nw = f.Alloc(16);
        Assert.Equal(0, f.Call(prlimit64, 0UL, 7UL /* NOFILE */, 0UL, old));
        ulong cur = f.Read<ulong>(old), max = f.Read<ulong>(old + 8);
        Assert.True(cur <= max && cur > 3);
        f.Write(nw, 5UL); f.Write(nw + 8, max);
        Assert.Equal(0, f.Call(setrlimit, 7UL, nw));
        // Only fds 0..4 are allowed now.
        ulong fds = f.Alloc(8);
        Assert.Equal(0, f.Call(pipe2, fds, 0UL));
        Assert.Equal(-Errno.EMFILE, f.Call(dup, 3UL));
        f.Write(nw, 10UL); f.Write(nw + 8, 5UL);
        Assert.Equal(-Errno.EINVAL, f.Call(setrlimit, 7UL, nw));
        Assert.Equal(0, f.Call(getrlimit, 3UL /* STACK */, old));
        Assert.Equal(-Errno.EINVAL, f.Call(getrlimit, 99UL, old));
    }

    [Fact]
    public void ExitAndExitGroupEndTheGuest()
    {
        var e = Assert.Throws<GuestExitException>(() => f.Call(exit_group, 300UL));
        Assert.Equal(300 & 0xFF, e.Status);
        ulong tid = f.Alloc(4);
        f.Write(tid, 1234);
        f.Call(set_tid_address, tid);
        e = Assert.Throws<GuestExitException>(() => f.Call(exit, 7UL));
        Assert.Equal(7, e.Status);
        Assert.Equal(0, f.Read<int>(tid));
    }

    [Fact]
    public void GetrandomFillsTheRequestedLength()
    {
        ulong buf = f.Alloc(64);
        Assert.Equal(64, f.Call(getrandom, buf, 64UL, 0UL));
        Assert.Contains(f.Bytes(buf, 64), b => b != 0);
        Assert.Equal(-Errno.EFAULT, f.Call(getrandom, 0x10UL, 8UL, 0UL));
    }

    [Fact]
    public void ClocksAndSleep()
    {
        ulong ts = f.Alloc(16);
        Assert.Equal(0, f.Call(clock_gettime, 0UL, ts));
        long sec = f.Read<long>(ts);
        Assert.InRange(sec, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 2, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 2);
        Assert.Equal(0, f.Call(clock_getres, 1UL, ts));
        Assert.Equal(-Errno.EINVAL, f.Call(clock_gettime, 12345UL, ts));
        ulong tv = f.Alloc(16);
        Assert.Equal(0, f.Call(gettimeofday, tv, 0UL));
        Assert.InRange(f.Read<long>(tv), sec - 2, sec + 2);
        long t = f.Call(time, 0UL);
        Assert.InRange(t, sec - 2, sec + 2);
        f.Write(ts, 0L); f.Write(ts + 8, 1_000_000L);
        Assert.Equal(0, f.Call(nanosleep, ts, 0UL));
        ulong tms = f.Alloc(32);
        Assert.True(f.Call(times, tms) != 0);
        Assert.Equal(0, f.Call(sysinfo, f.Alloc(112)));
        Assert.Equal(0, f.Call(getrusage, 0UL, f.Alloc(144)));
    }

    [Fact]
    public void FutexWithOneThread()
    {
        ulong w = f.Alloc(8);
        f.Write(w, 5);
        Assert.Equal(-Errno.EAGAIN, f.Call(futex, w, 128UL /* WAIT_PRIVATE */, 4UL));
        Assert.Equal(0, f.Call(futex, w, 129UL /* WAKE_PRIVATE */, 1UL));
        ulong ts = f.Alloc(16);
        f.Write(ts, 0L); f.Write(ts + 8, 1_000_000L);
        Assert.Equal(-Errno.ETIMEDOUT, f.Call(futex, w, 128UL, 5UL, ts));
        // FUTEX_WAKE_OP: *uaddr2 += 3.
        ulong w2 = f.Alloc(4);
        f.Write(w2, 10);
        uint val3 = (1u << 28) | (3u << 12);
        Assert.Equal(0, f.Call(futex, w, 5UL, 1UL, 1UL, w2, val3));
        Assert.Equal(13, f.Read<int>(w2));
        Assert.Equal(-Errno.EINVAL, f.Call(futex, w + 1, 1UL, 1UL));
    }

    [Fact]
    public void SchedAndMisc()
    {
        ulong mask = f.Alloc(128);
        Assert.True(f.Call(sched_getaffinity, 0UL, 128UL, mask) > 0);
        Assert.NotEqual(0UL, f.Read<ulong>(mask));
        Assert.Equal(0, f.Call(sched_yield));
        ulong cpu = f.Alloc(8);
        Assert.Equal(0, f.Call(getcpu, cpu, cpu + 4, 0UL));
        Assert.Equal(0, f.Call(personality, 0xFFFFFFFFUL));
        ulong name = f.Alloc(16);
        Assert.Equal(0, f.Call(prctl, 15UL, f.Str("worker"), 0UL, 0UL, 0UL));
        Assert.Equal(0, f.Call(prctl, 16UL, name, 0UL, 0UL, 0UL));
        Assert.Equal("worker", f.Text(name, 6));
        Assert.Equal(-Errno.ECHILD, f.Call(wait4, ulong.MaxValue, 0UL, 0UL, 0UL));
    }
}
