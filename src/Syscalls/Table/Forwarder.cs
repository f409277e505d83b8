using UniJit.Runtime.Memory;
using UniJit.Syscalls.Fs;

namespace UniJit.Syscalls.Table;

/// <summary>
/// Runs a table row that has no handler of its own on the host kernel, with each argument translated
/// by its kind: guest fds become host fds (EBADF if not open), paths go through the
/// <see cref="PathResolver"/> (with the preceding directory fd, and the AT_ flags deciding whether a
/// final symlink is followed), buffers and structs are range-checked and turned into host pointers
/// (written ones after <see cref="GuestMemory.PrepareWrite"/>). A <see cref="Ret.NewFd"/> result is a host
/// fd, installed in the guest's fd table.
/// </summary>
public static unsafe class Forwarder
{
    const int AT_SYMLINK_NOFOLLOW = 0x100, AT_SYMLINK_FOLLOW = 0x400, AT_EMPTY_PATH = 0x1000;

    public static long Forward(Kernel k, SyscallRow row, in SysArgs a)
    {
        var args = row.Args;
        Span<long> v = stackalloc long[6];
        byte** pinned = stackalloc byte*[2];
        int npinned = 0;
        int atFlags = 0;
        for (int i = 0; i < args.Length; i++)
            if (args[i].Kind == ArgKind.AtFlags) atFlags |= a.I(i);
        try
        {
            for (int i = 0; i < 6; i++)
            {
                ulong x = a[i];
                v[i] = (long)x;
                if (i >= args.Length) continue;
                var arg = args[i];
                switch (arg.Kind)
                {
                    case ArgKind.Ptr: v[i] = Guest.Ptr(x); break;
                    case ArgKind.Fd:
                        // The common failure is returned, not thrown: exceptions cost microseconds each.
                        int h = k.Fds.Host((int)x);
                        if (h < 0) return h;
                        v[i] = h;
                        break;
                    case ArgKind.DirFd:
                        // Resolved together with the path that follows it.
                        if (i + 1 >= args.Length || args[i + 1].Kind is not (ArgKind.Path or ArgKind.LPath))
                            v[i] = (int)x == PathResolver.AT_FDCWD ? PathResolver.AT_FDCWD : k.Fds.HostOrThrow((int)x);
                        break;
                    case ArgKind.Path:
                    case ArgKind.LPath:
                    {
                        bool follow = arg.Kind == ArgKind.Path
                            ? (atFlags & AT_SYMLINK_NOFOLLOW) == 0
                            : (atFlags & AT_SYMLINK_FOLLOW) != 0;
                        bool hasDir = i > 0 && args[i - 1].Kind == ArgKind.DirFd;
                        int dir = hasDir ? a.I(i - 1) : PathResolver.AT_FDCWD;
                        var r = k.Paths.Resolve(dir, Guest.CStr(x), follow, (atFlags & AT_EMPTY_PATH) != 0);
                        byte* p = Guest.HostCStr(r.Path);
                        pinned[npinned++] = p;
                        v[i] = (long)p;
                        if (hasDir) v[i - 1] = r.DirFd;
                        break;
                    }
                    case ArgKind.Str: Guest.CStr(x); v[i] = Guest.Ptr(x); break;
                    case ArgKind.InBuf: v[i] = (long)Guest.In(x, a[arg.N]); break;
                    case ArgKind.OutBuf: case ArgKind.OutHex: v[i] = (long)Guest.Out(x, a[arg.N]); break;
                    case ArgKind.InStruct: v[i] = x == 0 ? 0 : (long)Guest.In(x, (ulong)arg.N); break;
                    case ArgKind.OutStruct: v[i] = x == 0 ? 0 : (long)Guest.Out(x, (ulong)arg.N); break;
                    case ArgKind.Utsname: v[i] = (long)Guest.Out(x, 390); break;
                    case ArgKind.StatBuf: v[i] = (long)Guest.Out(x, 144); break;
                    case ArgKind.InTime: v[i] = x == 0 ? 0 : (long)Guest.In(x, 16); break;
                    case ArgKind.OutTime: v[i] = x == 0 ? 0 : (long)Guest.Out(x, 16); break;
                    case ArgKind.Dirents: v[i] = (long)Guest.Out(x, a[i + 1]); break;
                    case ArgKind.SigSet: v[i] = x == 0 ? 0 : (long)Guest.In(x, 8); break;
                }
            }
            long res = Native.Sys(a.Nr, v[0], v[1], v[2], v[3], v[4], v[5]);
            if (row.Ret == Ret.NewFd && res >= 0)
            {
                bool cloexec = row.CloExecArg >= 0 && (a[row.CloExecArg] & row.CloExecBit) != 0;
                return InstallHostFd(k, (int)res, cloexec);
            }
            return res;
        }
        finally
        {
            for (int i = 0; i < npinned; i++) Guest.Free(pinned[i]);
        }
    }

    /// <summary>Marks a fresh host fd close-on-exec on the host and gives the guest its own number for it.</summary>
    public static long InstallHostFd(Kernel k, int hostFd, bool guestCloExec)
    {
        Native.Sys(72 /* fcntl */, hostFd, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */);
        return k.Fds.Install(hostFd, guestCloExec);
    }
}
