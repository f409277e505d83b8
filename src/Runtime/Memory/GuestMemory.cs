using System.Runtime.CompilerServices;

namespace UniJit.Runtime.Memory;

/// <summary>
/// The guest's address space: one reserved window of host address space, guest address + <see cref="Base"/>.
///
/// Why software permission checks: a host fault at a non-null address kills the .NET runtime
/// (no handler runs), so every guest access is checked against a byte-per-page table
/// (<see cref="Perm"/>) before it touches host memory. The table itself is a NORESERVE mapping:
/// pages of it that were never written cost nothing. Host protections mirror the guest's
/// (read / read-write / none) so that the host kernel, filling syscall buffers, also sees them.
///
/// A page that holds decoded guest code carries <see cref="PermCode"/>: the fast write path
/// refuses such pages, and the slow path drops the page's translations before the write.
/// The VMA list (Linux's semantics for mmap, munmap, mprotect, mremap, brk) lives in
/// <see cref="AddressSpace"/>.
/// </summary>
public static unsafe class GuestMemory
{
    public const int PageShift = 12;
    public const ulong PageSize = 1UL << PageShift;
    public const ulong PageMask = PageSize - 1;
    /// <summary>Guest addresses are below 2^44 (16 TiB).</summary>
    public const ulong WindowSize = 1UL << 44;

    public const byte PermRead = 1, PermWrite = 2, PermExec = 4, PermCode = 8;

    public static readonly byte* Base;
    public static readonly byte* Perm;

    /// <summary>The translated code's check tables, one 8-byte entry per page (2^32 entries,
    /// NORESERVE): entry p is the page's address (p &lt;&lt; 12) when page p may be read
    /// (<see cref="ReadTag"/>) or read and written without dropping code (<see cref="WriteTag"/>:
    /// readable, writable and not <see cref="PermCode"/>; a read-modify-write checks only this one),
    /// and 0 otherwise. An access of n bytes at a is allowed on the fast path when
    /// <c>(Tag[(uint)(a &gt;&gt; 12)] ^ a) &lt;= 4096 - n</c>: the exclusive or leaves only a's offset in
    /// its page when the entry is that page's address, and bits above 11 otherwise — a refused page
    /// (a's page number is not 0), an address outside the window (its bits 44..63), so one compare covers
    /// the window, the permission and page crossing. Entry 0 is <see cref="NoTag"/>, because 0 there
    /// would let page 0 through.</summary>
    public static readonly ulong* ReadTag, WriteTag;
    public const ulong NoTag = ulong.MaxValue;

    /// <summary>A page of host words that translated code reads (<see cref="Dispatch.HostSignals.Attention"/>
    /// lives here), beside the tag tables.</summary>
    public static readonly byte* HostWords;

    /// <summary>Where the tag tables and <see cref="HostWords"/> go when the window is at host address 0:
    /// right above it, at fixed addresses (<see cref="FixedLayout"/>).</summary>
    public const ulong FixedTablesAt = WindowSize;
    const ulong TableBytes = (WindowSize >> PageShift) * 8;

    /// <summary>True when the window is at host address 0 and <see cref="ReadTag"/>, <see cref="WriteTag"/>
    /// and <see cref="HostWords"/> lie at <see cref="FixedTablesAt"/>, <see cref="FixedTablesAt"/> + 32 GiB
    /// and + 64 GiB: the same in every such process, so code saved for later runs names them as constants,
    /// as code compiled in the process does (otherwise it reads them from static fields, which
    /// ReadyToRun code does through a class-initialization helper call at every region entry).</summary>
    public static bool FixedLayout { get; private set; }

    /// <summary>Where the window and tables lie, as translated code assumes it: "fixed"
    /// (<see cref="FixedLayout"/>), "zero" (<see cref="WindowAtZero"/>, tables elsewhere) or "anywhere".</summary>
    public static string Layout => FixedLayout ? "fixed" : WindowAtZero ? "zero" : "anywhere";

    /// <summary>Called with a page number whose translations must be dropped before it is written.</summary>
    public static Action<ulong>? CodeWriteHook;

    static GuestMemory()
    {
        Base = ReserveWindow();
        // One spare entry so that (addr + size - 1) >> 12 stays inside the table.
        nuint permSize = unchecked((nuint)((WindowSize >> PageShift) + PageSize));
        Perm = (byte*)Native.mmap(null, permSize, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE, -1, 0);
        if (Perm == (byte*)-1)
            throw new HostMemoryException("the page table (4 GiB of address space)");
        void* tables = (void*)-1;
        if (Base == null && Environment.GetEnvironmentVariable("UNIJIT_TABLES") != "anywhere")
        {
            tables = Native.mmap((void*)FixedTablesAt, (nuint)(2 * TableBytes + PageSize), Native.PROT_READ | Native.PROT_WRITE,
                Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE | Native.MAP_FIXED_NOREPLACE, -1, 0);
            if (tables != (void*)-1 && tables != (void*)FixedTablesAt) // a kernel without NOREPLACE
                Native.munmap(tables, (nuint)(2 * TableBytes + PageSize));
        }
        if (tables == (void*)FixedTablesAt)
        {
            ReadTag = TagTable((ulong*)FixedTablesAt);
            WriteTag = TagTable((ulong*)(FixedTablesAt + TableBytes));
            HostWords = (byte*)(FixedTablesAt + 2 * TableBytes);
            FixedLayout = true;
        }
        else
        {
            ReadTag = TagTable(null);
            WriteTag = TagTable(null);
            HostWords = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)PageSize);
        }
    }

    /// <summary>The lowest host address the window at zero reserves: below it are the pages Linux's
    /// <c>vm.mmap_min_addr</c> (65 536 on most systems) keeps from every process, the guest included.</summary>
    public const ulong ZeroWindowStart = 0x10000;

    /// <summary>True when the window starts at host address 0, so a guest address is its own host
    /// address (<see cref="Base"/> is null) and translated code adds nothing to it.</summary>
    public static bool WindowAtZero => Base == null;

    /// <summary>Reserves the window at host address 0 when that range is free (the host's own mappings,
    /// the .NET runtime's included, lie above 2^46 in Linux's layouts), else wherever the kernel puts
    /// 16 TiB; <c>UNIJIT_WINDOW=anywhere</c> asks for the latter (tests run both).</summary>
    static byte* ReserveWindow()
    {
        const int flags = Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE;
        if (Environment.GetEnvironmentVariable("UNIJIT_WINDOW") != "anywhere")
        {
            var low = (byte*)Native.mmap((void*)ZeroWindowStart, (nuint)(WindowSize - ZeroWindowStart), Native.PROT_NONE,
                flags | Native.MAP_FIXED_NOREPLACE, -1, 0);
            if (low == (byte*)ZeroWindowStart) return null;
            if (low != (byte*)-1) Native.munmap(low, (nuint)(WindowSize - ZeroWindowStart)); // a kernel without NOREPLACE
        }
        var b = (byte*)Native.mmap(null, (nuint)WindowSize, Native.PROT_NONE, flags, -1, 0);
        if (b == (byte*)-1)
            throw new HostMemoryException("the guest address window (16 TiB of address space)");
        return b;
    }

    /// <summary>A tag table: at <paramref name="at"/> (already mapped), or mapped wherever the kernel chooses.</summary>
    static ulong* TagTable(ulong* at)
    {
        var t = at != null ? at : (ulong*)Native.mmap(null, (nuint)TableBytes, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE, -1, 0);
        if (t == (ulong*)-1)
            throw new HostMemoryException("a page tag table (32 GiB of address space)");
        t[0] = NoTag;
        return t;
    }

    /// <summary>Brings page <paramref name="page"/>'s tag entries in line with its permission byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void UpdateTags(ulong page)
    {
        byte p = Perm[page];
        SetTag(ReadTag, page, (p & PermRead) != 0);
        SetTag(WriteTag, page, (p & (PermRead | PermWrite | PermCode)) == (PermRead | PermWrite));
    }

    /// <summary>A refused page gets 0 (page 0 keeps <see cref="NoTag"/>), and an entry is written only when
    /// it changes: a huge PROT_NONE reservation then leaves the table's pages untouched (uncommitted)
    /// instead of filling them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void SetTag(ulong* table, ulong page, bool allowed)
    {
        ulong v = page == 0 ? NoTag : allowed ? page << PageShift : 0;
        if (table[page] != v) table[page] = v;
    }

    /// <summary>Marks page <paramref name="page"/> as holding decoded code: writes to it go the slow way.</summary>
    public static void MarkCode(ulong page)
    {
        Perm[page] |= PermCode;
        UpdateTags(page);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Host(ulong guest) => Base + guest;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool CanRead(ulong a, uint n) =>
        a < WindowSize - 16 && (Perm[a >> PageShift] & Perm[(a + n - 1) >> PageShift] & PermRead) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool CanWriteFast(ulong a, uint n)
    {
        if (a >= WindowSize - 16) return false;
        byte p1 = Perm[a >> PageShift], p2 = Perm[(a + n - 1) >> PageShift];
        return (((p1 & p2) & PermWrite) | ((p1 | p2) & PermCode)) == PermWrite;
    }

    /// <summary>Checks a read of <paramref name="n"/> bytes and returns the host pointer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* R(ulong a, uint n)
    {
        if (!CanRead(a, n)) ReadFault(a, n);
        return Base + a;
    }

    /// <summary>Checks a write of <paramref name="n"/> bytes and returns the host pointer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* W(ulong a, uint n)
    {
        if (!CanWriteFast(a, n)) WriteSlow(a, n);
        return Base + a;
    }

    public static byte Read8(ulong a) => *R(a, 1);
    public static ushort Read16(ulong a) => *(ushort*)R(a, 2);
    public static uint Read32(ulong a) => *(uint*)R(a, 4);
    public static ulong Read64(ulong a) => *(ulong*)R(a, 8);
    public static UInt128 Read128(ulong a) => *(UInt128*)R(a, 16);
    public static void Write8(ulong a, byte v) => *W(a, 1) = v;
    public static void Write16(ulong a, ushort v) => *(ushort*)W(a, 2) = v;
    public static void Write32(ulong a, uint v) => *(uint*)W(a, 4) = v;
    public static void Write64(ulong a, ulong v) => *(ulong*)W(a, 8) = v;
    public static void Write128(ulong a, UInt128 v) => *(UInt128*)W(a, 16) = v;

    /// <summary>Reads 1, 2, 4 or 8 bytes, zero-extended.</summary>
    public static ulong Read(ulong a, int size) => size switch
    {
        1 => Read8(a),
        2 => Read16(a),
        4 => Read32(a),
        _ => Read64(a),
    };

    /// <summary>Writes the low 1, 2, 4 or 8 bytes of <paramref name="v"/>.</summary>
    public static void Write(ulong a, int size, ulong v)
    {
        switch (size)
        {
            case 1: Write8(a, (byte)v); break;
            case 2: Write16(a, (ushort)v); break;
            case 4: Write32(a, (uint)v); break;
            default: Write64(a, v); break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void ReadFault(ulong a, uint n)
    {
        ulong bad = FirstBadPage(a, n, PermRead);
        throw new GuestFaultException(bad, false, IsMapped(bad));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void WriteSlow(ulong a, uint n)
    {
        ulong bad = FirstBadPage(a, n, PermWrite);
        if (bad != ulong.MaxValue) throw new GuestFaultException(bad, true, IsMapped(bad));
        // Writable but holding decoded code: drop the translations, then write.
        for (ulong p = a >> PageShift; p <= (a + n - 1) >> PageShift; p++)
            if ((Perm[p] & PermCode) != 0) InvalidateCode(p);
    }

    /// <summary>Drops the translations of page <paramref name="page"/> and clears its code mark.</summary>
    public static void InvalidateCode(ulong page)
    {
        Perm[page] &= unchecked((byte)~PermCode);
        UpdateTags(page);
        CodeWriteHook?.Invoke(page);
    }

    /// <summary>Address of the first byte in [a, a+n) that lacks <paramref name="need"/>, or MaxValue.</summary>
    static ulong FirstBadPage(ulong a, ulong n, byte need)
    {
        if (a >= WindowSize || a + n > WindowSize || a + n < a) return a;
        for (ulong p = a >> PageShift; p <= (a + n - 1) >> PageShift; p++)
            if ((Perm[p] & need) == 0) return Math.Max(a, p << PageShift);
        return ulong.MaxValue;
    }

    public static bool IsMapped(ulong a) => a < WindowSize && (Perm[a >> PageShift] & (PermRead | PermWrite | PermExec | 0x10)) != 0;

    /// <summary>True if every byte of [a, a+n) has all of <paramref name="need"/>.</summary>
    public static bool Check(ulong a, ulong n, byte need)
    {
        if (n == 0) return a <= WindowSize;
        if (a >= WindowSize || a + n > WindowSize || a + n < a) return false;
        for (ulong p = a >> PageShift; p <= (a + n - 1) >> PageShift; p++)
            if ((Perm[p] & need) != need) return false;
        return true;
    }

    /// <summary>Copies guest bytes out, checking read permission.</summary>
    public static void ReadBytes(ulong a, Span<byte> dst)
    {
        if (dst.Length == 0) return;
        if (!Check(a, (ulong)dst.Length, PermRead)) ReadFault(a, (uint)dst.Length);
        new ReadOnlySpan<byte>(Base + a, dst.Length).CopyTo(dst);
    }

    /// <summary>Copies bytes into guest memory, checking write permission (and dropping code).</summary>
    public static void WriteBytes(ulong a, ReadOnlySpan<byte> src)
    {
        if (src.Length == 0) return;
        PrepareWrite(a, (ulong)src.Length);
        src.CopyTo(new Span<byte>(Base + a, src.Length));
    }

    /// <summary>Checks that [a, a+n) is writable and drops translated code in it (for host writes such as read(2)).</summary>
    public static void PrepareWrite(ulong a, ulong n)
    {
        if (n == 0) return;
        if (!Check(a, n, PermWrite))
        {
            ulong bad = FirstBadPage(a, n, PermWrite);
            throw new GuestFaultException(bad, true, IsMapped(bad));
        }
        for (ulong p = a >> PageShift; p <= (a + n - 1) >> PageShift; p++)
            if ((Perm[p] & PermCode) != 0) InvalidateCode(p);
    }

    /// <summary>Reads a NUL-terminated string (at most <paramref name="max"/> bytes).</summary>
    public static byte[] ReadCString(ulong a, int max = 1 << 16)
    {
        var buf = new List<byte>();
        for (int i = 0; i < max; i++)
        {
            byte b = Read8(a + (ulong)i);
            if (b == 0) break;
            buf.Add(b);
        }
        return buf.ToArray();
    }

    public static string ReadString(ulong a, int max = 1 << 16) =>
        System.Text.Encoding.UTF8.GetString(ReadCString(a, max));

    /// <summary>Sets the software permissions of whole pages (the host mapping is changed by the caller).</summary>
    public static void SetPerm(ulong start, ulong end, byte perm)
    {
        for (ulong p = start >> PageShift; p < (end + PageMask) >> PageShift; p++)
        {
            if ((Perm[p] & PermCode) != 0) InvalidateCode(p);
            Perm[p] = perm;
            UpdateTags(p);
        }
    }

    /// <summary>Software permission byte for a guest PROT_* value; 0x10 marks "mapped" for PROT_NONE pages.</summary>
    public static byte PermFor(int prot)
    {
        byte p = 0x10;
        if ((prot & Native.PROT_READ) != 0) p |= PermRead;
        if ((prot & Native.PROT_WRITE) != 0) p |= PermWrite | PermRead;
        if ((prot & Native.PROT_EXEC) != 0) p |= PermExec | PermRead;
        return p;
    }

    /// <summary>Host protection mirroring a guest PROT_* value (exec is meaningless to the host).</summary>
    public static int HostProt(int prot)
    {
        if ((prot & Native.PROT_WRITE) != 0) return Native.PROT_READ | Native.PROT_WRITE;
        if ((prot & (Native.PROT_READ | Native.PROT_EXEC)) != 0) return Native.PROT_READ;
        return Native.PROT_NONE;
    }
}

/// <summary>The host refused the address space guest memory needs (typically a virtual-memory limit
/// such as <c>ulimit -v</c>): the command reports it in one line.</summary>
public sealed class HostMemoryException(string what)
    : Exception($"cannot reserve {what}: mmap failed with errno {Native.Errno} (is virtual memory limited, e.g. by ulimit -v?)");
