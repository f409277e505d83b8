namespace UniJit.Runtime.Memory;

/// <summary>
/// The address space as fork hands it to the child process (Syscalls/Process/ForkCalls): the VMA list,
/// the host objects behind file and shared mappings (<see cref="MappedFile"/>), and the contents of
/// private pages, written into a memfd.
///
/// Only pages that exist are written: /proc/self/pagemap tells which pages of a mapping are present or
/// swapped out (a never-touched page of a NORESERVE stack or arena is neither, and reads as zero in the
/// child too). Of a private file mapping only the pages copied on write are written (pagemap's
/// "file page" bit is clear for those); the child maps the rest from the same file. Shared mappings
/// carry no data: the child maps the same file or memfd, so writes on either side are seen by both.
/// <see cref="Restore"/> runs in the child, whose window base may differ: it maps each VMA at the same
/// guest address, reads its pages back, then sets the protection.
/// </summary>
public static unsafe class AddressSpaceImage
{
    /// <summary>One VMA: its object (an index into <see cref="Image.Files"/>, or -1) and its page runs in the memfd.</summary>
    public sealed class Region
    {
        public required Vma Vma;
        public int File = -1;
        public readonly List<(ulong Addr, ulong Len, long Data)> Runs = new();
    }

    public sealed class Image
    {
        public readonly List<Region> Regions = new();
        /// <summary>The distinct host objects behind the mappings (the parent passes their fds to the child).</summary>
        public readonly List<MappedFile> Files = new();
        public ulong BrkStart, BrkCurrent, MmapBase, MmapMin;
    }

    const ulong Page = GuestMemory.PageSize;
    const ulong Present = 1UL << 63, Swapped = 1UL << 62, FilePage = 1UL << 61;

    /// <summary>Writes the private pages into <paramref name="memfd"/> from offset <paramref name="data"/> on
    /// (page-aligned; advanced past what was written) and describes every mapping. Returns null with
    /// <paramref name="error"/> set when the host refuses (pagemap unreadable, memfd full).</summary>
    public static Image? Capture(int memfd, ref long data, out string? error)
    {
        error = null;
        var image = new Image();
        var files = new Dictionary<MappedFile, int>(ReferenceEqualityComparer.Instance);
        long pagemap = OpenPagemap();
        if (pagemap < 0) { error = $"cannot open /proc/self/pagemap (errno {-pagemap})"; return null; }
        try
        {
            lock (AddressSpace.Lock)
            {
                image.BrkStart = AddressSpace.BrkStart;
                image.BrkCurrent = AddressSpace.BrkCurrent;
                image.MmapBase = AddressSpace.MmapBase;
                image.MmapMin = AddressSpace.MmapMin;
                foreach (var v in AddressSpace.Snapshot())
                {
                    var region = new Region { Vma = v };
                    if (v.File != null)
                    {
                        if (!files.TryGetValue(v.File, out int idx))
                        {
                            idx = image.Files.Count;
                            files[v.File] = idx;
                            image.Files.Add(v.File);
                        }
                        region.File = idx;
                    }
                    bool shared = (v.Flags & 3) != Native.MAP_PRIVATE && v.File != null;
                    if (!shared && !CopyPages(region, (int)pagemap, memfd, ref data, out error)) return null;
                    image.Regions.Add(region);
                }
            }
        }
        finally { Native.Sys(3, pagemap); }
        return image;
    }

    static long OpenPagemap()
    {
        byte* path = stackalloc byte[32];
        "/proc/self/pagemap\0"u8.CopyTo(new Span<byte>(path, 32));
        return Native.Sys(2 /* open */, (long)path, 0x80000 /* O_RDONLY | O_CLOEXEC */);
    }

    /// <summary>Appends the pages of <paramref name="r"/>'s VMA that hold data to the memfd, as runs.</summary>
    static bool CopyPages(Region r, int pagemap, int memfd, ref long data, out string? error)
    {
        error = null;
        var v = r.Vma;
        bool fileBacked = r.File >= 0;
        // A file mapping whose descriptor could not be kept: the child cannot map the file, so every page goes.
        bool all = !fileBacked && (v.Flags & Native.MAP_ANONYMOUS) == 0 && v.Name is not ("[heap]" or "[stack]") && v.Inode != 0;
        const int Chunk = 8192;
        ulong* entries = stackalloc ulong[Chunk];
        ulong runStart = 0, runLen = 0;
        for (ulong at = v.Start; at < v.End; at += Chunk * Page)
        {
            int n = (int)Math.Min(Chunk, (v.End - at) / Page);
            long want = n * 8L;
            long got = Native.Sys(17 /* pread64 */, pagemap, (long)entries, want, (long)((ulong)(GuestMemory.Base + at) / Page * 8));
            if (got != want) { error = $"cannot read /proc/self/pagemap ({(got < 0 ? "errno " + -got : "short read")})"; return false; }
            for (int i = 0; i < n; i++)
            {
                ulong e = entries[i];
                bool keep = all || (e & Swapped) != 0 || ((e & Present) != 0 && !(fileBacked && (e & FilePage) != 0));
                ulong page = at + (ulong)i * Page;
                if (keep && runLen > 0 && runStart + runLen == page) { runLen += Page; continue; }
                if (runLen > 0 && !WriteRun(r, runStart, runLen, memfd, ref data, out error)) return false;
                runLen = 0;
                if (keep) { runStart = page; runLen = Page; }
            }
        }
        return runLen == 0 || WriteRun(r, runStart, runLen, memfd, ref data, out error);
    }

    static bool WriteRun(Region r, ulong addr, ulong len, int memfd, ref long data, out string? error)
    {
        error = null;
        byte* p = GuestMemory.Base + addr;
        // Pages the guest made inaccessible are inaccessible on the host too: open them for the copy.
        bool closed = GuestMemory.HostProt(r.Vma.Prot) == Native.PROT_NONE;
        if (closed) Native.mprotect(p, (nuint)len, Native.PROT_READ);
        try
        {
            for (ulong done = 0; done < len;)
            {
                long w = Native.Sys(18 /* pwrite64 */, memfd, (long)(p + done), (long)(len - done), data + (long)done);
                if (w <= 0) { error = $"cannot write the memory image (errno {-w})"; return false; }
                done += (ulong)w;
            }
        }
        finally { if (closed) Native.mprotect(p, (nuint)len, Native.PROT_NONE); }
        r.Runs.Add((addr, len, data));
        data += (long)len;
        return true;
    }

    /// <summary>Rebuilds the address space in a fresh process: <paramref name="fileFds"/>[i] is the host fd
    /// for <see cref="Image.Files"/>[i]. Throws <see cref="InvalidOperationException"/> if the host refuses a mapping.</summary>
    public static void Restore(Image image, int memfd, int[] fileFds)
    {
        var files = fileFds.Select(fd => new MappedFile(fd)).ToArray();
        foreach (var r in image.Regions)
        {
            var v = r.Vma;
            ulong len = v.End - v.Start;
            byte* p = GuestMemory.Base + v.Start;
            int prot = GuestMemory.HostProt(v.Prot);
            bool shared = (v.Flags & 3) != Native.MAP_PRIVATE && r.File >= 0;
            void* m;
            if (shared)
                m = Native.mmap(p, (nuint)len, prot, Native.MAP_SHARED | Native.MAP_FIXED, fileFds[r.File], (long)v.FileOffset);
            else if (r.File >= 0 && (v.Flags & Native.MAP_ANONYMOUS) == 0)
                m = Native.mmap(p, (nuint)len, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_PRIVATE | Native.MAP_FIXED, fileFds[r.File], (long)v.FileOffset);
            else
                m = Native.mmap(p, (nuint)len, Native.PROT_READ | Native.PROT_WRITE,
                    Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE | Native.MAP_FIXED, -1, 0);
            if (m == (void*)-1) throw new InvalidOperationException($"cannot map 0x{v.Start:x}-0x{v.End:x} (errno {Native.Errno})");
            foreach (var (addr, n, data) in r.Runs)
                for (ulong done = 0; done < n;)
                {
                    long got = Native.Sys(17 /* pread64 */, memfd, (long)(GuestMemory.Base + addr + done), (long)(n - done), data + (long)done);
                    if (got <= 0) throw new InvalidOperationException($"cannot read the memory image at 0x{addr + done:x} (errno {-got})");
                    done += (ulong)got;
                }
            if (!shared) Native.mprotect(p, (nuint)len, prot);
            GuestMemory.SetPerm(v.Start, v.End, GuestMemory.PermFor(v.Prot));
            v.File = r.File >= 0 ? files[r.File] : null;
            AddressSpace.AddRestored(v);
        }
        AddressSpace.BrkStart = image.BrkStart;
        AddressSpace.BrkCurrent = image.BrkCurrent;
        AddressSpace.MmapBase = image.MmapBase;
        AddressSpace.MmapMin = image.MmapMin;
    }

    /// <summary>The image's description (not its pages) for the child.</summary>
    public static void Write(BinaryWriter w, Image image)
    {
        w.Write(image.BrkStart); w.Write(image.BrkCurrent); w.Write(image.MmapBase); w.Write(image.MmapMin);
        w.Write(image.Files.Count);
        w.Write(image.Regions.Count);
        foreach (var r in image.Regions)
        {
            var v = r.Vma;
            w.Write(v.Start); w.Write(v.End); w.Write(v.Prot); w.Write(v.Flags);
            w.Write(v.Name != null); if (v.Name != null) w.Write(v.Name);
            w.Write(v.FileOffset); w.Write(v.Device); w.Write(v.Inode);
            w.Write(r.File);
            w.Write(r.Runs.Count);
            foreach (var (addr, len, data) in r.Runs) { w.Write(addr); w.Write(len); w.Write(data); }
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote; <paramref name="files"/> is how many objects the parent passed.</summary>
    public static Image Read(BinaryReader rd, out int files)
    {
        var image = new Image
        {
            BrkStart = rd.ReadUInt64(), BrkCurrent = rd.ReadUInt64(), MmapBase = rd.ReadUInt64(), MmapMin = rd.ReadUInt64(),
        };
        files = rd.ReadInt32();
        int n = rd.ReadInt32();
        for (int i = 0; i < n; i++)
        {
            var v = new Vma { Start = rd.ReadUInt64(), End = rd.ReadUInt64(), Prot = rd.ReadInt32(), Flags = rd.ReadInt32() };
            if (rd.ReadBoolean()) v.Name = rd.ReadString();
            v.FileOffset = rd.ReadUInt64(); v.Device = rd.ReadUInt64(); v.Inode = rd.ReadUInt64();
            var r = new Region { Vma = v, File = rd.ReadInt32() };
            int runs = rd.ReadInt32();
            for (int j = 0; j < runs; j++) r.Runs.Add((rd.ReadUInt64(), rd.ReadUInt64(), rd.ReadInt64()));
            image.Regions.Add(r);
        }
        return image;
    }
}
