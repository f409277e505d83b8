using System.Runtime.InteropServices;
using System.Text;

namespace UniJit.Tests.Devices;

/// <summary>
/// A pseudo-terminal from the host kernel (openpty) and programs started on it with posix_spawn: the
/// child is a session leader (POSIX_SPAWN_SETSID) whose stdin, stdout and stderr are the slave opened
/// by name, so the slave becomes its controlling terminal and /dev/tty names it. Everything the child
/// writes is read back from the master, as a terminal emulator would see it.
/// </summary>
public sealed unsafe partial class Pty : IDisposable
{
    [StructLayout(LayoutKind.Sequential)]
    public struct WinSize { public ushort Rows, Cols, XPixel, YPixel; }

    [LibraryImport("libc", SetLastError = true)] private static partial int openpty(out int master, out int slave, nint name, nint termios, ref WinSize win);
    [LibraryImport("libc", SetLastError = true)] private static partial int close(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial nint read(int fd, byte* buf, nint count);
    [LibraryImport("libc", SetLastError = true)] private static partial int ptsname_r(int fd, byte* buf, nint len);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawn_file_actions_init(byte* fa);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawn_file_actions_destroy(byte* fa);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawn_file_actions_addopen(byte* fa, int fd, byte* path, int flags, int mode);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawn_file_actions_adddup2(byte* fa, int fd, int newfd);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawnattr_init(byte* attr);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawnattr_destroy(byte* attr);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawnattr_setflags(byte* attr, short flags);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawn(out int pid, byte* path, byte* fa, byte* attr, byte** argv, byte** envp);
    [LibraryImport("libc", SetLastError = true)] private static partial int waitpid(int pid, out int status, int options);

    const short POSIX_SPAWN_SETSID = 0x80;
    const int O_RDWR = 2;

    readonly int master;

    /// <summary>The slave's name (/dev/pts/N).</summary>
    public string SlaveName { get; }

    public Pty(ushort rows = 24, ushort cols = 80)
    {
        var ws = new WinSize { Rows = rows, Cols = cols };
        if (openpty(out master, out int slave, 0, 0, ref ws) != 0) throw new InvalidOperationException($"openpty: errno {Marshal.GetLastPInvokeError()}");
        var name = stackalloc byte[128];
        if (ptsname_r(master, name, 128) != 0) throw new InvalidOperationException("ptsname_r failed");
        SlaveName = Marshal.PtrToStringUTF8((nint)name)!;
        // Only children hold the slave open, so the master reads EIO once the last of them has exited.
        close(slave);
    }

    public void Dispose() => close(master);

    /// <summary>Runs <paramref name="file"/> on the terminal and returns its exit status (128+N for
    /// death by signal N) and everything it wrote, with the terminal's own output processing (\n → \r\n).</summary>
    public (int Status, byte[] Output) Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env,
        TimeSpan? timeout = null)
    {
        var output = new MemoryStream();
        var handles = new List<GCHandle>();
        byte* Str(string s)
        {
            var h = GCHandle.Alloc(Encoding.UTF8.GetBytes(s + "\0"), GCHandleType.Pinned);
            handles.Add(h);
            return (byte*)h.AddrOfPinnedObject();
        }
        var argList = new List<string> { file };
        argList.AddRange(args);
        var argv = new nint[argList.Count + 1];
        for (int i = 0; i < argList.Count; i++) argv[i] = (nint)Str(argList[i]);
        var envList = env.Select(kv => $"{kv.Key}={kv.Value}").ToList();
        foreach (var (k, v) in UniJit.Tests.Support.CacheOff.Variables) if (!env.ContainsKey(k)) envList.Add($"{k}={v}");
        var envp = new nint[envList.Count + 1];
        for (int i = 0; i < envList.Count; i++) envp[i] = (nint)Str(envList[i]);

        var fa = stackalloc byte[1024];
        var attr = stackalloc byte[1024];
        int pid;
        try
        {
            posix_spawn_file_actions_init(fa);
            posix_spawnattr_init(attr);
            posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSID);
            // Opened by name after setsid: the slave becomes the child's controlling terminal.
            posix_spawn_file_actions_addopen(fa, 0, Str(SlaveName), O_RDWR, 0);
            posix_spawn_file_actions_adddup2(fa, 0, 1);
            posix_spawn_file_actions_adddup2(fa, 0, 2);
            fixed (nint* pa = argv, pe = envp)
            {
                int rc = posix_spawn(out pid, Str(file), fa, attr, (byte**)pa, (byte**)pe);
                if (rc != 0) throw new InvalidOperationException($"posix_spawn {file}: error {rc}");
            }
        }
        finally
        {
            posix_spawn_file_actions_destroy(fa);
            posix_spawnattr_destroy(attr);
            foreach (var h in handles) h.Free();
        }

        // Read the master until EIO: every slave descriptor (the child's) is closed and all it wrote is read.
        int m = master;
        var reader = Task.Run(() =>
        {
            var buf = new byte[4096];
            fixed (byte* p = buf)
                while (true)
                {
                    nint n = read(m, p, buf.Length);
                    if (n <= 0) break;
                    output.Write(buf, 0, (int)n);
                }
        });
        if (!reader.Wait(timeout ?? TimeSpan.FromSeconds(120))) Kill(pid);
        waitpid(pid, out int status, 0);
        reader.Wait(TimeSpan.FromSeconds(10));
        int code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F);
        return (code, output.ToArray());
    }

    [LibraryImport("libc")] private static partial int kill(int pid, int sig);

    static void Kill(int pid) => kill(pid, 9);
}
