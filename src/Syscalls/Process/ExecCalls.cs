using System.Runtime.InteropServices;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Fs;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Process;

/// <summary>
/// vfork, the vfork form of clone, execve and wait4 (see <see cref="VforkChild"/> for the model).
/// execve starts the program as a new host process running unijit with this run's options, the
/// child's surviving fds placed at their guest numbers and the guest's argv and environment.
/// A general fork (clone without CLONE_VM, fork) is <see cref="ForkCalls"/>'s.
/// </summary>
public static unsafe partial class ExecCalls
{
    const ulong CLONE_VM = 0x100, CLONE_VFORK = 0x4000;

    /// <summary>Children that ended before exec (their _exit status), by the pid their parent was given.</summary>
    static readonly Dictionary<int, int> exitedChildren = new();
    static int nextFakePid = 4_100_000;

    public static long Vfork(Kernel k, in SysArgs a) => StartChild(k, a.Cpu, 0);

    public static long Clone(Kernel k, in SysArgs a)
    {
        ulong flags = a.A0;
        if ((flags & CLONE_THREAD) != 0) return CloneThread(k, in a);
        if ((flags & CLONE_VM) == 0) return ForkCalls.Clone(k, in a);
        // posix_spawn: CLONE_VM | CLONE_VFORK | SIGCHLD with a stack for the child; anything else needs fork.
        if ((flags & ~0xFFUL) != (CLONE_VM | CLONE_VFORK)) return -Errno.ENOSYS;
        return StartChild(k, a.Cpu, a.A1);
    }

    const ulong CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000,
        CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
        CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000, CLONE_CHILD_SETTID = 0x01000000;

    /// <summary>
    /// clone(CLONE_VM | CLONE_THREAD | ...), as pthread_create calls it: a new guest thread on a new
    /// host thread, sharing memory, files and signal handlers, starting after the syscall with RAX = 0,
    /// the given stack and (CLONE_SETTLS) its own FS base. Its tid is the host thread's. The parent's
    /// and child's tid words are written before either continues, as the kernel does.
    /// </summary>
    static long CloneThread(Kernel k, in SysArgs a)
    {
        ulong flags = a.A0;
        const ulong need = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
        if ((flags & need) != need) return -Errno.EINVAL;
        const ulong known = need | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID
            | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID;
        if ((flags & ~known) != 0 || (flags & (CLONE_FS | CLONE_FILES)) != (CLONE_FS | CLONE_FILES)) return -Errno.ENOSYS;
        var parent = a.Cpu;
        ulong stack = a.A1, ptid = a.A2, ctid = a.A3, tls = a.A4;
        if ((flags & CLONE_PARENT_SETTID) != 0) Guest.Out(ptid, 4);
        if ((flags & CLONE_CHILD_SETTID) != 0) Guest.Out(ctid, 4);
        var child = new Runtime.State.Cpu(k.Process);
        *child.S = *parent.S;
        child.S->InstructionCount = 0;
        child.S->ChainHits = 0;
        child.S->AccessChecks = 0;
        child.S->Gpr[0] = 0;
        if (stack != 0) child.S->Gpr[4] = stack;
        if ((flags & CLONE_SETTLS) != 0) child.S->FsBase = tls;
        child.SignalMask = parent.SignalMask;
        if ((flags & CLONE_CHILD_CLEARTID) != 0) child.ClearChildTid = ctid;
        k.Process.StartThread(child, c =>
        {
            if ((flags & CLONE_PARENT_SETTID) != 0) GuestMemory.Write32(ptid, (uint)c.Tid);
            if ((flags & CLONE_CHILD_SETTID) != 0) GuestMemory.Write32(ctid, (uint)c.Tid);
        });
        return child.Tid;
    }

    static long StartChild(Kernel k, Runtime.State.Cpu cpu, ulong stack)
    {
        if (k.Child != null) return -Errno.ENOSYS; // a vfork child vforking again
        var saved = new VforkChild
        {
            Parent = *cpu.S,
            ParentMask = cpu.SignalMask,
            ParentActions = (KernelSigaction[])k.Signals.Actions.Clone(),
            ParentFds = k.Fds,
        };
        k.Fds = k.Fds.CloneForChild();
        k.Child = saved;
        if (stack != 0) cpu.S->Gpr[4] = stack;
        return 0; // the child's view; the parent's comes back in VforkChild.Resume
    }

    /// <summary>Called by exit/exit_group: a vfork child's exit resumes the parent instead of ending the process.</summary>
    public static bool ChildExit(Kernel k, Runtime.State.Cpu cpu, int status)
    {
        if (k.Child is not { } child) return false;
        int pid = Interlocked.Increment(ref nextFakePid);
        lock (exitedChildren) exitedChildren[pid] = status & 0xFF;
        child.Resume(k, cpu, pid);
        return true;
    }

    public static long Execve(Kernel k, in SysArgs a)
    {
        byte[] path = ProcFiles.Redirect(k, Guest.CStr(a.A0));
        var argv = StringArray(a.A1);
        var envp = StringArray(a.A2);
        // Check what the kernel would before this process commits to anything.
        var r = k.Paths.Resolve(PathResolver.AT_FDCWD, path);
        string host = PathResolver.Text(r.Path);
        if (r.DirFd != PathResolver.AT_FDCWD) host = $"/proc/self/fd/{r.DirFd}/{host}";
        byte* hp = PathResolver.Pin(host);
        try
        {
            long acc = Native.Sys(21 /* access */, (long)hp, 1 /* X_OK */);
            if (acc < 0) return acc;
        }
        finally { Guest.Free(hp); }
        if (Directory.Exists(host)) return -Errno.EACCES;
        string guestPath = PathResolver.Text(path);
        if (!guestPath.Contains('/')) guestPath = "./" + guestPath;
        long pid = Spawn(k, guestPath, argv, envp);
        if (pid < 0) return pid;
        if (k.Child != null)
        {
            k.Child.Resume(k, a.Cpu, pid);
            return pid;
        }
        return ReplaceBy(k, (int)pid);
    }

    /// <summary>
    /// execve outside a vfork child: the running runtime cannot replace itself with a fresh guest, so the
    /// new program runs as a child process holding the fds, and this process ends as it ends (same exit
    /// status, or death by the same signal). The pid differs from the caller's; everything else matches.
    /// </summary>
    static long ReplaceBy(Kernel k, int pid)
    {
        foreach (int fd in k.Fds.OpenFds()) if (fd > 2) k.Fds.Close(fd);
        int status;
        long r;
        do r = Native.Sys(61 /* wait4 */, pid, (long)&status, 0, 0); while (r == -Errno.EINTR);
        if (r < 0) throw new GuestExitException(127);
        int sig = status & 0x7F;
        if (sig == 0) throw new GuestExitException((status >> 8) & 0xFF);
        k.Process.LastReport = null; // the program reported its own death
        throw new GuestExitException(128 + sig, sig);
    }

    static List<string> StringArray(ulong addr)
    {
        var list = new List<string>();
        if (addr == 0) return list;
        for (int i = 0; i < 1 << 16; i++)
        {
            ulong p = Guest.Read<ulong>(addr + (ulong)i * 8);
            if (p == 0) break;
            list.Add(PathResolver.Text(Guest.CStr(p, 1 << 20)));
        }
        return list;
    }

    /// <summary>The command that runs a guest program the way this process was started.</summary>
    internal static List<string> UniJitCommand(Kernel k)
    {
        var cmd = new List<string>();
        string self = Environment.ProcessPath ?? "unijit";
        cmd.Add(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            cmd.Add(System.Reflection.Assembly.GetEntryAssembly()?.Location ?? "unijit.dll");
        var o = k.Options;
        cmd.Add("--tier=" + o.Tier.ToString().ToLowerInvariant());
        if (o.Strace) cmd.Add("--strace");
        if (o.WarnUnimplemented) cmd.Add("--warn-unimplemented");
        if (!o.Cache) cmd.Add("--no-cache");
        if (o.LibPrefix != null) { cmd.Add("-L"); cmd.Add(o.LibPrefix); }
        if (o.Root != null) { cmd.Add("-r"); cmd.Add(o.Root); }
        return cmd;
    }

    /// <summary>posix_spawn of unijit with the child's fds at their guest numbers; returns the host pid.</summary>
    static long Spawn(Kernel k, string guestPath, List<string> argv, List<string> envp)
    {
        var cmd = UniJitCommand(k);
        if (argv.Count > 0) { cmd.Add("-0"); cmd.Add(argv[0]); }
        cmd.Add("--");
        cmd.Add(guestPath);
        cmd.AddRange(argv.Skip(1));
        return SpawnWithFds(cmd, envp, k.Fds.ForExec().Select(f => (f.Host, f.Guest)).ToList());
    }

    /// <summary>posix_spawn of <paramref name="cmd"/> with host fd Source at number Target for each pair
    /// (without FD_CLOEXEC there), and 0, 1, 2 closed when no pair targets them. Returns the pid or -errno.</summary>
    internal static long SpawnWithFds(List<string> cmd, List<string> envp, List<(int Source, int Target)> fds)
    {
        int top = Math.Max(3, fds.Count == 0 ? 0 : fds.Max(f => f.Target) + 1);
        var temps = new List<int>();
        byte* actions = (byte*)NativeMemory.AllocZeroed(512);
        try
        {
            posix_spawn_file_actions_init(actions);
            // Sources are first moved above every target number, so no dup2 clobbers a later source.
            foreach (var (h, g) in fds)
            {
                long t = Native.Sys(72, h, 1030 /* F_DUPFD_CLOEXEC */, top);
                if (t < 0) return t;
                temps.Add((int)t);
                posix_spawn_file_actions_adddup2(actions, (int)t, g);
            }
            for (int g = 0; g < 3; g++)
                if (!fds.Any(f => f.Target == g)) posix_spawn_file_actions_addclose(actions, g);
            byte** args = ToCArray(cmd);
            byte** env = ToCArray(envp);
            int pid;
            int rc = posix_spawn(&pid, args[0], actions, null, args, env);
            FreeCArray(args); FreeCArray(env);
            return rc != 0 ? -rc : pid;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            NativeMemory.Free(actions);
            foreach (var t in temps) Native.Sys(3, t);
        }
    }

    static byte** ToCArray(List<string> items)
    {
        byte** a = (byte**)NativeMemory.AllocZeroed((nuint)(items.Count + 1) * 8);
        for (int i = 0; i < items.Count; i++) a[i] = Guest.HostCStr(PathResolver.Raw(items[i]));
        return a;
    }

    static void FreeCArray(byte** a)
    {
        for (int i = 0; a[i] != null; i++) Guest.Free(a[i]);
        NativeMemory.Free(a);
    }

    /// <summary>wait4: children that exited before exec are answered here; real ones by the host.</summary>
    public static long Wait4(Kernel k, in SysArgs a)
    {
        int pid = a.I(0);
        lock (exitedChildren)
        {
            int found = pid > 0 ? (exitedChildren.ContainsKey(pid) ? pid : 0) : exitedChildren.Keys.FirstOrDefault();
            if (found != 0)
            {
                if (a.A1 != 0) Guest.Write(a.A1, exitedChildren[found] << 8);
                if (a.A3 != 0) Guest.WriteBytes(a.A3, new byte[144]);
                exitedChildren.Remove(found);
                return found;
            }
        }
        return Native.Sys(61, pid, a.A1 == 0 ? 0 : (long)Guest.Out(a.A1, 4), a.I(2), a.A3 == 0 ? 0 : (long)Guest.Out(a.A3, 144));
    }

    [LibraryImport("libc")] private static partial int posix_spawn(int* pid, byte* path, void* actions, void* attr, byte** argv, byte** envp);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_init(void* actions);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_destroy(void* actions);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_addclose(void* actions, int fd);
}
