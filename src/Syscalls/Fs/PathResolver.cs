using System.Text;
using UniJit.Runtime.Memory;

namespace UniJit.Syscalls.Fs;

/// <summary>
/// The one place where guest paths become host paths.
///
/// - No options: paths pass through; a directory fd becomes its host fd.
/// - <c>-L PREFIX</c> (qemu-user's semantics): an absolute path that exists under PREFIX is used
///   from there, otherwise the host's own path is used.
/// - <c>-r ROOT</c>: the guest lives in ROOT as under chroot. Every path is resolved here, component
///   by component: <c>..</c> stops at the root and symlinks are read and re-resolved inside it (an
///   absolute link target starts again at ROOT), so neither can escape. The result is an absolute host
///   path. (A rename racing with the walk can still escape; the host kernel's RESOLVE_IN_ROOT would close that.)
/// - <c>/proc/self/fd/N</c> and <c>/dev/fd/N</c> name guest fd N, so they are rewritten to the host fd.
///
/// Paths are handled as Latin-1 strings so that every byte of a non-UTF-8 name survives.
/// </summary>
public sealed unsafe class PathResolver
{
    public const int AT_FDCWD = -100;
    static class Bytes
    {
        // Encoding.Latin1's own code is vectorized over Vector<T>, which ReadyToRun never precompiles: its
        // five methods were JIT-compiled in every run that names a path. These loops are the same mapping
        // (a char above 0xFF becomes '?', as Latin1's encoder replaces it).
        public static string GetString(byte[] b) => GetString(b, b.Length);

        public static string GetString(byte[] b, int count) =>
            string.Create(count, b, static (chars, bytes) => { for (int i = 0; i < chars.Length; i++) chars[i] = (char)bytes[i]; });

        public static string GetString(byte* b, int count) =>
            string.Create(count, (nint)b, static (chars, p) => { for (int i = 0; i < chars.Length; i++) chars[i] = (char)((byte*)p)[i]; });

        public static byte[] GetBytes(string s)
        {
            var b = new byte[s.Length];
            for (int i = 0; i < s.Length; i++) b[i] = s[i] <= 0xFF ? (byte)s[i] : (byte)'?';
            return b;
        }
    }

    readonly Func<FdTable> fdTable;
    FdTable fds => fdTable();
    readonly string? root;
    readonly string? prefix;

    public PathResolver(Func<FdTable> fds, string? root, string? prefix)
    {
        fdTable = fds;
        this.root = root?.TrimEnd('/');
        if (this.root == "") this.root = null;
        this.prefix = prefix?.TrimEnd('/');
        if (this.root != null)
        {
            // chroot leaves the cwd alone; one outside the new root would be unreachable, so start at "/".
            string cwd = HostCwd();
            if (ToGuest(cwd) == null) Native.Sys(80 /* chdir */, (long)Pin(this.root + "/"));
        }
    }

    public string? Root => root;

    /// <summary>A resolved path: the host dirfd to pass (AT_FDCWD or a host fd) and the host path bytes.</summary>
    public readonly record struct Resolved(int DirFd, byte[] Path);

    /// <summary>Resolves <paramref name="path"/> (relative to guest <paramref name="dirFd"/>). Throws SyscallError
    /// (EBADF, ENOENT, ELOOP, ENAMETOOLONG).</summary>
    public Resolved Resolve(int dirFd, byte[] path, bool follow = true, bool emptyOk = false)
    {
        string p = Bytes.GetString(path);
        if (p.Length == 0)
        {
            if (!emptyOk) throw new SyscallError(Errno.ENOENT);
            return new Resolved(HostDirFd(dirFd), path);
        }
        if (p.StartsWith("/proc/", StringComparison.Ordinal) || p.StartsWith("/dev/fd/", StringComparison.Ordinal))
        {
            string? special = ProcFdPath(p);
            if (special != null) return new Resolved(AT_FDCWD, Bytes.GetBytes(special));
        }
        if (root != null) return new Resolved(AT_FDCWD, Bytes.GetBytes(InRoot(dirFd, p, follow)));
        if (p[0] == '/')
        {
            if (prefix != null)
            {
                string under = prefix + p;
                if (Exists(under)) return new Resolved(AT_FDCWD, Bytes.GetBytes(under));
            }
            return new Resolved(AT_FDCWD, path);
        }
        return new Resolved(HostDirFd(dirFd), path);
    }

    /// <summary>Resolves and returns a plain host path string (for the runtime's own file opens).</summary>
    public string HostPath(string guestPath, bool follow = true)
    {
        var r = Resolve(AT_FDCWD, Bytes.GetBytes(guestPath), follow);
        return Bytes.GetString(r.Path);
    }

    int HostDirFd(int dirFd) => dirFd == AT_FDCWD ? AT_FDCWD : fds.HostOrThrow(dirFd);

    /// <summary>/proc/self/fd/N, /proc/PID/fd/N, /dev/fd/N → the host's name for guest fd N.</summary>
    string? ProcFdPath(string p)
    {
        string rest;
        string self = $"/proc/{Environment.ProcessId}/";
        if (p.StartsWith("/proc/self/fd/", StringComparison.Ordinal)) rest = p["/proc/self/fd/".Length..];
        else if (p.StartsWith(self + "fd/", StringComparison.Ordinal)) rest = p[(self.Length + 3)..];
        else if (p.StartsWith("/proc/thread-self/fd/", StringComparison.Ordinal)) rest = p["/proc/thread-self/fd/".Length..];
        else if (p.StartsWith("/dev/fd/", StringComparison.Ordinal)) rest = p["/dev/fd/".Length..];
        else return null;
        int slash = rest.IndexOf('/');
        string num = slash < 0 ? rest : rest[..slash];
        if (!int.TryParse(num, out int fd) || fd < 0) return null;
        int h = fds.Host(fd);
        if (h < 0) throw new SyscallError(Errno.ENOENT);
        return $"/proc/self/fd/{h}" + (slash < 0 ? "" : rest[slash..]);
    }

    /// <summary>The guest's name for host path <paramref name="host"/>: the host path itself without -r,
    /// the path inside the root with it, or null if it lies outside the root.</summary>
    public string? ToGuest(string host)
    {
        if (root == null) return host;
        if (host == root) return "/";
        if (host.StartsWith(root + "/", StringComparison.Ordinal)) return host[root.Length..];
        return null;
    }

    /// <summary>The guest's current directory (getcwd).</summary>
    public string GuestCwd() => ToGuest(HostCwd()) ?? "/";

    static string HostCwd()
    {
        byte* buf = stackalloc byte[Guest.PathMax];
        long n = Native.Sys(79 /* getcwd */, (long)buf, Guest.PathMax);
        return n < 0 ? "/" : Bytes.GetString(buf, (int)n - 1);
    }

    /// <summary>The guest path an open directory fd names (for *at calls under -r).</summary>
    string GuestPathOfFd(int dirFd)
    {
        if (dirFd == AT_FDCWD) return GuestCwd();
        int h = fds.HostOrThrow(dirFd);
        string? target = ReadLink($"/proc/self/fd/{h}");
        if (target == null) throw new SyscallError(Errno.EBADF);
        return ToGuest(target) ?? "/";
    }

    /// <summary>Walks <paramref name="p"/> inside the root; returns the host path.</summary>
    string InRoot(int dirFd, string p, bool follow)
    {
        var parts = new List<string>();
        if (p[0] != '/')
            foreach (var c in GuestPathOfFd(dirFd).Split('/', StringSplitOptions.RemoveEmptyEntries)) parts.Add(c);
        bool trailingSlash = p.EndsWith('/');
        var todo = new LinkedList<string>(p.Split('/', StringSplitOptions.RemoveEmptyEntries));
        int links = 0;
        var sb = new StringBuilder();
        while (todo.Count > 0)
        {
            string c = todo.First!.Value;
            todo.RemoveFirst();
            if (c == ".") continue;
            if (c == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            if (c.Length > 255) throw new SyscallError(Errno.ENAMETOOLONG);
            bool last = todo.Count == 0;
            string candidate = root + "/" + string.Join('/', parts.Append(c));
            if (!last || follow || trailingSlash)
            {
                string? target = ReadLink(candidate);
                if (target != null)
                {
                    if (++links > 40) throw new SyscallError(Errno.ELOOP);
                    if (target.StartsWith('/')) parts.Clear();
                    var node = todo.First;
                    foreach (var t in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (node == null) todo.AddLast(t); else todo.AddBefore(node, t);
                    }
                    continue;
                }
            }
            parts.Add(c);
        }
        sb.Append(root).Append('/').Append(string.Join('/', parts));
        if (trailingSlash && parts.Count > 0) sb.Append('/');
        return sb.ToString();
    }

    /// <summary>readlink of a host path, or null if it is not a symlink (or does not exist).</summary>
    public static string? ReadLink(string hostPath)
    {
        byte* buf = stackalloc byte[Guest.PathMax];
        byte* p = Pin(hostPath);
        try
        {
            long n = Native.Sys(89 /* readlink */, (long)p, (long)buf, Guest.PathMax);
            return n < 0 ? null : Bytes.GetString(buf, (int)n);
        }
        finally { Guest.Free(p); }
    }

    static bool Exists(string hostPath)
    {
        byte* st = stackalloc byte[256];
        byte* p = Pin(hostPath);
        try { return Native.Sys(6 /* lstat */, (long)p, (long)st) == 0; }
        finally { Guest.Free(p); }
    }

    /// <summary>A NUL-terminated unmanaged copy of a Latin-1 path (free with <see cref="Guest.Free"/>).</summary>
    public static byte* Pin(string s) => Guest.HostCStr(Bytes.GetBytes(s));

    public static string Text(byte[] b) => Bytes.GetString(b);
    public static byte[] Raw(string s) => Bytes.GetBytes(s);
}
