using UniJit.Runtime.Memory;
using UniJit.Runtime.State;
using UniJit.Syscalls.Strace;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Process;

/// <summary>
/// fork, and clone without CLONE_VM (glibc's fork: CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD),
/// as a snapshot re-exec. Forking the multi-threaded .NET runtime itself is unsafe, so the parent writes
/// a snapshot into a memfd (<see cref="AddressSpaceImage"/>: private pages, the VMA list and the objects
/// behind file and shared mappings; <see cref="ForkState"/>: registers, signals, fd flags, limits) and
/// posix_spawns a new unijit, <c>unijit [options] --fork-child FD</c>, holding every guest fd at its guest
/// number (close-on-exec ones too: fork keeps them), the memfd at FD and the mapped objects after it.
/// The child rebuilds the process (<see cref="ForkChild"/>) and continues after the system call with
/// RAX = 0, as the forking thread only. It is a real host child: the parent gets its pid, wait4 and
/// signals are the host's, and its exit status or death signal is the guest child's.
///
/// Layout of the memfd: page data from offset 0, then the description, then its offset as 8 bytes.
/// </summary>
public static unsafe class ForkCalls
{
    const ulong CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x01000000;
    const int SIGCHLD = 17;

    public static long Fork(Kernel k, in SysArgs a) => Fork(k, a.Cpu, 0, 0, 0);

    /// <summary>clone without CLONE_VM: only the flags fork uses (and an exit signal of SIGCHLD) are supported.</summary>
    public static long Clone(Kernel k, in SysArgs a)
    {
        ulong flags = a.A0;
        const ulong known = CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
        if ((flags & ~0xFFUL & ~known) != 0 || (flags & 0xFF) is not (SIGCHLD or 0)) return -Errno.ENOSYS;
        if (a.A1 != 0) return -Errno.ENOSYS; // a new stack without CLONE_VM: not fork
        return Fork(k, a.Cpu, flags, a.A2, a.A3);
    }

    static long Fork(Kernel k, Cpu cpu, ulong flags, ulong ptid, ulong ctid)
    {
        if ((flags & CLONE_PARENT_SETTID) != 0) Guest.Out(ptid, 4);
        long memfd = Native.Sys(319 /* memfd_create */, (long)Name, 1 /* MFD_CLOEXEC */);
        if (memfd < 0) return Fail(k, $"cannot create the snapshot memfd (errno {-memfd})", Errno.EAGAIN);
        AddressSpaceImage.Image? image = null;
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            long data = 0;
            image = AddressSpaceImage.Capture((int)memfd, ref data, out string? error);
            if (image == null) return Fail(k, error!, Errno.ENOMEM);
            double captured = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            var state = ForkState.Of(k, cpu, (flags & CLONE_CHILD_SETTID) != 0 ? ctid : 0, (flags & CLONE_CHILD_CLEARTID) != 0 ? ctid : 0);
            var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                state.Write(w);
                AddressSpaceImage.Write(w, image);
                w.Write(data);
            }
            byte[] header = ms.ToArray();
            fixed (byte* p = header)
                for (int done = 0; done < header.Length;)
                {
                    long n = Native.Sys(18 /* pwrite64 */, memfd, (long)(p + done), header.Length - done, data + done);
                    if (n <= 0) return Fail(k, $"cannot write the snapshot (errno {-n})", Errno.ENOMEM);
                    done += (int)n;
                }

            // Guest fds at their numbers; the memfd and the mapped objects above them.
            var fds = new List<(int Source, int Target)>();
            foreach (var (fd, _) in state.Fds)
            {
                int h = k.Fds.Host(fd);
                if (h >= 0) fds.Add((h, fd));
            }
            int top = Math.Max(3, fds.Count == 0 ? 0 : fds.Max(f => f.Target) + 1);
            fds.Add(((int)memfd, top));
            for (int i = 0; i < image.Files.Count; i++) fds.Add((image.Files[i].Fd, top + 1 + i));
            var cmd = ExecCalls.UniJitCommand(k);
            cmd.Add("--fork-child");
            cmd.Add(top.ToString());
            var env = new List<string>();
            foreach (System.Collections.DictionaryEntry kv in Environment.GetEnvironmentVariables()) env.Add($"{kv.Key}={kv.Value}");
            long pid = ExecCalls.SpawnWithFds(cmd, env, fds);
            if (pid < 0) return Fail(k, $"cannot start the child process (errno {-pid})", Errno.EAGAIN);
            if ((flags & CLONE_PARENT_SETTID) != 0) Guest.Write(ptid, (int)pid);
            if (Environment.GetEnvironmentVariable("UNIJIT_DEBUG") == "1")
                new StraceWriter(k.DiagFd).Line($"unijit: fork: child {pid}: {data >> 10} KiB of pages, {image.Regions.Count} mappings, " +
                    $"{image.Files.Count} mapped objects, {System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds:F1} ms (pages {captured:F1} ms)");
            return pid;
        }
        finally
        {
            Native.Sys(3, memfd);
            GC.KeepAlive(image);
        }
    }

    static readonly byte* Name = Guest.HostCStr("unijit-fork"u8);

    /// <summary>One line on UniJit's stderr and an errno for the guest: a failed snapshot is the guest's fork failing.</summary>
    static long Fail(Kernel k, string why, int errno)
    {
        new StraceWriter(k.DiagFd).Line($"unijit: fork: {why}");
        return -errno;
    }
}
