using UniJit.Runtime.Dispatch;
using UniJit.Syscalls;
using static UniJit.Syscalls.Nr;

namespace UniJit.Tests.Syscalls;

[Collection("Guest")]
public sealed class SignalCallTests : IDisposable
{
    readonly SyscallFixture f = new();
    public void Dispose() => f.Dispose();

    [Fact]
    public void SigactionRoundTripsAndMirrorsTheHandler()
    {
        ulong act = f.Alloc(32), old = f.Alloc(32);
        f.Write(act, 0x401000UL); f.Write(act + 8, 0x04000000UL /* SA_RESTORER */); f.Write(act + 16, 0x402000UL);
        f.Write(act + 24, (1UL << 8) | (1UL << 1)); // mask: SIGKILL (dropped) and SIGINT
        Assert.Equal(0, f.Call(rt_sigaction, 10UL, act, 0UL, 8UL));
        Assert.Equal(0x401000UL, f.Process.Signals.Actions[10].Handler);
        Assert.Equal(0, f.Call(rt_sigaction, 10UL, 0UL, old, 8UL));
        Assert.Equal(0x401000UL, f.Read<ulong>(old));
        Assert.Equal(0x402000UL, f.Read<ulong>(old + 16));
        Assert.Equal(1UL << 1, f.Read<ulong>(old + 24));
        Assert.Equal(-Errno.EINVAL, f.Call(rt_sigaction, 9UL, act, 0UL, 8UL));
        Assert.Equal(-Errno.EINVAL, f.Call(rt_sigaction, 65UL, act, 0UL, 8UL));
        Assert.Equal(-Errno.EINVAL, f.Call(rt_sigaction, 10UL, act, 0UL, 16UL));
    }

    [Fact]
    public void SigprocmaskBlocksButNeverKillOrStop()
    {
        ulong set = f.Alloc(8), old = f.Alloc(8);
        f.Write(set, ulong.MaxValue);
        Assert.Equal(0, f.Call(rt_sigprocmask, 0UL, set, 0UL, 8UL));
        Assert.Equal(ulong.MaxValue & ~((1UL << 8) | (1UL << 18)), f.Cpu.SignalMask);
        f.Write(set, 1UL << 9);
        Assert.Equal(0, f.Call(rt_sigprocmask, 2UL, set, old, 8UL));
        Assert.Equal(ulong.MaxValue & ~((1UL << 8) | (1UL << 18)), f.Read<ulong>(old));
        Assert.Equal(1UL << 9, f.Cpu.SignalMask);
        Assert.Equal(0, f.Call(rt_sigprocmask, 1UL, set, 0UL, 8UL));
        Assert.Equal(0UL, f.Cpu.SignalMask);
        Assert.Equal(-Errno.EINVAL, f.Call(rt_sigprocmask, 7UL, set, 0UL, 8UL));
    }

    [Fact]
    public void AbortStyleSelfKillEndsTheGuestBySignal()
    {
        Assert.Equal(0, f.Call(kill, (ulong)Environment.ProcessId, 0UL));
        // Ignored, or default-ignored, signals do nothing.
        Assert.Equal(0, f.Call(tgkill, (ulong)Environment.ProcessId, (ulong)Environment.ProcessId, 17UL /* SIGCHLD */));
        ulong act = f.Alloc(32);
        f.Write(act, 1UL /* SIG_IGN */);
        f.Call(rt_sigaction, 10UL, act, 0UL, 8UL);
        Assert.Equal(0, f.Call(kill, (ulong)Environment.ProcessId, 10UL));
        Assert.Equal(-Errno.ESRCH, f.Call(tgkill, (ulong)Environment.ProcessId, 1UL, 6UL));
        var e = Assert.Throws<GuestExitException>(() => f.Call(tgkill, (ulong)Environment.ProcessId, (ulong)Environment.ProcessId, 6UL));
        Assert.Equal(6, e.Signal);
        Assert.Equal(134, e.Status);
        Assert.Contains("SIGABRT", f.Process.LastReport);
    }

    [Fact]
    public void BlockedSignalIsPendingUntilUnblocked()
    {
        // musl's raise(): block, tkill, restore the mask; the signal acts when the mask opens: the
        // call returns and the dispatcher delivers it before the next instruction.
        ulong set = f.Alloc(8);
        f.Write(set, 1UL << 5);
        Assert.Equal(0, f.Call(rt_sigprocmask, 0UL, set, 0UL, 8UL));
        Assert.Equal(0, f.Call(tkill, (ulong)Environment.ProcessId, 6UL));
        ulong pending = f.Alloc(8);
        Assert.Equal(0, f.Call(rt_sigpending, pending, 8UL));
        Assert.Equal(1UL << 5, f.Read<ulong>(pending));
        Assert.Equal(0, f.Call(rt_sigprocmask, 1UL, set, 0UL, 8UL));
        unsafe { Assert.NotEqual(0, f.Cpu.S->Attention); }
        var e = Assert.Throws<GuestExitException>(() => SignalDelivery.DeliverPending(f.Cpu));
        Assert.Equal(6, e.Signal);
    }

    [Fact]
    public void Sigaltstack()
    {
        ulong ss = f.Alloc(24), old = f.Alloc(24);
        Assert.Equal(0, f.Call(sigaltstack, 0UL, old));
        Assert.Equal(2, f.Read<int>(old + 8)); // SS_DISABLE
        f.Write(ss, 0x5000_8000UL); f.Write(ss + 8, 0); f.Write(ss + 16, 8192UL);
        Assert.Equal(0, f.Call(sigaltstack, ss, 0UL));
        Assert.Equal(0, f.Call(sigaltstack, 0UL, old));
        Assert.Equal(0x5000_8000UL, f.Read<ulong>(old));
        Assert.Equal(8192UL, f.Read<ulong>(old + 16));
        f.Write(ss + 16, 100UL);
        Assert.Equal(-Errno.ENOMEM, f.Call(sigaltstack, ss, 0UL));
    }
}
