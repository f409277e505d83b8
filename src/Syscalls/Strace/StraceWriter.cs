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

    /// <summary>" = 3", " = -1 ENOENT (No such file or directory)", padded as strace pads to column 40.</summary>
    public static string Result(string call, long result, Ret ret)
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
        else sb.Append(result);
        return sb.ToString();
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
            case ArgKind.Whence: return Symbols.Const(Symbols.Whence, (int)v);
            case ArgKind.Signal: return Symbols.Signal((int)v);
            case ArgKind.SigHow: return Symbols.Const(Symbols.SigHow, (int)v);
            case ArgKind.ClockId: return Symbols.Const(Symbols.ClockId, (int)v);
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
            case ArgKind.ArchPrctl: return Symbols.Const(Symbols.ArchPrctl, (int)v, Hex(v));
            case ArgKind.Resource: return Symbols.Const(Symbols.Resource, (int)v);
            case ArgKind.SockDomain: return Symbols.Const(Symbols.SockDomain, (int)v);
            case ArgKind.SockType: return Symbols.SockTypeText(v & 0xFFFFFFFF);
            case ArgKind.Madvise: return Symbols.Const(Symbols.Madvise, (int)v);
            case ArgKind.SigSet:
                if (v == 0) return "NULL";
                return GuestMemory.Check(v, 8, GuestMemory.PermRead) ? Symbols.SigSet(*(ulong*)(GuestMemory.Base + v)) : PtrText(v);
            default: return Hex(v);
        }
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
