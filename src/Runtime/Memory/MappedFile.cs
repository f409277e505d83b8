namespace UniJit.Runtime.Memory;

/// <summary>
/// A host descriptor (close-on-exec) for the object behind a mapping: the file of a file mapping, or the
/// memfd behind a shared anonymous one. fork hands it to the child, which maps the same object, so
/// MAP_SHARED stays shared across fork and MAP_PRIVATE file pages need not be copied. VMAs are split and
/// cloned freely, so the descriptor is closed by the finalizer once no VMA refers to it.
/// </summary>
public sealed class MappedFile
{
    public readonly int Fd;

    public MappedFile(int fd) => Fd = fd;

    /// <summary>A close-on-exec duplicate of host fd <paramref name="fd"/>, or null if the host has none to spare.</summary>
    public static MappedFile? Dup(int fd)
    {
        long d = Native.Sys(72 /* fcntl */, fd, 1030 /* F_DUPFD_CLOEXEC */, 3);
        return d < 0 ? null : new MappedFile((int)d);
    }

    /// <summary>A memfd of <paramref name="size"/> bytes for a shared anonymous mapping (Linux backs those
    /// with shmem too), or null.</summary>
    public static unsafe MappedFile? Memfd(ulong size)
    {
        byte* name = stackalloc byte[] { (byte)'u', (byte)'n', (byte)'i', (byte)'j', (byte)'i', (byte)'t', (byte)'-', (byte)'s', (byte)'h', (byte)'m', 0 };
        long fd = Native.Sys(319 /* memfd_create */, (long)name, 1 /* MFD_CLOEXEC */);
        if (fd < 0) return null;
        if (Native.Sys(77 /* ftruncate */, fd, (long)size) < 0) { Native.Sys(3, fd); return null; }
        return new MappedFile((int)fd);
    }

    /// <summary>Makes the object at least <paramref name="size"/> bytes (a shared anonymous mapping that grows).</summary>
    public void EnsureSize(ulong size)
    {
        Span<byte> st = stackalloc byte[144];
        unsafe
        {
            fixed (byte* p = st)
                if (Native.Sys(5 /* fstat */, Fd, (long)p) == 0 && *(long*)(p + 48) >= (long)size) return;
        }
        Native.Sys(77, Fd, (long)size);
    }

    ~MappedFile() => Native.Sys(3, Fd);
}
