using System.Text;
using UniJit.Syscalls;
using static UniJit.Syscalls.Nr;

namespace UniJit.Tests.Syscalls;

/// <summary>Sockets, fd passing, epoll, eventfd, memfd: forwarded calls whose fds must stay guest numbers.</summary>
[Collection("Guest")]
public sealed class NetCallTests : IDisposable
{
    readonly SyscallFixture f = new();
    public void Dispose() => f.Dispose();

    const ulong AF_UNIX = 1, AF_INET = 2, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000;

    (int, int) Pair()
    {
        ulong sv = f.Alloc(8);
        Assert.Equal(0, f.Call(socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0UL, sv));
        return (f.Read<int>(sv), f.Read<int>(sv + 4));
    }

    [Fact]
    public void SocketpairSendRecv()
    {
        var (a, b) = Pair();
        Assert.Equal((3, 4), (a, b));
        Assert.Equal(1, f.Call(fcntl, (ulong)a, 1UL));
        Assert.Equal(4, f.Call(sendto, (ulong)a, f.Str("ping"), 4UL, 0UL, 0UL, 0UL));
        ulong buf = f.Alloc(16);
        Assert.Equal(4, f.Call(recvfrom, (ulong)b, buf, 16UL, 0UL, 0UL, 0UL));
        Assert.Equal("ping", f.Text(buf, 4));
        Assert.Equal(0, f.Call(shutdown, (ulong)a, 1UL));
        Assert.Equal(0, f.Call(recvfrom, (ulong)b, buf, 16UL, 0UL, 0UL, 0UL));
    }

    [Fact]
    public void SendmsgPassesAGuestFdAndRecvmsgInstallsIt()
    {
        var (a, b) = Pair();
        ulong pfds = f.Alloc(8);
        f.Call(pipe2, pfds, 0UL);
        int pr = f.Read<int>(pfds), pw = f.Read<int>(pfds + 4);
        // msghdr with one iovec and an SCM_RIGHTS message carrying the pipe's write end.
        ulong iov = f.Alloc(16), data = f.Str("fd"), ctl = f.Alloc(24), msg = f.Alloc(56);
        f.Write(iov, data); f.Write(iov + 8, 2UL);
        f.Write(ctl, 20UL); f.Write(ctl + 8, 1); f.Write(ctl + 12, 1); f.Write(ctl + 16, pw);
        f.Write(msg + 16, iov); f.Write(msg + 24, 1UL); f.Write(msg + 32, ctl); f.Write(msg + 40, 24UL);
        Assert.Equal(2, f.Call(sendmsg, (ulong)a, msg, 0UL));
        Assert.Equal(0, f.Call(close, (ulong)pw));
        ulong rbuf = f.Alloc(8), rctl = f.Alloc(64), rmsg = f.Alloc(56), riov = f.Alloc(16);
        f.Write(riov, rbuf); f.Write(riov + 8, 8UL);
        f.Write(rmsg + 16, riov); f.Write(rmsg + 24, 1UL); f.Write(rmsg + 32, rctl); f.Write(rmsg + 40, 64UL);
        Assert.Equal(2, f.Call(recvmsg, (ulong)b, rmsg, 0UL));
        Assert.Equal(24UL, f.Read<ulong>(rmsg + 40)); // CMSG_SPACE(sizeof(int))
        int got = f.Read<int>(rctl + 16);
        Assert.Equal(pw, got); // the lowest free guest number again
        Assert.Equal(3, f.Call(write, (ulong)got, f.Str("via"), 3UL));
        Assert.Equal(3, f.Call(read, (ulong)pr, rbuf, 8UL));
        Assert.Equal("via", f.Text(rbuf, 3));
    }

    [Fact]
    public void TcpLoopbackConnectAccept()
    {
        long srv = f.Call(socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0UL);
        Assert.Equal(3, srv);
        ulong addr = f.Alloc(16);
        f.Write(addr, (ushort)AF_INET); f.Write(addr + 4, 0x0100007Fu); // 127.0.0.1, port 0
        Assert.Equal(0, f.Call(bind, (ulong)srv, addr, 16UL));
        Assert.Equal(0, f.Call(listen, (ulong)srv, 4UL));
        ulong len = f.Alloc(4);
        f.Write(len, 16);
        Assert.Equal(0, f.Call(getsockname, (ulong)srv, addr, len));
        Assert.NotEqual(0, f.Read<ushort>(addr + 2));
        long cli = f.Call(socket, AF_INET, SOCK_STREAM, 0UL);
        Assert.Equal(0, f.Call(connect, (ulong)cli, addr, 16UL));
        long conn = f.Call(accept4, (ulong)srv, 0UL, 0UL, SOCK_CLOEXEC);
        Assert.Equal(5, conn);
        Assert.Equal(1, f.Call(fcntl, (ulong)conn, 1UL));
        Assert.Equal(5, f.Call(write, (ulong)cli, f.Str("hello"), 5UL));
        ulong buf = f.Alloc(8);
        Assert.Equal(5, f.Call(read, (ulong)conn, buf, 8UL));
        Assert.Equal("hello", f.Text(buf, 5));
        ulong one = f.Alloc(4);
        f.Write(one, 1);
        Assert.Equal(0, f.Call(setsockopt, (ulong)srv, 1UL /* SOL_SOCKET */, 2UL /* SO_REUSEADDR */, one, 4UL));
    }

    [Fact]
    public void EpollEventfdMemfd()
    {
        long ep = f.Call(epoll_create1, 0x80000UL);
        long ev = f.Call(eventfd2, 0UL, 0UL);
        Assert.Equal((3, 4), ((int)ep, (int)ev));
        ulong e = f.Alloc(12);
        f.Write(e, 1u /* EPOLLIN */); f.Write(e + 4, 0xABCDUL);
        Assert.Equal(0, f.Call(epoll_ctl, (ulong)ep, 1UL /* ADD */, (ulong)ev, e));
        ulong events = f.Alloc(12 * 4);
        Assert.Equal(0, f.Call(epoll_wait, (ulong)ep, events, 4UL, 0UL));
        ulong one = f.Alloc(8);
        f.Write(one, 1UL);
        Assert.Equal(8, f.Call(write, (ulong)ev, one, 8UL));
        Assert.Equal(1, f.Call(epoll_wait, (ulong)ep, events, 4UL, 0UL));
        Assert.Equal(0xABCDUL, f.Read<ulong>(events + 4));
        Assert.Equal(-Errno.EBADF, f.Call(epoll_ctl, (ulong)ep, 1UL, 77UL, e));

        long mfd = f.Call(memfd_create, f.Str("guest"), 1UL /* MFD_CLOEXEC */);
        Assert.Equal(5, mfd);
        Assert.Equal(1, f.Call(fcntl, (ulong)mfd, 1UL));
        Assert.Equal(4, f.Call(write, (ulong)mfd, f.Str("memf"), 4UL));
        ulong buf = f.Alloc(8);
        Assert.Equal(4, f.Call(pread64, (ulong)mfd, buf, 8UL, 0UL));
        Assert.Equal("memf", Encoding.ASCII.GetString(f.Bytes(buf, 4)));
    }
}
