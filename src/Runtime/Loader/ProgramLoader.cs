using System.Text;
using UniJit.Frontend.Elf;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Loader;

/// <summary>
/// Puts a program into guest memory as Linux's binfmt_elf does: the program's PT_LOAD segments
/// (at their addresses, or at <see cref="PieBase"/> for ET_DYN), the PT_INTERP loader if any (placed
/// like an mmap), the break after the program, and the initial stack with argc, argv, envp and
/// the auxiliary vector. Registers are left as the kernel leaves them at the entry point.
/// Runs before every guest's first instruction, so it uses arrays and loops rather than LINQ or generic
/// collections over value types, whose code is JIT-compiled at each start (not in the ReadyToRun image).
/// </summary>
public static unsafe class ProgramLoader
{
    public const ulong PieBase = 0x0555_5555_4000;
    public const ulong StackTop = 0x0FFF_FFFF_E000;
    public const ulong StackSize = 8 << 20;

    const ulong AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
        AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
        AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_MINSIGSTKSZ = 51;

    /// <summary>Where things went, for the caller and for /proc.</summary>
    public sealed record Layout(ulong LoadBias, ulong Entry, ulong InterpBase, ulong StackPointer, ulong Phdr);

    /// <summary>Maps <paramref name="image"/> (and <paramref name="interp"/>, its PT_INTERP, when given),
    /// builds the stack and sets <paramref name="cpu"/>'s registers.</summary>
    public static Layout Load(Cpu cpu, ElfImage image, ElfImage? interp, string execFn,
        IReadOnlyList<string> argv, IReadOnlyList<string> envp, uint hwcap)
    {
        ulong bias = image.IsDyn ? PieBase - image.MinVaddr : 0;
        MapImage(image, bias, cpu.Process.Options.Root);
        ulong end = (image.MaxVaddr + bias + GuestMemory.PageMask) & ~GuestMemory.PageMask;
        AddressSpace.BrkStart = AddressSpace.BrkCurrent = end;

        ulong interpBase = 0, entry = image.Entry + bias;
        if (interp != null)
        {
            if (!interp.IsDyn) throw new ElfLoadException($"{interp.Path}: the ELF interpreter must be ET_DYN");
            ulong span = interp.MaxVaddr - interp.MinVaddr;
            long at = AddressSpace.Map(0, span, 0, Native.MAP_PRIVATE | Native.MAP_ANONYMOUS, -1, 0);
            if (at < 0) throw new ElfLoadException($"{interp.Path}: cannot map the ELF interpreter");
            ulong ibias = (ulong)at - interp.MinVaddr;
            MapImage(interp, ibias, cpu.Process.Options.Root);
            interpBase = (ulong)at;
            entry = interp.Entry + ibias;
        }

        long st = AddressSpace.Map(StackTop - StackSize, StackSize, Native.PROT_READ | Native.PROT_WRITE | (image.ExecStack ? Native.PROT_EXEC : 0),
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED | Native.MAP_GROWSDOWN, -1, 0, "[stack]");
        if (st < 0) throw new ElfLoadException("cannot map the guest stack");

        ulong phdr = image.PhdrVaddr is ulong p ? p + bias : FindPhdr(image) + bias;
        ulong sp = StackTop;
        ulong PushBytes(byte[] b)
        {
            sp -= (ulong)b.Length;
            GuestMemory.WriteBytes(sp, b);
            return sp;
        }
        ulong PushString(string s) => PushBytes(Encoding.UTF8.GetBytes(s + "\0"));

        PushBytes(new byte[8]); // end marker, as Linux leaves the last word zero
        ulong execFnAddr = PushString(execFn);
        var envAddrs = new ulong[envp.Count];
        for (int k = 0; k < envAddrs.Length; k++) envAddrs[k] = PushString(envp[k]);
        var argAddrs = new ulong[argv.Count];
        for (int k = 0; k < argAddrs.Length; k++) argAddrs[k] = PushString(argv[k]);
        ulong platform = PushString("x86_64");
        ulong random = PushBytes(RandomBytes(16));
        sp &= ~15UL;

        // (type, value) pairs.
        ulong[] aux =
        [
            AT_PHDR, phdr, AT_PHENT, (ulong)image.PhEntSize, AT_PHNUM, (ulong)image.PhNum,
            AT_PAGESZ, GuestMemory.PageSize, AT_BASE, interpBase, AT_FLAGS, 0, AT_ENTRY, image.Entry + bias,
            AT_UID, HostIds.Uid, AT_EUID, HostIds.Euid,
            AT_GID, HostIds.Gid, AT_EGID, HostIds.Egid, AT_SECURE, 0, AT_RANDOM, random, AT_HWCAP, hwcap,
            AT_HWCAP2, 0, AT_CLKTCK, 100, AT_PLATFORM, platform, AT_EXECFN, execFnAddr, AT_MINSIGSTKSZ, 2048,
            AT_NULL, 0,
        ];
        int words = 1 + argAddrs.Length + 1 + envAddrs.Length + 1 + aux.Length;
        if ((words & 1) != 0) sp -= 8;
        sp -= (ulong)words * 8;
        ulong w = sp;
        void Put(ulong v) { GuestMemory.Write64(w, v); w += 8; }
        Put((ulong)argAddrs.Length);
        foreach (var a in argAddrs) Put(a);
        Put(0);
        foreach (var e in envAddrs) Put(e);
        Put(0);
        foreach (var v in aux) Put(v);

        for (int i = 0; i < 16; i++) cpu.S->Gpr[i] = 0;
        cpu.S->Gpr[4] = sp;
        cpu.S->Rip = entry;
        return new Layout(bias, entry, interpBase, sp, phdr);
    }

    /// <summary>AT_RANDOM's bytes, from getrandom(2) (RandomNumberGenerator would load OpenSSL at every start).</summary>
    static byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        fixed (byte* p = b)
            for (int got = 0; got < n;)
            {
                long r = Native.Sys(318 /* getrandom */, (long)(p + got), n - got, 0);
                if (r == -4 /* EINTR */) continue;
                if (r <= 0) throw new ElfLoadException($"getrandom failed (error {-r})");
                got += (int)r;
            }
        return b;
    }

    /// <summary>The address of the program headers when there is no PT_PHDR: inside the segment that maps e_phoff.</summary>
    static ulong FindPhdr(ElfImage image)
    {
        foreach (var s in image.Loads)
            if (image.PhOff >= s.Offset && image.PhOff < s.Offset + s.FileSize) return s.Vaddr + (image.PhOff - s.Offset);
        return 0;
    }

    /// <summary>Maps the span of all loads read-write (anonymous and unnamed: what is left of it, the bss past
    /// the last file page, is so natively), then each segment's file bytes from the file itself
    /// (private file mappings, as the kernel does: only the pages the guest touches are read, and
    /// /proc/self/maps names the file), zeroing the rest of a segment's last file page when its memory
    /// size is larger (otherwise the page keeps the file's next bytes, as natively); then applies each segment's protection (pages two segments share get both; gaps
    /// between segments become PROT_NONE). A segment whose address and offset differ modulo the page size
    /// cannot be mapped so and is copied.</summary>
    static void MapImage(ElfImage image, ulong bias, string? root)
    {
        ulong lo = image.MinVaddr + bias;
        ulong hi = (image.MaxVaddr + bias + GuestMemory.PageMask) & ~GuestMemory.PageMask;
        long r = AddressSpace.Map(lo, hi - lo, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0);
        if (r < 0) throw new ElfLoadException($"{image.Path}: cannot map segments at 0x{lo:x} (error {-r})");
        Microsoft.Win32.SafeHandles.SafeFileHandle file;
        try { file = File.OpenHandle(image.Path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ElfLoadException($"{image.Path}: {e.Message}", 126); }
        using (file)
        {
            int fd = (int)file.DangerousGetHandle();
            byte* st = stackalloc byte[144];
            ulong dev = 0, ino = 0;
            if (Native.Sys(5 /* fstat */, fd, (long)st) == 0) { dev = *(ulong*)st; ino = *(ulong*)(st + 8); }
            string name = MapName(fd, image.Path, root);
            foreach (var s in image.Loads)
            {
                if (s.FileSize == 0) continue;
                ulong at = s.Vaddr + bias;
                if (((at ^ s.Offset) & GuestMemory.PageMask) != 0)
                {
                    for (ulong done = 0; done < s.FileSize;)
                    {
                        int got = RandomAccess.Read(file, new Span<byte>(GuestMemory.Base + at + done, (int)(s.FileSize - done)), (long)(s.Offset + done));
                        if (got <= 0) throw new ElfLoadException($"{image.Path}: truncated ELF file");
                        done += (ulong)got;
                    }
                    continue;
                }
                ulong page = at & ~GuestMemory.PageMask, fileEnd = at + s.FileSize;
                ulong mapEnd = (fileEnd + GuestMemory.PageMask) & ~GuestMemory.PageMask;
                long m = AddressSpace.Map(page, mapEnd - page, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_PRIVATE | Native.MAP_FIXED,
                    fd, (long)(s.Offset & ~GuestMemory.PageMask), name, dev, ino);
                if (m < 0) throw new ElfLoadException($"{image.Path}: cannot map a segment at 0x{page:x} (error {-m})");
                // Like the kernel: a segment with more memory than file has the rest of its last file page zeroed
                // (ld.so's first allocations use the bytes between its _end and the page's end).
                if (s.MemSize > s.FileSize) new Span<byte>(GuestMemory.Base + fileEnd, (int)(mapEnd - fileEnd)).Clear();
            }
        }

        // A page's protection is the union of the segments that touch it, so it can change only where a
        // segment's first or last page starts: cut [lo, hi) there and protect each piece, merging neighbours
        // that end up with the same protection.
        var cuts = new ulong[image.Loads.Length * 2 + 2];
        int n = 0;
        cuts[n++] = lo;
        cuts[n++] = hi;
        foreach (var s in image.Loads)
        {
            cuts[n++] = (s.Vaddr + bias) & ~GuestMemory.PageMask;
            cuts[n++] = (s.Vaddr + bias + s.MemSize + GuestMemory.PageMask) & ~GuestMemory.PageMask;
        }
        for (int k = 1; k < n; k++) // insertion sort: a handful of entries (Array.Sort<ulong> would be JIT-compiled)
            for (int j = k; j > 0 && cuts[j - 1] > cuts[j]; j--) (cuts[j - 1], cuts[j]) = (cuts[j], cuts[j - 1]);
        ulong runStart = lo; int runProt = PageProt(image, bias, lo);
        for (int k = 1; k < n; k++)
        {
            ulong p = cuts[k];
            if (p <= runStart) continue;
            int prot = p < hi ? PageProt(image, bias, p) : -1;
            if (prot != runProt)
            {
                AddressSpace.Protect(runStart, p - runStart, runProt);
                runStart = p; runProt = prot;
            }
        }
    }

    /// <summary>The file's name in /proc/self/maps: the kernel's path of the open file (absolute, links
    /// resolved, as natively), inside the guest's root when there is one.</summary>
    static string MapName(int fd, string fallback, string? root)
    {
        string? host = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        if (host == null || !host.StartsWith('/')) return fallback;
        root = root?.TrimEnd('/');
        if (string.IsNullOrEmpty(root)) return host;
        if (host == root) return "/";
        return host.StartsWith(root + "/", StringComparison.Ordinal) ? host[root.Length..] : host;
    }

    /// <summary>The union of the PROT_* bits of the segments that touch the page at <paramref name="page"/>.</summary>
    static int PageProt(ElfImage image, ulong bias, ulong page)
    {
        int prot = 0;
        foreach (var s in image.Loads)
        {
            ulong first = (s.Vaddr + bias) & ~GuestMemory.PageMask, end = s.Vaddr + bias + s.MemSize;
            if (page >= first && page < end) prot |= s.Prot;
        }
        return prot;
    }
}

/// <summary>The host's real user and group ids, which the guest sees as its own.</summary>
public static partial class HostIds
{
    [System.Runtime.InteropServices.LibraryImport("libc")] private static partial uint getuid();
    [System.Runtime.InteropServices.LibraryImport("libc")] private static partial uint geteuid();
    [System.Runtime.InteropServices.LibraryImport("libc")] private static partial uint getgid();
    [System.Runtime.InteropServices.LibraryImport("libc")] private static partial uint getegid();
    public static ulong Uid => getuid();
    public static ulong Euid => geteuid();
    public static ulong Gid => getgid();
    public static ulong Egid => getegid();
}
