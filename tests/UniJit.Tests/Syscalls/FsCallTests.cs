using System.Text;
using UniJit.Syscalls;
using static UniJit.Syscalls.Nr;

namespace UniJit.Tests.Syscalls;

[Collection("Guest")]
public sealed class FsCallTests : IDisposable
{
    readonly SyscallFixture f = new();
    public void Dispose() => f.Dispose();

    const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200, O_CLOEXEC = 0x80000, O_DIRECTORY = 0x10000;
    const long AT_FDCWD = -100;

    [Fact]
    public void PipeGivesLowestFreeGuestFdsAndCarriesData()
    {
        ulong fds = f.Alloc(8);
        Assert.Equal(0, f.Call(pipe2, fds, 0UL));
        int r = f.Read<int>(fds), w = f.Read<int>(fds + 4);
        Assert.Equal(3, r);
        Assert.Equal(4, w);
        ulong msg = f.Str("hello");
        Assert.Equal(5, f.Call(write, (ulong)w, msg, 5UL));
        ulong buf = f.Alloc(16);
        Assert.Equal(5, f.Call(read, (ulong)r, buf, 16UL));
        Assert.Equal("hello", f.Text(buf, 5));
        Assert.Equal(0, f.Call(close, (ulong)w));
        Assert.Equal(0, f.Call(read, (ulong)r, buf, 16UL)); // EOF
        Assert.Equal(0, f.Call(close, (ulong)r));
        Assert.Equal(-Errno.EBADF, f.Call(close, (ulong)r));
    }

    [Fact]
    public void GuestFdsAreVirtual_HostRuntimeFdsAreInvisible()
    {
        // Whatever host fds the runtime holds (there are many above 2), guest fd 3 is free and
        // unknown guest fds are EBADF rather than the runtime's descriptors.
        Assert.Equal(-Errno.EBADF, f.Call(fstat, 3UL, f.Alloc(144)));
        Assert.Equal(-Errno.EBADF, f.Call(close, 5UL));
        Assert.Equal(-Errno.EBADF, f.Call(write, 7UL, f.Str("x"), 1UL));
    }

    [Fact]
    public void OpenWriteSeekPreadStat()
    {
        string dir = f.TempDir();
        ulong path = f.Str(Path.Combine(dir, "a.txt"));
        long fd = f.Call(openat, unchecked((ulong)AT_FDCWD), path, (ulong)(O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC), 0x1a4UL);
        Assert.Equal(3, fd);
        Assert.Equal(11, f.Call(write, (ulong)fd, f.Str("hello world"), 11UL));
        Assert.Equal(6, f.Call(lseek, (ulong)fd, 6UL, 0UL));
        ulong buf = f.Alloc(32);
        Assert.Equal(5, f.Call(read, (ulong)fd, buf, 32UL));
        Assert.Equal("world", f.Text(buf, 5));
        Assert.Equal(5, f.Call(pread64, (ulong)fd, buf, 5UL, 0UL));
        Assert.Equal("hello", f.Text(buf, 5));
        ulong st = f.Alloc(144);
        Assert.Equal(0, f.Call(fstat, (ulong)fd, st));
        Assert.Equal(11L, f.Read<long>(st + 48));                      // st_size
        Assert.Equal(0x8000u, f.Read<uint>(st + 24) & 0xF000u);        // S_IFREG
        Assert.Equal(1, f.Call(fcntl, (ulong)fd, 1UL /* F_GETFD */));
        Assert.Equal(0, f.Call(close, (ulong)fd));
        Assert.Equal(0, f.Call(stat, path, st));
        Assert.Equal(11L, f.Read<long>(st + 48));
        Assert.Equal(-Errno.ENOENT, f.Call(open, f.Str(Path.Combine(dir, "missing")), (ulong)O_RDONLY));
        Assert.Equal(-Errno.EFAULT, f.Call(open, 0x10UL, (ulong)O_RDONLY));
    }

    [Fact]
    public void ReadIntoUnmappedMemoryIsEfault()
    {
        ulong fds = f.Alloc(8);
        f.Call(pipe2, fds, 0UL);
        int r = f.Read<int>(fds), w = f.Read<int>(fds + 4);
        f.Call(write, (ulong)w, f.Str("abc"), 3UL);
        Assert.Equal(-Errno.EFAULT, f.Call(read, (ulong)r, 0x1000UL, 3UL));
        Assert.Equal(-Errno.EFAULT, f.Call(write, (ulong)w, 0x1000UL, 3UL));
    }

    [Fact]
    public void DupFamilyAndFcntl()
    {
        ulong fds = f.Alloc(8);
        f.Call(pipe2, fds, 0UL);
        int r = f.Read<int>(fds), w = f.Read<int>(fds + 4);
        Assert.Equal(5, f.Call(dup, (ulong)w));
        Assert.Equal(10, f.Call(dup2, (ulong)w, 10UL));
        Assert.Equal(10, f.Call(dup2, 10UL, 10UL));
        Assert.Equal(-Errno.EINVAL, f.Call(dup3, 10UL, 10UL, 0UL));
        Assert.Equal(12, f.Call(dup3, (ulong)w, 12UL, (ulong)O_CLOEXEC));
        Assert.Equal(1, f.Call(fcntl, 12UL, 1UL));
        Assert.Equal(0, f.Call(fcntl, 10UL, 1UL));
        Assert.Equal(6, f.Call(fcntl, (ulong)w, 0UL /* F_DUPFD */, 0UL));
        Assert.Equal(20, f.Call(fcntl, (ulong)w, 1030UL /* F_DUPFD_CLOEXEC */, 20UL));
        Assert.Equal(1, f.Call(fcntl, 20UL, 1UL));
        Assert.Equal(0, f.Call(fcntl, 20UL, 2UL /* F_SETFD */, 0UL));
        Assert.Equal(0, f.Call(fcntl, 20UL, 1UL));
        Assert.Equal(O_WRONLY, f.Call(fcntl, 12UL, 3UL /* F_GETFL */) & 3);
        Assert.Equal(0, f.Call(fcntl, (ulong)r, 4UL /* F_SETFL */, 0x800UL /* O_NONBLOCK */));
        Assert.Equal(0x800, f.Call(fcntl, (ulong)r, 3UL) & 0x800);
        ulong buf = f.Alloc(8);
        Assert.Equal(-Errno.EAGAIN, f.Call(read, (ulong)r, buf, 8UL));
        // Writing through a duplicate reaches the same pipe.
        Assert.Equal(2, f.Call(write, 12UL, f.Str("hi"), 2UL));
        Assert.Equal(2, f.Call(read, (ulong)r, buf, 8UL));
        Assert.Equal(-Errno.EBADF, f.Call(dup, 99UL));
        Assert.Equal(-Errno.EINVAL, f.Call(fcntl, (ulong)r, 9999UL));
    }

    [Fact]
    public void ReadvWritev()
    {
        ulong fds = f.Alloc(8);
        f.Call(pipe2, fds, 0UL);
        int r = f.Read<int>(fds), w = f.Read<int>(fds + 4);
        ulong iov = f.Alloc(32);
        f.Write(iov, f.Str("ab")); f.Write(iov + 8, 2UL);
        f.Write(iov + 16, f.Str("cde")); f.Write(iov + 24, 3UL);
        Assert.Equal(5, f.Call(writev, (ulong)w, iov, 2UL));
        ulong b1 = f.Alloc(16), b2 = f.Alloc(16);
        f.Write(iov, b1); f.Write(iov + 8, 1UL);
        f.Write(iov + 16, b2); f.Write(iov + 24, 16UL);
        Assert.Equal(5, f.Call(readv, (ulong)r, iov, 2UL));
        Assert.Equal("a", f.Text(b1, 1));
        Assert.Equal("bcde", f.Text(b2, 4));
    }

    [Fact]
    public void DirectoriesAndNames()
    {
        string dir = f.TempDir();
        Assert.Equal(0, f.Call(mkdir, f.Str(dir + "/sub"), 0x1edUL));
        Assert.Equal(-Errno.EEXIST, f.Call(mkdir, f.Str(dir + "/sub"), 0x1edUL));
        File.WriteAllText(dir + "/sub/file", "x");
        Assert.Equal(0, f.Call(rename, f.Str(dir + "/sub/file"), f.Str(dir + "/sub/renamed")));
        Assert.Equal(0, f.Call(symlink, f.Str("renamed"), f.Str(dir + "/sub/link")));
        Assert.Equal(0, f.Call(link, f.Str(dir + "/sub/renamed"), f.Str(dir + "/sub/hard")));
        ulong buf = f.Alloc(64);
        Assert.Equal(7, f.Call(readlink, f.Str(dir + "/sub/link"), buf, 64UL));
        Assert.Equal("renamed", f.Text(buf, 7));
        long dfd = f.Call(open, f.Str(dir + "/sub"), (ulong)(O_RDONLY | O_DIRECTORY));
        Assert.True(dfd >= 3);
        ulong dents = f.Alloc(4096);
        long n = f.Call(getdents64, (ulong)dfd, dents, 4096UL);
        Assert.True(n > 0);
        var names = new List<string>();
        for (long off = 0; off < n;)
        {
            ushort reclen = f.Read<ushort>(dents + (ulong)off + 16);
            ulong name = dents + (ulong)off + 19;
            int len = 0;
            while (f.Read<byte>(name + (ulong)len) != 0) len++;
            names.Add(f.Text(name, len));
            off += reclen;
        }
        names.Sort(StringComparer.Ordinal);
        Assert.Equal(new[] { ".", "..", "hard", "link", "renamed" }, names);
        // *at calls relative to the directory fd.
        Assert.Equal(0, f.Call(faccessat, (ulong)dfd, f.Str("renamed"), 4UL /* R_OK */));
        Assert.Equal(0, f.Call(unlinkat, (ulong)dfd, f.Str("link"), 0UL));
        Assert.Equal(0, f.Call(unlinkat, (ulong)dfd, f.Str("hard"), 0UL));
        Assert.Equal(0, f.Call(unlink, f.Str(dir + "/sub/renamed")));
        Assert.Equal(-Errno.ENOENT, f.Call(access, f.Str(dir + "/sub/renamed"), 0UL));
        Assert.Equal(0, f.Call(close, (ulong)dfd));
        Assert.Equal(0, f.Call(rmdir, f.Str(dir + "/sub")));
    }

    [Fact]
    public void CwdFollowsChdir()
    {
        string dir = f.TempDir();
        string before = Directory.GetCurrentDirectory();
        try
        {
            Assert.Equal(0, f.Call(chdir, f.Str(dir)));
            ulong buf = f.Alloc(4096);
            long n = f.Call(getcwd, buf, 4096UL);
            Assert.Equal(dir.Length + 1, n);
            Assert.Equal(dir, f.Text(buf, dir.Length));
            Assert.Equal(-Errno.ERANGE, f.Call(getcwd, buf, 2UL));
            File.WriteAllText(Path.Combine(dir, "rel"), "1");
            Assert.Equal(0, f.Call(access, f.Str("rel"), 0UL));
        }
        finally { Directory.SetCurrentDirectory(before); }
    }

    [Fact]
    public void ProcSelfExeNamesTheGuestProgram()
    {
        ulong buf = f.Alloc(256);
        long n = f.Call(readlink, f.Str("/proc/self/exe"), buf, 256UL);
        Assert.Equal("/usr/bin/guest-program", f.Text(buf, (int)n));
        n = f.Call(readlinkat, unchecked((ulong)AT_FDCWD), f.Str($"/proc/{Environment.ProcessId}/exe"), buf, 4UL);
        Assert.Equal(4, n);
        Assert.Equal("/usr", f.Text(buf, 4));
    }

    [Fact]
    public void ProcSelfFdUsesGuestNumbers()
    {
        string dir = f.TempDir();
        long fd = f.Call(open, f.Str(dir + "/x"), (ulong)(O_RDWR | O_CREAT), 0x180UL);
        ulong buf = f.Alloc(512);
        long n = f.Call(readlink, f.Str($"/proc/self/fd/{fd}"), buf, 512UL);
        Assert.Equal(dir + "/x", f.Text(buf, (int)n));
        Assert.Equal(-Errno.ENOENT, f.Call(readlink, f.Str("/proc/self/fd/77"), buf, 512UL));
    }

    [Fact]
    public void ProcSelfMapsListsGuestMappings()
    {
        long fd = f.Call(open, f.Str("/proc/self/maps"), 0UL);
        Assert.True(fd >= 3);
        ulong buf = f.Alloc(65536);
        long n = f.Call(read, (ulong)fd, buf, 65536UL);
        Assert.Contains($"{SyscallFixture.Scratch:x8}-{SyscallFixture.Scratch + SyscallFixture.ScratchSize:x8} rw-p", f.Text(buf, (int)n));
    }

    [Fact]
    public void PollAndSelectSeeGuestFds()
    {
        ulong fds = f.Alloc(8);
        f.Call(pipe2, fds, 0UL);
        int r = f.Read<int>(fds), w = f.Read<int>(fds + 4);
        ulong pfd = f.Alloc(24);
        f.Write(pfd, r); f.Write(pfd + 4, (short)1 /* POLLIN */);
        f.Write(pfd + 8, w); f.Write(pfd + 12, (short)4 /* POLLOUT */);
        f.Write(pfd + 16, 55); f.Write(pfd + 20, (short)1);
        Assert.Equal(2, f.Call(poll, pfd, 3UL, 0UL));
        Assert.Equal(0, f.Read<short>(pfd + 6));
        Assert.Equal(4, f.Read<short>(pfd + 14));
        Assert.Equal(0x20, f.Read<short>(pfd + 22)); // POLLNVAL for a guest fd that is not open
        f.Call(write, (ulong)w, f.Str("z"), 1UL);
        ulong set = f.Alloc(128);
        f.Write(set, 1UL << r);
        ulong tv = f.Alloc(16);
        Assert.Equal(1, f.Call(select, (ulong)(r + 1), set, 0UL, 0UL, tv));
        Assert.Equal(1UL << r, f.Read<ulong>(set));
        f.Write(set, 1UL << 30);
        Assert.Equal(-Errno.EBADF, f.Call(select, 31UL, set, 0UL, 0UL, tv));
    }

    [Fact]
    public void IoctlOnAPipeIsNotATerminal()
    {
        ulong fds = f.Alloc(8);
        f.Call(pipe2, fds, 0UL);
        int r = f.Read<int>(fds), w = f.Read<int>(fds + 4);
        Assert.Equal(-Errno.ENOTTY, f.Call(ioctl, (ulong)r, 0x5401UL, f.Alloc(64)));
        f.Call(write, (ulong)w, f.Str("abc"), 3UL);
        ulong n = f.Alloc(4);
        Assert.Equal(0, f.Call(ioctl, (ulong)r, 0x541BUL /* FIONREAD */, n));
        Assert.Equal(3, f.Read<int>(n));
        Assert.Equal(-Errno.ENOTTY, f.Call(ioctl, (ulong)r, 0x12345UL, 0UL));
    }

    [Fact]
    public void TruncateChmodUmask()
    {
        string dir = f.TempDir();
        File.WriteAllText(dir + "/t", "0123456789");
        Assert.Equal(0, f.Call(truncate, f.Str(dir + "/t"), 4UL));
        Assert.Equal("0123", File.ReadAllText(dir + "/t"));
        Assert.Equal(0, f.Call(chmod, f.Str(dir + "/t"), 0x1c0UL /* 0700 */));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir + "/t"));
        long old = f.Call(umask, 0x12UL);
        Assert.Equal(0x12, f.Call(umask, (ulong)old));
    }
}
