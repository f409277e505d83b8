using UniJit.Runtime.Dispatch;
using UniJit.Syscalls;
using static UniJit.Syscalls.Nr;

namespace UniJit.Tests.Syscalls;

/// <summary>-r (confined guest root) and -L (library prefix) path translation.</summary>
[Collection("Guest")]
public sealed class PathResolverTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("unijit-root-").FullName;
    readonly string cwd = Directory.GetCurrentDirectory();

    public PathResolverTests()
    {
        Directory.CreateDirectory(root + "/etc");
        Directory.CreateDirectory(root + "/home/user");
        File.WriteAllText(root + "/etc/passwd", "guest-passwd");
        File.CreateSymbolicLink(root + "/home/user/up", "../../../../../../etc");
        File.CreateSymbolicLink(root + "/home/user/abs", "/etc/passwd");
        File.CreateSymbolicLink(root + "/home/user/loop", "loop");
    }

    public void Dispose()
    {
        Directory.SetCurrentDirectory(cwd);
        Directory.Delete(root, true);
    }

    string ReadVia(SyscallFixture f, string path)
    {
        long fd = f.Call(open, f.Str(path), 0UL);
        if (fd < 0) return Errno.Name((int)-fd)!;
        ulong buf = f.Alloc(64);
        long n = f.Call(read, (ulong)fd, buf, 64UL);
        f.Call(close, (ulong)fd);
        return f.Text(buf, (int)n);
    }

    [Fact]
    public void RootConfinesDotDotAndSymlinks()
    {
        using var f = new SyscallFixture(new RunOptions { Root = root }, exe: root + "/bin/prog");
        Assert.Equal("guest-passwd", ReadVia(f, "/etc/passwd"));
        Assert.Equal("guest-passwd", ReadVia(f, "/../../../etc/passwd"));
        Assert.Equal("guest-passwd", ReadVia(f, "/home/user/up/passwd"));
        Assert.Equal("guest-passwd", ReadVia(f, "/home/user/abs"));
        Assert.Equal("ELOOP", ReadVia(f, "/home/user/loop"));
        // The cwd starts at the guest's "/" and relative paths resolve inside the root.
        ulong buf = f.Alloc(256);
        Assert.Equal(2, f.Call(getcwd, buf, 256UL));
        Assert.Equal("/", f.Text(buf, 1));
        Assert.Equal(0, f.Call(chdir, f.Str("/home/user")));
        Assert.Equal("guest-passwd", ReadVia(f, "../../etc/passwd"));
        Assert.Equal(11, f.Call(getcwd, buf, 256UL));
        Assert.Equal("/home/user", f.Text(buf, 10));
        // *at calls relative to a directory fd inside the root.
        long dfd = f.Call(open, f.Str("/etc"), 0x10000UL);
        Assert.Equal(0, f.Call(faccessat, (ulong)dfd, f.Str("../etc/passwd"), 0UL));
        // readlink shows link text, /proc/self/exe the guest path.
        long n = f.Call(readlink, f.Str("/home/user/abs"), buf, 256UL);
        Assert.Equal("/etc/passwd", f.Text(buf, (int)n));
        n = f.Call(readlink, f.Str("/proc/self/exe"), buf, 256UL);
        Assert.Equal("/bin/prog", f.Text(buf, (int)n));
        // lstat sees the link itself.
        ulong st = f.Alloc(144);
        Assert.Equal(0, f.Call(lstat, f.Str("/home/user/abs"), st));
        Assert.Equal(0xA000u, f.Read<uint>(st + 24) & 0xF000);
    }

    [Fact]
    public void PrefixIsTriedFirstThenTheHost()
    {
        using var f = new SyscallFixture(new RunOptions { LibPrefix = root });
        Assert.Equal("guest-passwd", ReadVia(f, "/etc/passwd"));
        // Not under the prefix: the host's file.
        Assert.Equal(File.ReadAllText("/etc/hostname").Length > 0 ? File.ReadAllText("/etc/hostname")[..Math.Min(64, File.ReadAllText("/etc/hostname").Length)] : "",
            ReadVia(f, "/etc/hostname"));
    }
}
