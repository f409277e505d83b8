namespace UniJit.Runtime.Memory;

/// <summary>
/// The guest's mappings with Linux's semantics: mmap (anonymous and file-backed, private and shared,
/// MAP_FIXED, MAP_FIXED_NOREPLACE, hints), munmap, mprotect, mremap and brk. Every operation keeps
/// three things in step: the sorted VMA list (for /proc/self/maps and placement), the host mapping
/// inside the window, and the software permission table in <see cref="GuestMemory"/>.
/// Results follow the kernel's convention: a value, or -errno.
/// </summary>
public static unsafe class AddressSpace
{
    const long ENOMEM = -12, EINVAL = -22, EEXIST = -17, EACCES = -13, EBADF = -9;
    const ulong Page = GuestMemory.PageSize;

    static readonly List<Vma> vmas = new();
    static readonly object gate = new();

    /// <summary>Where top-down placement of mmap(NULL) starts (below the stack).</summary>
    public static ulong MmapBase = 0x0F00_0000_0000;
    /// <summary>Lowest address mmap(NULL) hands out.</summary>
    public static ulong MmapMin = 0x1_0000_0000;

    public static ulong BrkStart, BrkCurrent;

    public static object Lock => gate;

    /// <summary>A snapshot of the mappings, sorted by address.</summary>
    public static Vma[] Snapshot() { lock (gate) return vmas.Select(v => v.Clone()).ToArray(); }

    /// <summary>Adds a mapping whose host pages are already in place (a fork child rebuilding its parent's list).</summary>
    internal static void AddRestored(Vma v)
    {
        lock (gate)
        {
            Carve(v.Start, v.End);
            vmas.Insert(FindFirstEndingAfter(v.Start), v);
        }
    }

    static ulong PageUp(ulong x) => (x + Page - 1) & ~(Page - 1);

    static int FindFirstEndingAfter(ulong addr)
    {
        int lo = 0, hi = vmas.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (vmas[mid].End <= addr) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    static bool RangeFree(ulong start, ulong end)
    {
        int i = FindFirstEndingAfter(start);
        return i >= vmas.Count || vmas[i].Start >= end;
    }

    /// <summary>Highest free gap of <paramref name="len"/> bytes below <paramref name="top"/>.</summary>
    static ulong FindGapTopDown(ulong len, ulong top)
    {
        ulong end = top;
        for (int i = vmas.Count - 1; i >= -1; i--)
        {
            ulong gapStart = i >= 0 ? vmas[i].End : MmapMin;
            if (i >= 0 && vmas[i].Start >= end) continue;
            if (end >= gapStart + len && end - len >= MmapMin) return end - len;
            if (i >= 0) end = Math.Min(end, vmas[i].Start);
        }
        return 0;
    }

    /// <summary>Removes [start, end) from the VMA list, splitting partial overlaps.</summary>
    static void Carve(ulong start, ulong end)
    {
        int i = FindFirstEndingAfter(start);
        while (i < vmas.Count && vmas[i].Start < end)
        {
            var v = vmas[i];
            if (v.Start < start && v.End > end)
            {
                var tail = v.Clone();
                tail.FileOffset += end - v.Start;
                tail.Start = end;
                v.End = start;
                vmas.Insert(i + 1, tail);
                return;
            }
            if (v.Start < start) { v.End = start; i++; continue; }
            if (v.End > end) { v.FileOffset += end - v.Start; v.Start = end; return; }
            vmas.RemoveAt(i);
        }
    }

    static void Insert(Vma v)
    {
        int i = FindFirstEndingAfter(v.Start);
        vmas.Insert(i, v);
        // Merge with neighbours that are identical anonymous mappings (keeps the list short for malloc's brk/mmap churn).
        TryMerge(i);
        if (i > 0) TryMerge(i - 1);
    }

    static void TryMerge(int i)
    {
        if (i + 1 >= vmas.Count) return;
        var a = vmas[i]; var b = vmas[i + 1];
        if (a.End == b.Start && a.Prot == b.Prot && a.Flags == b.Flags && a.Name == b.Name && a.Inode == 0 && b.Inode == 0
            && (a.Flags & Native.MAP_ANONYMOUS) != 0 && a.File == null && b.File == null)
        {
            a.End = b.End;
            vmas.RemoveAt(i + 1);
        }
    }

    /// <summary>Returns host address space [start, end) to the reserved, inaccessible state.</summary>
    static void Unreserve(ulong start, ulong end)
    {
        Native.mmap(GuestMemory.Base + start, (nuint)(end - start), Native.PROT_NONE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE | Native.MAP_FIXED, -1, 0);
        GuestMemory.SetPerm(start, end, 0);
    }

    /// <summary>mmap(2). <paramref name="hostFd"/> is the host descriptor behind a file mapping, or -1.</summary>
    public static long Map(ulong addr, ulong len, int prot, int flags, int hostFd, long offset,
        string? name = null, ulong dev = 0, ulong inode = 0)
    {
        if (len == 0) return EINVAL;
        if ((offset & (long)(Page - 1)) != 0) return EINVAL;
        ulong size = PageUp(len);
        if (size < len) return ENOMEM;
        bool anon = (flags & Native.MAP_ANONYMOUS) != 0;
        bool fixedMap = (flags & Native.MAP_FIXED) != 0;
        bool noReplace = (flags & Native.MAP_FIXED_NOREPLACE) != 0;
        int type = flags & 3;
        if (type != Native.MAP_SHARED && type != Native.MAP_PRIVATE && type != Native.MAP_SHARED_VALIDATE) return EINVAL;
        if (!anon && hostFd < 0) return EBADF;
        lock (gate)
        {
            ulong start;
            if (fixedMap || noReplace)
            {
                if ((addr & (Page - 1)) != 0) return EINVAL;
                if (addr + size > GuestMemory.WindowSize || addr + size < addr) return ENOMEM;
                if (noReplace && !fixedMap && !RangeFree(addr, addr + size)) return EEXIST;
                start = addr;
            }
            else
            {
                ulong hint = addr & ~(Page - 1);
                if (hint != 0 && hint >= MmapMin && hint + size <= GuestMemory.WindowSize && RangeFree(hint, hint + size))
                    start = hint;
                else
                {
                    start = FindGapTopDown(size, MmapBase);
                    if (start == 0) return ENOMEM;
                }
            }

            // A shared anonymous mapping is a memfd's, so that a fork child can map the same pages.
            MappedFile? file = anon && type != Native.MAP_PRIVATE ? MappedFile.Memfd(size) : null;
            bool hostAnon = anon && file == null;
            int hostFlags = Native.MAP_FIXED | (type == Native.MAP_PRIVATE ? Native.MAP_PRIVATE : Native.MAP_SHARED)
                | (hostAnon ? Native.MAP_ANONYMOUS | Native.MAP_NORESERVE : 0);
            void* r = Native.mmap(GuestMemory.Base + start, (nuint)size, GuestMemory.HostProt(prot), hostFlags,
                hostAnon ? -1 : file?.Fd ?? hostFd, anon ? 0 : offset);
            if (r == (void*)-1)
            {
                int e = Native.Errno;
                return -e;
            }
            if (!anon) file = MappedFile.Dup(hostFd);
            Carve(start, start + size);
            GuestMemory.SetPerm(start, start + size, GuestMemory.PermFor(prot));
            Insert(new Vma
            {
                Start = start, End = start + size, Prot = prot, Flags = flags & ~(Native.MAP_FIXED | Native.MAP_FIXED_NOREPLACE),
                Name = name, FileOffset = anon ? 0 : (ulong)offset, Device = dev, Inode = inode, File = file,
            });
            return (long)start;
        }
    }

    /// <summary>munmap(2).</summary>
    public static long Unmap(ulong addr, ulong len)
    {
        if ((addr & (Page - 1)) != 0 || len == 0) return EINVAL;
        ulong end = PageUp(addr + len);
        if (end > GuestMemory.WindowSize || end < addr) return EINVAL;
        lock (gate)
        {
            Carve(addr, end);
            Unreserve(addr, end);
        }
        return 0;
    }

    /// <summary>mprotect(2): the whole range must be mapped.</summary>
    public static long Protect(ulong addr, ulong len, int prot)
    {
        if ((addr & (Page - 1)) != 0) return EINVAL;
        if (len == 0) return 0;
        ulong end = PageUp(addr + len);
        if (end > GuestMemory.WindowSize || end < addr) return ENOMEM;
        lock (gate)
        {
            // Every page must be covered.
            ulong cur = addr;
            int i = FindFirstEndingAfter(addr);
            var hit = new List<Vma>();
            for (; i < vmas.Count && vmas[i].Start < end; i++)
            {
                if (vmas[i].Start > cur) return ENOMEM;
                hit.Add(vmas[i]);
                cur = vmas[i].End;
            }
            if (cur < end) return ENOMEM;
            if (Native.mprotect(GuestMemory.Base + addr, (nuint)(end - addr), GuestMemory.HostProt(prot)) != 0)
                return -Native.Errno;
            // Split at the edges, then set the new protection.
            var pieces = new List<Vma>();
            foreach (var v in hit) pieces.Add(v.Clone());
            Carve(addr, end);
            foreach (var v in pieces)
            {
                ulong s = Math.Max(v.Start, addr), e = Math.Min(v.End, end);
                var n = v.Clone();
                n.FileOffset += s - v.Start;
                n.Start = s; n.End = e; n.Prot = prot;
                Insert(n);
            }
            GuestMemory.SetPerm(addr, end, GuestMemory.PermFor(prot));
        }
        return 0;
    }

    /// <summary>mremap(2).</summary>
    public static long Remap(ulong oldAddr, ulong oldLen, ulong newLen, int flags, ulong newAddr)
    {
        if ((oldAddr & (Page - 1)) != 0) return EINVAL;
        if ((flags & ~(Native.MREMAP_MAYMOVE | Native.MREMAP_FIXED | Native.MREMAP_DONTUNMAP)) != 0) return EINVAL;
        if ((flags & Native.MREMAP_FIXED) != 0 && (flags & Native.MREMAP_MAYMOVE) == 0) return EINVAL;
        oldLen = PageUp(oldLen);
        newLen = PageUp(newLen);
        if (newLen == 0) return EINVAL;
        lock (gate)
        {
            int i = FindFirstEndingAfter(oldAddr);
            if (i >= vmas.Count || vmas[i].Start > oldAddr || vmas[i].End < oldAddr + oldLen) return -14; // EFAULT
            var v = vmas[i];
            // A shared anonymous mapping grows its memfd first. (Linux keeps the shmem object's size, and the
            // guest gets SIGBUS past it; here a host SIGBUS would end the runtime, so the pages read as zero.)
            if (newLen > oldLen && v.File != null && (v.Flags & Native.MAP_ANONYMOUS) != 0)
                v.File.EnsureSize(v.FileOffset + (oldAddr - v.Start) + newLen);
            if ((flags & Native.MREMAP_FIXED) == 0)
            {
                if (newLen <= oldLen)
                {
                    if (newLen < oldLen) { Carve(oldAddr + newLen, oldAddr + oldLen); Unreserve(oldAddr + newLen, oldAddr + oldLen); }
                    return (long)oldAddr;
                }
                // Grow in place when the space after is free and the VMA ends here.
                if (v.End == oldAddr + oldLen && oldAddr + newLen <= GuestMemory.WindowSize && RangeFree(oldAddr + oldLen, oldAddr + newLen)
                    && GrowInPlace(v, oldAddr, oldLen, newLen - oldLen))
                {
                    v.End = oldAddr + newLen;
                    GuestMemory.SetPerm(oldAddr + oldLen, oldAddr + newLen, GuestMemory.PermFor(v.Prot));
                    return (long)oldAddr;
                }
                if ((flags & Native.MREMAP_MAYMOVE) == 0) return ENOMEM;
                newAddr = FindGapTopDown(newLen, MmapBase);
                if (newAddr == 0) return ENOMEM;
            }
            else
            {
                if ((newAddr & (Page - 1)) != 0 || newAddr + newLen > GuestMemory.WindowSize) return EINVAL;
                if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) return EINVAL;
                Carve(newAddr, newAddr + newLen);
                Unreserve(newAddr, newAddr + newLen);
            }
            int mflags = Native.MREMAP_MAYMOVE | Native.MREMAP_FIXED | (flags & Native.MREMAP_DONTUNMAP);
            void* m = Native.mremap(GuestMemory.Base + oldAddr, (nuint)oldLen, (nuint)newLen, mflags, GuestMemory.Base + newAddr);
            if (m == (void*)-1) return -Native.Errno;
            var moved = v.Clone();
            moved.FileOffset += oldAddr - v.Start;
            moved.Start = newAddr; moved.End = newAddr + newLen;
            if ((flags & Native.MREMAP_DONTUNMAP) == 0)
            {
                Carve(oldAddr, oldAddr + oldLen);
                // The host range left behind is unmapped by mremap; reserve it again.
                Unreserve(oldAddr, oldAddr + oldLen);
            }
            else
            {
                // The old range stays mapped, now empty (anonymous zero pages).
            }
            GuestMemory.SetPerm(newAddr, newAddr + newLen, GuestMemory.PermFor(moved.Prot));
            Insert(moved);
            return (long)newAddr;
        }
    }

    /// <summary>Extends the host mapping of [<paramref name="oldAddr"/>, +<paramref name="oldLen"/>) (the end of <paramref name="v"/>) by <paramref name="len"/> bytes.
    /// The window's reservation occupies the host pages after every mapping, so a host mremap cannot grow
    /// in place: an anonymous mapping gets fresh zero pages mapped over the reservation; a file mapping
    /// has the reservation removed first and is restored if the host refuses.</summary>
    static bool GrowInPlace(Vma v, ulong oldAddr, ulong oldLen, ulong len)
    {
        ulong at = oldAddr + oldLen;
        int type = (v.Flags & 3) == Native.MAP_PRIVATE ? Native.MAP_PRIVATE : Native.MAP_SHARED;
        if ((v.Flags & Native.MAP_ANONYMOUS) != 0 && v.File == null)
        {
            void* r = Native.mmap(GuestMemory.Base + at, (nuint)len, GuestMemory.HostProt(v.Prot),
                Native.MAP_FIXED | type | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE, -1, 0);
            return r != (void*)-1;
        }
        Native.munmap(GuestMemory.Base + at, (nuint)len);
        void* m = Native.mremap(GuestMemory.Base + oldAddr, (nuint)oldLen, (nuint)(oldLen + len), 0, null);
        if (m != (void*)-1) return true;
        Unreserve(at, at + len);
        return false;
    }

    /// <summary>brk(2): returns the new break, or the old one when the request cannot be met.</summary>
    public static ulong Brk(ulong want)
    {
        lock (gate)
        {
            if (want == 0 || want < BrkStart) return BrkCurrent;
            ulong oldTop = PageUp(BrkCurrent), newTop = PageUp(want);
            if (newTop > oldTop)
            {
                if (!RangeFree(oldTop, newTop)) return BrkCurrent;
                long r = Map(oldTop, newTop - oldTop, Native.PROT_READ | Native.PROT_WRITE,
                    Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0, "[heap]");
                if (r < 0) return BrkCurrent;
            }
            else if (newTop < oldTop)
            {
                Unmap(newTop, oldTop - newTop);
            }
            BrkCurrent = want;
            return want;
        }
    }

    /// <summary>Finds the VMA containing <paramref name="addr"/>, or null.</summary>
    public static Vma? Find(ulong addr)
    {
        lock (gate)
        {
            int i = FindFirstEndingAfter(addr);
            return i < vmas.Count && vmas[i].Start <= addr ? vmas[i].Clone() : null;
        }
    }
}
