using System.Runtime.InteropServices;

namespace UniJit.Runtime.Memory;

/// <summary>The host libc calls the runtime itself needs (memory management, raw syscalls).</summary>
public static unsafe partial class Native
{
    public const int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public const int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
        MAP_NORESERVE = 0x4000, MAP_FIXED_NOREPLACE = 0x100000, MAP_GROWSDOWN = 0x100, MAP_STACK = 0x20000,
        MAP_POPULATE = 0x8000, MAP_DENYWRITE = 0x800, MAP_EXECUTABLE = 0x1000, MAP_LOCKED = 0x2000,
        MAP_NONBLOCK = 0x10000, MAP_HUGETLB = 0x40000, MAP_SHARED_VALIDATE = 3;
    public const int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;

    [LibraryImport("libc", SetLastError = true)]
    public static partial void* mmap(void* addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munmap(void* addr, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int mprotect(void* addr, nuint length, int prot);

    [LibraryImport("libc", SetLastError = true)]
    public static partial void* mremap(void* old, nuint oldSize, nuint newSize, int flags, void* newAddr);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int madvise(void* addr, nuint length, int advice);

    /// <summary>glibc's generic syscall(2): returns the raw result, -1 with errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

    /// <summary>A raw host system call, returning -errno on failure as the kernel does.</summary>
    public static long Sys(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0)
    {
        long r = syscall(nr, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -Marshal.GetLastPInvokeError() : r;
    }

    public static int Errno => Marshal.GetLastPInvokeError();
}
