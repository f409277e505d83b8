using System.Runtime.InteropServices;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Net;

/// <summary>sendmsg and recvmsg: the msghdr holds guest pointers (name, iovec array, control data),
/// so a host copy is built. File descriptors passed in SCM_RIGHTS control messages are translated
/// in both directions.</summary>
public static unsafe class MessageCalls
{
    [StructLayout(LayoutKind.Sequential)]
    struct MsgHdr
    {
        public ulong Name; public uint NameLen; uint pad0;
        public ulong Iov; public ulong IovLen;
        public ulong Control; public ulong ControlLen;
        public int Flags; int pad1;
    }

    const int SOL_SOCKET = 1, SCM_RIGHTS = 1;

    public static long SendMsg(Kernel k, in SysArgs a) => Run(k, a.I(0), a.A1, a.I(2), send: true);
    public static long RecvMsg(Kernel k, in SysArgs a) => Run(k, a.I(0), a.A1, a.I(2), send: false);

    static long Run(Kernel k, int fd, ulong msgAddr, int flags, bool send)
    {
        int host = k.Fds.HostOrThrow(fd);
        var g = Guest.Read<MsgHdr>(msgAddr);
        if (g.IovLen > 1024) return -Errno.EMSGSIZE;
        var h = g;
        if (g.Name != 0) h.Name = (ulong)(send ? Guest.In(g.Name, g.NameLen) : Guest.Out(g.Name, g.NameLen));
        var iov = new ulong[Math.Max(1, (int)g.IovLen * 2)];
        for (int i = 0; i < (int)g.IovLen; i++)
        {
            ulong b = Guest.Read<ulong>(g.Iov + (ulong)(i * 16)), l = Guest.Read<ulong>(g.Iov + (ulong)(i * 16) + 8);
            iov[2 * i] = l == 0 ? 0 : (ulong)(send ? Guest.In(b, l) : Guest.Out(b, l));
            iov[2 * i + 1] = l;
        }
        byte[] control = new byte[Math.Max(g.ControlLen, 1)];
        if (g.Control != 0 && g.ControlLen > 0)
        {
            if (send)
            {
                new ReadOnlySpan<byte>(Guest.In(g.Control, g.ControlLen), (int)g.ControlLen).CopyTo(control);
                MapRights(control, (int)g.ControlLen, fdg => k.Fds.HostOrThrow(fdg));
            }
            else Guest.Out(g.Control, g.ControlLen);
        }
        long r;
        fixed (ulong* iv = iov)
        fixed (byte* c = control)
        {
            h.Iov = (ulong)iv;
            h.Control = g.Control == 0 ? 0 : (ulong)c;
            r = Native.Sys(send ? 46 : 47, host, (long)&h, flags);
        }
        if (r < 0 || send) return r;
        // recvmsg: received fds are new host fds; give the guest numbers for them.
        bool cloexec = (flags & 0x40000000 /* MSG_CMSG_CLOEXEC */) != 0;
        if (g.Control != 0 && h.ControlLen > 0)
        {
            MapRights(control, (int)h.ControlLen, hfd =>
            {
                Native.Sys(72, hfd, 2, 1);
                long gfd = k.Fds.Install(hfd, cloexec);
                return gfd < 0 ? -1 : (int)gfd;
            });
            Guest.WriteBytes(g.Control, control.AsSpan(0, (int)h.ControlLen));
        }
        Guest.Write(msgAddr + 8, h.NameLen);
        Guest.Write(msgAddr + 40, h.ControlLen);
        Guest.Write(msgAddr + 48, h.Flags);
        return r;
    }

    /// <summary>Rewrites the fds of every SCM_RIGHTS message in a control buffer.</summary>
    static void MapRights(byte[] control, int len, Func<int, int> map)
    {
        int off = 0;
        while (off + 16 <= len)
        {
            ulong cmsgLen = BitConverter.ToUInt64(control, off);
            int level = BitConverter.ToInt32(control, off + 8), type = BitConverter.ToInt32(control, off + 12);
            if (cmsgLen < 16 || off + (int)cmsgLen > len) break;
            if (level == SOL_SOCKET && type == SCM_RIGHTS)
                for (int p = off + 16; p + 4 <= off + (int)cmsgLen; p += 4)
                    BitConverter.TryWriteBytes(control.AsSpan(p), map(BitConverter.ToInt32(control, p)));
            off += (int)((cmsgLen + 7) & ~7UL);
        }
    }
}
