using System.Text;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;
using UniJit.Syscalls;

namespace UniJit.Tests.Syscalls;

/// <summary>
/// Drives the syscall layer directly, as the <c>syscall</c> instruction would: registers are set,
/// <see cref="LinuxSyscalls.Syscall"/> runs, RAX is the result. A scratch area of guest memory holds
/// strings and buffers. The host kernel is the oracle: results are checked against what Linux does.
/// </summary>
public sealed unsafe class SyscallFixture : IDisposable
{
    public const ulong Scratch = 0x5000_0000;
    public const ulong ScratchSize = 0x10_0000;
    public readonly GuestProcess Process;
    public readonly Cpu Cpu;
    public readonly LinuxSyscalls Sys;
    ulong bump = Scratch;
    readonly List<string> temps = new();

    static SyscallFixture()
    {
        // Whatever the test runner inherited stays the runner's: the fd table adopts only descriptors
        // without close-on-exec, and tests expect a guest that starts with just 0, 1 and 2.
        foreach (var e in Directory.GetFileSystemEntries("/proc/self/fd"))
            if (int.TryParse(Path.GetFileName(e), out int fd) && fd > 2) Native.Sys(72, fd, 2, 1);
    }

    public SyscallFixture(RunOptions? options = null, string exe = "/usr/bin/guest-program", int diagFd = -1)
    {
        AddressSpace.Unmap(Scratch, ScratchSize);
        long r = AddressSpace.Map(Scratch, ScratchSize, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0);
        Assert.Equal((long)Scratch, r);
        Process = new GuestProcess(options ?? new RunOptions()) { ExePath = exe };
        Cpu = new Cpu(Process) { Tid = Environment.ProcessId };
        Sys = diagFd >= 0 ? new LinuxSyscalls(Process, diagFd) : new LinuxSyscalls(Process);
        Process.Syscalls = Sys;
    }

    /// <summary>Runs call <paramref name="nr"/> through the ISyscallHandler entry point.</summary>
    public long Call(int nr, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        var s = Cpu.S;
        s->Gpr[0] = (ulong)nr;
        s->Gpr[7] = a0; s->Gpr[6] = a1; s->Gpr[2] = a2; s->Gpr[10] = a3; s->Gpr[8] = a4; s->Gpr[9] = a5;
        Sys.Syscall(Cpu);
        return (long)s->Gpr[0];
    }

    public long Call(int nr, long a0, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0) =>
        Call(nr, (ulong)a0, (ulong)a1, (ulong)a2, (ulong)a3, (ulong)a4, (ulong)a5);

    /// <summary>Allocates <paramref name="n"/> zeroed bytes of scratch guest memory (16-aligned).</summary>
    public ulong Alloc(int n)
    {
        ulong a = bump;
        bump += (ulong)((n + 15) & ~15);
        Assert.True(bump <= Scratch + ScratchSize);
        new Span<byte>(GuestMemory.Base + a, n).Clear();
        return a;
    }

    /// <summary>A NUL-terminated string in guest memory.</summary>
    public ulong Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s + "\0");
        ulong a = Alloc(b.Length);
        GuestMemory.WriteBytes(a, b);
        return a;
    }

    public byte[] Bytes(ulong a, int n) => new ReadOnlySpan<byte>(GuestMemory.Base + a, n).ToArray();
    public string Text(ulong a, int n) => Encoding.UTF8.GetString(Bytes(a, n));
    public T Read<T>(ulong a) where T : unmanaged => *(T*)(GuestMemory.Base + a);
    public void Write<T>(ulong a, T v) where T : unmanaged => *(T*)(GuestMemory.Base + a) = v;

    /// <summary>A fresh temporary directory, removed on dispose.</summary>
    public string TempDir()
    {
        string d = Directory.CreateTempSubdirectory("unijit-sys-").FullName;
        temps.Add(d);
        return d;
    }

    public void Dispose()
    {
        // Close every guest fd above 2 so that host fds do not leak between tests.
        foreach (int fd in Sys.Kernel.Fds.OpenFds()) if (fd > 2) Sys.Kernel.Fds.Close(fd);
        AddressSpace.Unmap(Scratch, ScratchSize);
        foreach (var d in temps) try { Directory.Delete(d, true); } catch { }
        Cpu.Dispose();
    }
}
