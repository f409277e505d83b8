using UniJit.Runtime.Memory;
using UniJit.Syscalls;
using static UniJit.Syscalls.Nr;

namespace UniJit.Tests.Syscalls;

[Collection("Guest")]
public sealed class MemoryCallTests : IDisposable
{
    readonly SyscallFixture f = new();
    public void Dispose() => f.Dispose();

    const ulong RW = 3, R = 1;
    const ulong MapPrivAnon = 0x22, MapShared = 1;

    [Fact]
    public void AnonymousMmapMprotectMunmap()
    {
        long a = f.Call(mmap, 0UL, 8192UL, RW, MapPrivAnon, ulong.MaxValue, 0UL);
        Assert.True(a > 0 && (a & 0xFFF) == 0);
        Assert.True(GuestMemory.Check((ulong)a, 8192, GuestMemory.PermWrite));
        Assert.Equal(0, f.Call(mprotect, (ulong)a, 4096UL, R));
        Assert.False(GuestMemory.Check((ulong)a, 1, GuestMemory.PermWrite));
        Assert.True(GuestMemory.Check((ulong)a + 4096, 1, GuestMemory.PermWrite));
        // read(2) into the read-only page fails as on Linux.
        ulong fds = f.Alloc(8);
        f.Call(pipe2, fds, 0UL);
        f.Call(write, (ulong)f.Read<int>(fds + 4), f.Str("q"), 1UL);
        Assert.Equal(-Errno.EFAULT, f.Call(read, (ulong)f.Read<int>(fds), (ulong)a, 1UL));
        Assert.Equal(0, f.Call(munmap, (ulong)a, 8192UL));
        Assert.False(GuestMemory.IsMapped((ulong)a));
        Assert.Equal(-Errno.EINVAL, f.Call(munmap, (ulong)a + 1, 4096UL));
        Assert.Equal(-Errno.ENOMEM, f.Call(mprotect, (ulong)a, 4096UL, R));
        Assert.Equal(-Errno.EINVAL, f.Call(mmap, 0UL, 0UL, RW, MapPrivAnon, ulong.MaxValue, 0UL));
        Assert.Equal(-Errno.EBADF, f.Call(mmap, 0UL, 4096UL, RW, 2UL, 77UL, 0UL));
    }

    [Fact]
    public void SharedFileMappingWritesAreVisibleThroughRead()
    {
        string dir = f.TempDir();
        File.WriteAllBytes(dir + "/m", new byte[8192]);
        long fd = f.Call(open, f.Str(dir + "/m"), 2UL /* O_RDWR */);
        long a = f.Call(mmap, 0UL, 8192UL, RW, MapShared, (ulong)fd, 0UL);
        Assert.True(a > 0);
        GuestMemory.WriteBytes((ulong)a + 4096, "shared!"u8);
        ulong buf = f.Alloc(16);
        Assert.Equal(7, f.Call(pread64, (ulong)fd, buf, 7UL, 4096UL));
        Assert.Equal("shared!", f.Text(buf, 7));
        Assert.Equal(0, f.Call(msync, (ulong)a, 8192UL, 4UL /* MS_SYNC */));
        // The mapping shows up in /proc/self/maps with the file's name.
        Assert.Contains(dir + "/m", UniJit.Syscalls.Fs.ProcFiles.Maps());
        Assert.Equal(0, f.Call(munmap, (ulong)a, 8192UL));
        Assert.Equal("shared!", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(dir + "/m"), 4096, 7));
    }

    [Fact]
    public void PrivateFileMappingOfAReadOnlyFd()
    {
        string dir = f.TempDir();
        File.WriteAllText(dir + "/p", "private data");
        long fd = f.Call(open, f.Str(dir + "/p"), 0UL);
        long a = f.Call(mmap, 0UL, 4096UL, R, 2UL, (ulong)fd, 0UL);
        Assert.Equal("private data", f.Text((ulong)a, 12));
        Assert.Equal(-Errno.EACCES, f.Call(mmap, 0UL, 4096UL, RW, MapShared, (ulong)fd, 0UL));
        f.Call(munmap, (ulong)a, 4096UL);
    }

    [Fact]
    public void MremapGrowsAndKeepsContents()
    {
        long a = f.Call(mmap, 0UL, 4096UL, RW, MapPrivAnon, ulong.MaxValue, 0UL);
        GuestMemory.WriteBytes((ulong)a, "keep"u8);
        // Block growth in place so that the mapping has to move.
        long blocker = f.Call(mmap, (ulong)a + 4096, 4096UL, RW, MapPrivAnon | 0x100000 /* FIXED_NOREPLACE */, ulong.MaxValue, 0UL);
        Assert.Equal(a + 4096, blocker);
        Assert.Equal(-Errno.ENOMEM, f.Call(mremap, (ulong)a, 4096UL, 3 * 4096UL, 0UL, 0UL));
        long b = f.Call(mremap, (ulong)a, 4096UL, 3 * 4096UL, 1UL /* MAYMOVE */, 0UL);
        Assert.True(b > 0 && b != a);
        Assert.Equal("keep", f.Text((ulong)b, 4));
        Assert.True(GuestMemory.Check((ulong)b, 3 * 4096, GuestMemory.PermWrite));
        Assert.False(GuestMemory.IsMapped((ulong)a));
        f.Call(munmap, (ulong)b, 3 * 4096UL);
        f.Call(munmap, (ulong)blocker, 4096UL);
    }

    [Fact]
    public void MremapGrowsInPlaceWhenTheNextPagesAreFree()
    {
        long a = f.Call(mmap, 0UL, 4096UL, RW, MapPrivAnon, ulong.MaxValue, 0UL);
        f.Call(munmap, (ulong)a + 4096, 8192UL);
        GuestMemory.WriteBytes((ulong)a, "stay"u8);
        Assert.Equal(a, f.Call(mremap, (ulong)a, 4096UL, 3 * 4096UL, 0UL, 0UL));
        Assert.Equal("stay", f.Text((ulong)a, 4));
        GuestMemory.Write8((ulong)a + 3 * 4096 - 1, 9);
        Assert.Equal(0, f.Call(munmap, (ulong)a, 3 * 4096UL));
    }

    [Fact]
    public void BrkGrowsAndShrinks()
    {
        ulong savedStart = AddressSpace.BrkStart, savedCur = AddressSpace.BrkCurrent;
        try
        {
            AddressSpace.BrkStart = AddressSpace.BrkCurrent = 0x5800_0000;
            Assert.Equal(0x5800_0000L, f.Call(brk, 0UL));
            Assert.Equal(0x5800_2100L, f.Call(brk, 0x5800_2100UL));
            GuestMemory.Write8(0x5800_20FF, 1);
            Assert.Equal(0x5800_1000L, f.Call(brk, 0x5800_1000UL));
            Assert.False(GuestMemory.IsMapped(0x5800_1000));
            Assert.Equal(0x5800_1000L, f.Call(brk, 0x10UL)); // below the start: unchanged
            f.Call(brk, 0x5800_0000UL);
        }
        finally { AddressSpace.BrkStart = savedStart; AddressSpace.BrkCurrent = savedCur; }
    }

    [Fact]
    public void MadviseDontneedZeroesPrivateAnonymousMemory()
    {
        long a = f.Call(mmap, 0UL, 4096UL, RW, MapPrivAnon, ulong.MaxValue, 0UL);
        GuestMemory.Write8((ulong)a, 42);
        Assert.Equal(0, f.Call(madvise, (ulong)a, 4096UL, 4UL));
        Assert.Equal(0, GuestMemory.Read8((ulong)a));
        ulong vec = f.Alloc(1);
        Assert.Equal(0, f.Call(mincore, (ulong)a, 4096UL, vec));
        f.Call(munmap, (ulong)a, 4096UL);
        Assert.Equal(-Errno.ENOMEM, f.Call(madvise, (ulong)a, 4096UL, 4UL));
    }
}
