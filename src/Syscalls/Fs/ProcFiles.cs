using System.Text;
using UniJit.Runtime.Memory;

namespace UniJit.Syscalls.Fs;

/// <summary>
/// The parts of /proc that would otherwise describe the host (.NET) rather than the guest:
/// /proc/self/exe names the guest program, /proc/self/maps lists the guest's mappings, and
/// /proc/self/cwd and /proc/self/fd/N are seen through the guest's root and fd numbers, and
/// /proc/cpuinfo describes the CPU that CPUID reports (<see cref="CpuInfo"/>).
/// </summary>
public static class ProcFiles
{
    /// <summary>"exe" for /proc/self/exe, /proc/PID/exe, /proc/thread-self/exe; null otherwise.</summary>
    static string? SelfEntry(string path)
    {
        foreach (var prefix in new[] { "/proc/self/", $"/proc/{Environment.ProcessId}/", "/proc/thread-self/" })
            if (path.StartsWith(prefix, StringComparison.Ordinal)) return path[prefix.Length..];
        return null;
    }

    /// <summary>The symlink text readlink should return for a /proc path, or null for ordinary paths.</summary>
    public static string? LinkTarget(Kernel k, string path)
    {
        string? e = SelfEntry(path);
        if (e == null)
        {
            if (path.StartsWith("/dev/fd/", StringComparison.Ordinal)) e = "fd/" + path[8..];
            else return null;
        }
        if (e == "exe") return k.ExePath;
        if (e == "cwd") return k.Paths.GuestCwd();
        if (e.StartsWith("fd/", StringComparison.Ordinal) && int.TryParse(e[3..], out int fd))
        {
            int h = k.Fds.Host(fd);
            if (h < 0) throw new SyscallError(Errno.ENOENT);
            string? t = PathResolver.ReadLink($"/proc/self/fd/{h}");
            if (t == null) throw new SyscallError(Errno.ENOENT);
            return t.StartsWith('/') ? k.Paths.ToGuest(t) ?? t : t;
        }
        return null;
    }

    /// <summary>Content for /proc files generated from guest state (maps) or the guest's CPU (cpuinfo), or null.</summary>
    public static byte[]? Synthesize(Kernel k, string path)
    {
        if (path == "/proc/cpuinfo") return CpuInfo.Content();
        string? e = SelfEntry(path);
        return e == "maps" ? Encoding.UTF8.GetBytes(Maps()) : null;
    }

    /// <summary>Rewrites /proc/self/exe to the guest program's host path before resolution.</summary>
    public static byte[] Redirect(Kernel k, byte[] path)
    {
        string? e = SelfEntry(PathResolver.Text(path));
        if (e == "exe") return PathResolver.Raw(k.ExePath);
        return path;
    }

    /// <summary>/proc/self/maps in the kernel's format, from the guest's VMA list.</summary>
    public static string Maps()
    {
        var sb = new StringBuilder();
        foreach (var v in AddressSpace.Snapshot())
        {
            char r = (v.Prot & 1) != 0 ? 'r' : '-', w = (v.Prot & 2) != 0 ? 'w' : '-', x = (v.Prot & 4) != 0 ? 'x' : '-';
            char s = (v.Flags & 3) == 1 ? 's' : 'p';
            string line = $"{v.Start:x8}-{v.End:x8} {r}{w}{x}{s} {v.FileOffset:x8} {v.Device >> 8:x2}:{v.Device & 0xff:x2} {v.Inode}";
            if (v.Name != null) line = line.PadRight(73) + v.Name;
            sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }
}
