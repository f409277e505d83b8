using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.Syscalls.Process;

/// <summary>
/// The child's side of <see cref="ForkCalls"/>: <c>unijit --fork-child FD</c> reads the snapshot from the
/// memfd at host fd FD (the mapped objects follow it at FD+1, FD+2, ...) before the guest's fd table is
/// built, then <see cref="Restore"/> rebuilds memory and state in the fresh kernel.
/// </summary>
public sealed unsafe class ForkChild
{
    public required ForkState State;
    public required AddressSpaceImage.Image Image;
    int memfd;
    int[] fileFds = [];

    /// <summary>Reads the snapshot and marks the descriptors that carried it close-on-exec, so the guest's
    /// fd table (built next, from the inherited descriptors) does not take them for guest fds.</summary>
    public static ForkChild Read(int fd)
    {
        Native.Sys(72, fd, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */);
        byte* st = stackalloc byte[144];
        if (Native.Sys(5 /* fstat */, fd, (long)st) < 0) throw new InvalidDataException($"no snapshot at fd {fd}");
        long size = *(long*)(st + 48);
        if (size < 8) throw new InvalidDataException("empty snapshot");
        long at = 0;
        PRead(fd, (byte*)&at, 8, size - 8);
        if (at < 0 || at > size - 8) throw new InvalidDataException("corrupt snapshot");
        var header = new byte[size - 8 - at];
        fixed (byte* p = header) PRead(fd, p, header.Length, at);
        using var r = new BinaryReader(new MemoryStream(header));
        var state = ForkState.Read(r);
        var image = AddressSpaceImage.Read(r, out int files);
        var fileFds = new int[files];
        for (int i = 0; i < files; i++)
        {
            fileFds[i] = fd + 1 + i;
            Native.Sys(72, fileFds[i], 2, 1);
        }
        return new ForkChild { State = state, Image = image, memfd = fd, fileFds = fileFds };
    }

    static void PRead(int fd, byte* p, long n, long off)
    {
        for (long done = 0; done < n;)
        {
            long got = Native.Sys(17 /* pread64 */, fd, (long)(p + done), n - done, off + done);
            if (got <= 0) throw new InvalidDataException($"cannot read the snapshot (errno {-got})");
            done += got;
        }
    }

    /// <summary>Maps the parent's memory, then sets registers, signals, fd flags and limits.</summary>
    public void Restore(Kernel k, Cpu cpu)
    {
        AddressSpaceImage.Restore(Image, memfd, fileFds);
        Native.Sys(3, memfd);
        State.Apply(k, cpu);
    }
}
