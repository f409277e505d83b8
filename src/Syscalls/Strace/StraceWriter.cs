using System.Text;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Strace;

/// <summary>
/// <c>--strace</c>: one line per system call on the host's stderr, in strace's format
/// (<c>openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</c>). Lines are written with a direct
/// write(2) to a private duplicate of the host's fd 2, so that they interleave correctly with the
/// guest's own writes and survive the guest closing its stderr. Arguments are printed after the call
/// (so that output buffers show what the kernel wrote), which is what strace shows too.
/// </summary>
public sealed unsafe class StraceWriter
{
    /// <summary>strace's default -s: strings longer than this are cut and followed by "...".</summary>
    public const int MaxString = 32;
    readonly int fd;

    public StraceWriter(int hostFd) => fd = hostFd;

    /// <summary>Writes one complete line (a newline is added).</summary>
    public void Line(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "\n");
        fixed (byte* p = bytes)
        {
            int off = 0;
            while (off < bytes.Length)
            {
                long n = Native.Sys(1, fd, (long)(p + off), bytes.Length - off);
                if (n <= 0) break;
                off += (int)n;
            }
        }
    }

    /// <summary>The call with its arguments, "name(a, b, c)".</summary>
    public static string Call(SyscallRow? row, in SysArgs a, long result)
    {
        var sb = new StringBuilder();
        if (row == null)
        {
            sb.Append(Nr.Name(a.Nr) ?? $"syscall_{a.Nr}").Append('(');
            for (int i = 0; i < 6; i++) sb.Append(i > 0 ? ", " : "").Append(Hex(a[i]));
            return sb.Append(')').ToString();
        }
        sb.Append(row.Name).Append('(');
        bool first = true;
        for (int i = 0; i < row.Args.Length; i++)
        {
            string? s = FormatArg(row.Args, i, in a, result);
            if (s == null) continue;
            if (!first) sb.Append(", ");
            sb.Append(s);
            first = false;
        }
        return sb.Append(')').ToString();
    }

    /// <summary>The whole line for a call that returned <paramref name="result"/>.</summary>
    public static string Line(SyscallRow? row, in SysArgs a, long result) =>
        Result(Call(row, in a, result), result, row?.Ret ?? Ret.Int, in a);

    /// <summary>" = 3", " = -1 ENOENT (No such file or directory)", padded as strace pads to column 40.</summary>
    public static string Result(string call, long result, Ret ret) => Result(call, result, ret, default);

    static string Result(string call, long result, Ret ret, in SysArgs a)
    {
        var sb = new StringBuilder(call);
        if (sb.Length < 40) sb.Append(' ', 40 - sb.Length); else sb.Append(' ');
        sb.Append("= ");
        if (ret == Ret.None) sb.Append('?');
        else if (result < 0 && result >= -4095)
        {
            int e = (int)-result;
            sb.Append("-1 ").Append(Errno.Name(e) ?? $"E{e}").Append(" (").Append(Errno.Message(e)).Append(')');
        }
        else if (ret == Ret.Hex) sb.Append(Hex((ulong)result));
        else if (ret == Ret.Oct) sb.Append(Oct((ulong)result));
        else if (ret == Ret.Fcntl && a.I(1) == 1 /* F_GETFD */ && result != 0)
            sb.Append(Hex((ulong)result)).Append(" (flags ").Append(Symbols.Flags(Symbols.CloseOnExec, (ulong)result)).Append(')');
        else if (ret == Ret.Fcntl && a.I(1) == 3 /* F_GETFL */)
            sb.Append(Hex((ulong)result)).Append(" (flags ").Append(Symbols.OpenFlagsText((ulong)result)).Append(')');
        else if (ret == Ret.Poll && result > 0) sb.Append(result).Append(" (").Append(PollFds(a.A0, (int)a.A1, revents: true)).Append(')');
        else if (ret == Ret.Poll && result == 0) sb.Append("0 (Timeout)");
        else if (ret == Ret.Time)
            sb.Append(result).Append(" (").Append(DateTimeOffset.FromUnixTimeSeconds(result).ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss")).Append(TzOffset(result)).Append(')');
        else sb.Append(result);
        return sb.ToString();
    }

    static string TzOffset(long t)
    {
        var off = TimeZoneInfo.Local.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(t));
        return (off < TimeSpan.Zero ? "-" : "+") + off.ToString("hhmm");
    }

    static string Hex(ulong v) => v == 0 ? "0" : $"0x{v:x}";
    static string PtrText(ulong v) => v == 0 ? "NULL" : $"0x{v:x}";

    /// <summary>Formats argument <paramref name="i"/>, or returns null when strace would omit it.</summary>
    static string? FormatArg(Arg[] args, int i, in SysArgs a, long result)
    {
        ulong v = a[i];
        var arg = args[i];
        switch (arg.Kind)
        {
            case ArgKind.Int: return ((int)v).ToString();
            case ArgKind.Long: return ((long)v).ToString();
            case ArgKind.ULong: return v.ToString();
            case ArgKind.Hex: return Hex(v);
            case ArgKind.Ptr: case ArgKind.Addr: case ArgKind.InStruct: case ArgKind.OutStruct: return PtrText(v);
            case ArgKind.Fd: return ((int)v).ToString();
            case ArgKind.DirFd: return (int)v == -100 ? "AT_FDCWD" : ((int)v).ToString();
            case ArgKind.Path: case ArgKind.LPath: case ArgKind.Str: return GuestString(v);
            case ArgKind.InBuf: return GuestBuffer(v, a[arg.N], false);
            case ArgKind.OutBuf: return result < 0 ? PtrText(v) : GuestBuffer(v, (ulong)result, false);
            case ArgKind.OutHex: return result < 0 ? PtrText(v) : GuestBuffer(v, (ulong)result, true);
            case ArgKind.OutStr: return result < 0 ? PtrText(v) : GuestString(v);
            case ArgKind.Oct: return Oct(v);
            case ArgKind.OpenMode:
                return i > 0 && (a[i - 1] & 0x400040) != 0 ? Oct(v) : null;
            case ArgKind.OpenFlags: return Symbols.OpenFlagsText(v & 0xFFFFFFFF);
            case ArgKind.AtFlags: return Symbols.Flags(Symbols.AtFlags, v & 0xFFFFFFFF);
            case ArgKind.AccessMode: return Symbols.Flags(Symbols.AccessMode, v & 0xFFFFFFFF, "F_OK");
            case ArgKind.MmapProt: return Symbols.Flags(Symbols.MmapProt, v & 0xFFFFFFFF, "PROT_NONE");
            case ArgKind.MmapFlags: return Symbols.MmapFlagsText(v & 0xFFFFFFFF);
            case ArgKind.Whence: return Symbols.Const(Symbols.Whence, (int)v, $"{Hex(v & 0xFFFFFFFF)} /* SEEK_??? */");
            case ArgKind.Signal: return Symbols.Signal((int)v);
            case ArgKind.SigHow: return Symbols.Const(Symbols.SigHow, (int)v, Unknown(v, "SIG"));
            case ArgKind.ClockId: return Symbols.Const(Symbols.ClockId, (int)v, Unknown(v, "CLOCK"));
            case ArgKind.FcntlCmd: return Symbols.Const(Symbols.FcntlCmd, (int)v);
            case ArgKind.FcntlArg:
                return (int)a[i - 1] switch
                {
                    1 or 3 or 9 or 11 or 1025 or 1032 or 1034 => null,
                    2 => Symbols.Flags(Symbols.CloseOnExec, v & 0xFFFFFFFF),
                    4 => Symbols.OpenFlagsText(v & 0xFFFFFFFF),
                    5 or 6 or 7 or 36 or 37 or 38 => PtrText(v),
                    _ => ((int)v).ToString(),
                };
            case ArgKind.Ioctl: return Symbols.Const(Symbols.Ioctl, (long)(v & 0xFFFFFFFF), Hex(v & 0xFFFFFFFF));
            case ArgKind.FutexOp: return Symbols.FutexOpText(v);
            case ArgKind.ArchPrctl: return Symbols.Const(Symbols.ArchPrctl, (int)v, Unknown(v, "ARCH"));
            case ArgKind.Resource: return Symbols.Const(Symbols.Resource, (int)v);
            case ArgKind.SockDomain: return Symbols.Const(Symbols.SockDomain, (int)v);
            case ArgKind.SockType: return Symbols.SockTypeText(v & 0xFFFFFFFF);
            case ArgKind.Madvise: return Symbols.Const(Symbols.Madvise, (int)v);
            case ArgKind.SigSet:
                if (v == 0) return "NULL";
                return GuestMemory.Check(v, 8, GuestMemory.PermRead) ? Symbols.SigSet(*(ulong*)(GuestMemory.Base + v)) : PtrText(v);
            case ArgKind.MremapFlags: return Symbols.Flags(Symbols.MremapFlags, v & 0xFFFFFFFF);
            case ArgKind.MremapAddr: return (a[i - 1] & 2) != 0 ? PtrText(v) : null;
            case ArgKind.MsyncFlags: return Symbols.Flags(Symbols.MsyncFlags, v & 0xFFFFFFFF);
            case ArgKind.FutexTimeout:
                return (a.I(1) & 0x7F) switch
                {
                    0 or 9 or 6 or 11 or 13 => Timespec(v),
                    3 or 4 or 5 or 12 => ((int)v).ToString(),
                    _ => null,
                };
            case ArgKind.FutexAddr2: return (a.I(1) & 0x7F) is 3 or 4 or 5 or 11 or 12 ? PtrText(v) : null;
            case ArgKind.FutexVal3:
                return (a.I(1) & 0x7F) switch
                {
                    4 or 12 => ((int)v).ToString(),
                    9 or 10 => (uint)v == 0xFFFFFFFF ? "FUTEX_BITSET_MATCH_ANY" : Hex(v & 0xFFFFFFFF),
                    5 => Hex(v & 0xFFFFFFFF),
                    _ => null,
                };
            case ArgKind.RlimitIn: return Rlimit(v, a.Nr == Nr.prlimit64);
            case ArgKind.RlimitOut: return result < 0 ? PtrText(v) : Rlimit(v, a.Nr == Nr.prlimit64);
            case ArgKind.SigactionIn: return Sigaction(v);
            case ArgKind.SigactionOut: return result < 0 ? PtrText(v) : Sigaction(v);
            case ArgKind.SigSetOut:
                if (v == 0) return "NULL";
                return result >= 0 && Readable(v, 8) ? Symbols.SigSet(*(ulong*)(GuestMemory.Base + v)) : PtrText(v);
            case ArgKind.ArchAddr:
                if ((a.I(0) is 0x1003 or 0x1004) && result >= 0 && Readable(v, 8)) return $"[{PtrText(*(ulong*)(GuestMemory.Base + v))}]";
                return Hex(v);
            case ArgKind.Utsname:
                if (result < 0 || !Readable(v, 390)) return PtrText(v);
                return $"{{sysname={Quote(CField(v, 65), false)}, nodename={Quote(CField(v + 65, 65), false)}, ...}}";
            case ArgKind.GrndFlags: return Symbols.Flags(Symbols.GrndFlags, v & 0xFFFFFFFF);
            case ArgKind.FdFlags: return Symbols.Flags(Symbols.OpenFlags, v & 0xFFFFFFFF);
            case ArgKind.StatBuf: return result < 0 ? PtrText(v) : Stat(v);
            case ArgKind.FdPair:
                if (result < 0 || !GuestMemory.Check(v, 8, GuestMemory.PermRead)) return PtrText(v);
                return $"[{*(int*)(GuestMemory.Base + v)}, {*(int*)(GuestMemory.Base + v + 4)}]";
            case ArgKind.IovIn: return Iov(v, (int)a[arg.N], long.MaxValue);
            case ArgKind.IovOut: return result < 0 ? PtrText(v) : Iov(v, (int)a[arg.N], result);
            case ArgKind.Dirents: return result < 0 ? PtrText(v) : $"{PtrText(v)} /* {CountDirents(v, result)} entries */";
            case ArgKind.InTime: return Timespec(v);
            case ArgKind.OutTime: return result < 0 ? PtrText(v) : Timespec(v);
            case ArgKind.PollFds: return PollFds(v, (int)a[arg.N], revents: false);
            default: return Hex(v);
        }
    }

    /// <summary>strace's rendering of an unknown constant: "0x63 /* CLOCK_??? */".</summary>
    static string Unknown(ulong v, string prefix) => $"{Hex(v & 0xFFFFFFFF)} /* {prefix}_??? */";

    static byte[] CField(ulong a, int max)
    {
        var span = new ReadOnlySpan<byte>(GuestMemory.Base + a, max);
        int n = span.IndexOf((byte)0);
        return span[..(n < 0 ? max : n)].ToArray();
    }

    static string RlimValue(ulong v, bool is64)
    {
        if (v == ulong.MaxValue) return is64 ? "RLIM64_INFINITY" : "RLIM_INFINITY";
        return v > 1024 && v % 1024 == 0 ? $"{v / 1024}*1024" : v.ToString();
    }

    static string Rlimit(ulong a, bool is64)
    {
        if (a == 0) return "NULL";
        if (!Readable(a, 16)) return PtrText(a);
        ulong* r = (ulong*)(GuestMemory.Base + a);
        return $"{{rlim_cur={RlimValue(r[0], is64)}, rlim_max={RlimValue(r[1], is64)}}}";
    }

    static string Sigaction(ulong a)
    {
        if (a == 0) return "NULL";
        if (!Readable(a, 32)) return PtrText(a);
        ulong* s = (ulong*)(GuestMemory.Base + a);
        string handler = s[0] switch { 0 => "SIG_DFL", 1 => "SIG_IGN", _ => Hex(s[0]) };
        string text = $"{{sa_handler={handler}, sa_mask={Symbols.SigSet(s[3])}, sa_flags={Symbols.Flags(Symbols.SaFlags, s[1] & 0xFFFFFFFF)}";
        if ((s[1] & 0x04000000) != 0) text += $", sa_restorer={PtrText(s[2])}";
        return text + "}";
    }

    static bool Readable(ulong a, ulong n) => a != 0 && GuestMemory.Check(a, n, GuestMemory.PermRead);

    /// <summary>strace's abbreviated struct stat: the type and permissions, then the size (or device numbers).</summary>
    static string Stat(ulong a)
    {
        if (!Readable(a, 144)) return PtrText(a);
        byte* p = GuestMemory.Base + a;
        uint mode = *(uint*)(p + 24);
        string type = (mode & 0xF000) switch
        {
            0x8000 => "S_IFREG", 0x4000 => "S_IFDIR", 0xA000 => "S_IFLNK", 0x2000 => "S_IFCHR", 0x6000 => "S_IFBLK",
            0x1000 => "S_IFIFO", 0xC000 => "S_IFSOCK", _ => Hex(mode & 0xF000),
        };
        string perm = Oct(mode & 0xFFF);
        if ((mode & 0xF000) is 0x2000 or 0x6000)
        {
            ulong rdev = *(ulong*)(p + 40);
            ulong major = ((rdev >> 8) & 0xFFF) | ((rdev >> 32) & ~0xFFFUL), minor = (rdev & 0xFF) | ((rdev >> 12) & ~0xFFUL);
            return $"{{st_mode={type}|{perm}, st_rdev=makedev({Hex(major)}, {Hex(minor)}), ...}}";
        }
        return $"{{st_mode={type}|{perm}, st_size={*(long*)(p + 48)}, ...}}";
    }

    static string Timespec(ulong a)
    {
        if (a == 0) return "NULL";
        if (!Readable(a, 16)) return PtrText(a);
        long* t = (long*)(GuestMemory.Base + a);
        return $"{{tv_sec={t[0]}, tv_nsec={t[1]}}}";
    }

    /// <summary>[{iov_base="ab", iov_len=2}, ...], the data cut at <paramref name="limit"/> bytes in total (what was read).</summary>
    static string Iov(ulong a, int count, long limit)
    {
        if (count < 0 || !Readable(a, (ulong)Math.Max(count, 1) * 16)) return PtrText(a);
        var sb = new StringBuilder("[");
        for (int i = 0; i < Math.Min(count, 1024); i++)
        {
            ulong b = *(ulong*)(GuestMemory.Base + a + (ulong)i * 16), len = *(ulong*)(GuestMemory.Base + a + (ulong)i * 16 + 8);
            ulong shown = (ulong)Math.Max(0, Math.Min((long)len, limit));
            limit -= (long)shown;
            if (i > 0) sb.Append(", ");
            sb.Append("{iov_base=").Append(GuestBuffer(b, shown, false)).Append(", iov_len=").Append(len).Append('}');
        }
        return sb.Append(']').ToString();
    }

    static int CountDirents(ulong a, long len)
    {
        int n = 0;
        for (long off = 0; off + 19 <= len && Readable(a + (ulong)off + 16, 2); n++)
        {
            ushort reclen = *(ushort*)(GuestMemory.Base + a + (ulong)off + 16);
            if (reclen == 0) break;
            off += reclen;
        }
        return n;
    }

    static readonly (ulong, string)[] pollEvents =
    [
        (0x1, "POLLIN"), (0x2, "POLLPRI"), (0x4, "POLLOUT"), (0x8, "POLLERR"), (0x10, "POLLHUP"), (0x20, "POLLNVAL"),
        (0x40, "POLLRDNORM"), (0x80, "POLLRDBAND"), (0x100, "POLLWRNORM"), (0x200, "POLLWRBAND"), (0x400, "POLLMSG"), (0x2000, "POLLRDHUP"),
    ];

    /// <summary>[{fd=3, events=POLLIN}, ...], or with <paramref name="revents"/> only the entries that have events.</summary>
    static string PollFds(ulong a, int count, bool revents)
    {
        if (count <= 0 || !Readable(a, (ulong)count * 8)) return count == 0 ? "[]" : PtrText(a);
        var parts = new List<string>();
        for (int i = 0; i < Math.Min(count, 1024); i++)
        {
            byte* p = GuestMemory.Base + a + (ulong)i * 8;
            int fd = *(int*)p;
            ushort ev = *(ushort*)(p + (revents ? 6 : 4));
            if (revents && ev == 0) continue;
            parts.Add($"{{fd={fd}, {(revents ? "revents" : "events")}={Symbols.Flags(pollEvents, ev)}}}");
        }
        return "[" + string.Join(", ", parts) + "]";
    }

    static string Oct(ulong v) => "0" + Convert.ToString((long)(v & 0xFFFFFFFF), 8).PadLeft(2, '0');

    /// <summary>A NUL-terminated guest string, quoted in full (strace prints paths whole), or its address if unreadable.</summary>
    static string GuestString(ulong a)
    {
        if (a == 0) return "NULL";
        var bytes = new List<byte>();
        for (ulong p = a; bytes.Count < 4096; p++)
        {
            if (!GuestMemory.Check(p, 1, GuestMemory.PermRead)) return PtrText(a);
            byte b = GuestMemory.Base[p];
            if (b == 0) break;
            bytes.Add(b);
        }
        return Quote(bytes.ToArray(), false);
    }

    /// <summary>The first <see cref="MaxString"/> bytes of a guest buffer, quoted, "..." after when cut.</summary>
    static string GuestBuffer(ulong a, ulong len, bool hex)
    {
        int n = (int)Math.Min(len, MaxString);
        if (n > 0 && !GuestMemory.Check(a, (ulong)n, GuestMemory.PermRead)) return PtrText(a);
        var s = Quote(new ReadOnlySpan<byte>(GuestMemory.Base + a, n), hex);
        return len > MaxString ? s + "..." : s;
    }

    /// <summary>strace's quoting: C escapes for \t \n \v \f \r, \" and \\, printable ASCII as is, other
    /// bytes in octal with the fewest digits that cannot run into a following digit (or all in \x hex).</summary>
    public static string Quote(ReadOnlySpan<byte> s, bool hex)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            byte c = s[i];
            if (hex) { sb.Append("\\x").Append(c.ToString("x2")); continue; }
            switch (c)
            {
                case (byte)'"': sb.Append("\\\""); continue;
                case (byte)'\\': sb.Append("\\\\"); continue;
                case (byte)'\t': sb.Append("\\t"); continue;
                case (byte)'\n': sb.Append("\\n"); continue;
                case 0x0B: sb.Append("\\v"); continue;
                case 0x0C: sb.Append("\\f"); continue;
                case (byte)'\r': sb.Append("\\r"); continue;
            }
            if (c >= 0x20 && c < 0x7F) { sb.Append((char)c); continue; }
            bool nextDigit = i + 1 < s.Length && s[i + 1] >= (byte)'0' && s[i + 1] <= (byte)'7';
            string o = Convert.ToString(c, 8);
            sb.Append('\\').Append(nextDigit ? o.PadLeft(3, '0') : o);
        }
        return sb.Append('"').ToString();
    }
}
