using ELFSharp.ELF;
using ELFSharp.ELF.Segments;

namespace UniJit.Frontend.Elf;

/// <summary>One PT_LOAD segment: where it goes, what of the file fills it, and its PROT_* bits.</summary>
public readonly record struct ElfSegment(ulong Vaddr, ulong MemSize, ulong Offset, ulong FileSize, int Prot);

/// <summary>
/// An x86-64 ELF executable or shared object, parsed with ELFSharp and checked before anything is
/// mapped: class, machine, type and that every segment lies inside the file. Errors are
/// <see cref="ElfLoadException"/>s with a one-line message.
/// </summary>
/// <remarks>
/// Start-up cost: this runs before every guest's first instruction, so it avoids LINQ and generic
/// collections over value types (their code is not in UniJit's ReadyToRun image and would be
/// JIT-compiled at each start), and it lets ELFSharp read only the ELF header and the program
/// headers (<see cref="ParseProgramHeaders"/>).
/// </remarks>
public sealed class ElfImage
{
    public required string Path { get; init; }
    /// <summary>ET_DYN (PIE or shared object): loaded at a base of the loader's choosing.</summary>
    public bool IsDyn { get; init; }
    public ulong Entry { get; init; }
    /// <summary>e_phoff, e_phentsize, e_phnum: read from the header for AT_PHDR/AT_PHENT/AT_PHNUM.</summary>
    public ulong PhOff { get; init; }
    public int PhEntSize { get; init; }
    public int PhNum { get; init; }
    /// <summary>The PT_PHDR address, if the file has one.</summary>
    public ulong? PhdrVaddr { get; init; }
    public required ElfSegment[] Loads { get; init; }
    /// <summary>PT_INTERP, the dynamic loader's path, or null for a static program.</summary>
    public string? Interpreter { get; init; }
    public bool ExecStack { get; init; }
    /// <summary>The file's size: every segment's file bytes lie below it (the loader maps them from the file).</summary>
    public ulong FileLength { get; init; }

    /// <summary>Lowest and highest (page-rounded) addresses the loads cover, before relocation.</summary>
    public ulong MinVaddr
    {
        get
        {
            ulong min = ulong.MaxValue;
            foreach (var s in Loads) min = Math.Min(min, s.Vaddr);
            return min & ~0xFFFUL;
        }
    }

    public ulong MaxVaddr
    {
        get
        {
            ulong max = 0;
            foreach (var s in Loads) max = Math.Max(max, s.Vaddr + s.MemSize);
            return max;
        }
    }

    /// <summary>Headers are read from the file's first bytes (the loader maps the segments from the file
    /// itself): reading all of a 7 MB python3 cost ~10 ms at every start.</summary>
    const int Prefix = 64 << 10;

    public static ElfImage Open(string path)
    {
        byte[] bytes;
        long length;
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            length = f.Length;
            bytes = new byte[(int)Math.Min(length, Prefix)];
            f.ReadExactly(bytes);
            if (bytes.Length < length)
            {
                try { return Parse(path, bytes, (ulong)length); }
                catch (NeedsWholeFile) { }
                // The program headers or PT_INTERP lie past the prefix (or ELFSharp could not read them there).
                if (length > Array.MaxLength) throw new ElfLoadException($"{path}: ELF headers past the first {Prefix >> 10} KiB of a file this large are not supported");
                bytes = new byte[length];
                f.Position = 0;
                f.ReadExactly(bytes);
            }
        }
        catch (FileNotFoundException) { throw new ElfLoadException($"{path}: No such file or directory", 127); }
        catch (DirectoryNotFoundException) { throw new ElfLoadException($"{path}: No such file or directory", 127); }
        catch (UnauthorizedAccessException) { throw new ElfLoadException($"{path}: Permission denied", 126); }
        catch (IOException e) { throw new ElfLoadException($"{path}: {e.Message}", 126); }
        return Parse(path, bytes, (ulong)length);
    }

    public static ElfImage Parse(string path, byte[] bytes) => Parse(path, bytes, (ulong)bytes.Length);

    /// <summary>Parses the headers in <paramref name="bytes"/>, the first bytes of a file of
    /// <paramref name="fileLength"/> bytes (<see cref="NeedsWholeFile"/> if what it must read lies past them).</summary>
    static ElfImage Parse(string path, byte[] bytes, ulong fileLength)
    {
        if (bytes.Length < 4 || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new ElfLoadException($"{path}: not an ELF executable");
        if (bytes.Length < 64)
            throw new ElfLoadException($"{path}: truncated ELF file ({bytes.Length} bytes)");
        if (bytes[4] == 1)
            throw new ElfLoadException($"{path}: 32-bit ELF is not supported (UniJit runs x86-64 programs)");
        if (bytes[4] != 2)
            throw new ElfLoadException($"{path}: unknown ELF class {bytes[4]}");
        if (bytes[5] != 1)
            throw new ElfLoadException($"{path}: big-endian ELF is not supported");
        ushort machine = BitConverter.ToUInt16(bytes, 18);
        if (machine != 62)
            throw new ElfLoadException($"{path}: ELF for another machine ({MachineName(machine)}); UniJit runs x86-64 programs");
        ushort type = BitConverter.ToUInt16(bytes, 16);
        if (type != 2 && type != 3)
            throw new ElfLoadException($"{path}: ELF type {type} is not an executable");
        ulong phoff = BitConverter.ToUInt64(bytes, 32);
        int phentsize = BitConverter.ToUInt16(bytes, 54), phnum = BitConverter.ToUInt16(bytes, 56);
        bool partial = (ulong)bytes.Length < fileLength;
        if (phentsize != 56 || phnum == 0 || phoff > (ulong)bytes.Length || phoff + (ulong)(phnum * phentsize) > (ulong)bytes.Length)
        {
            if (partial && phentsize == 56 && phnum != 0 && phoff <= fileLength && phoff + (ulong)(phnum * phentsize) <= fileLength) throw new NeedsWholeFile();
            throw new ElfLoadException($"{path}: truncated or malformed ELF (program headers out of range)");
        }

        ELF<ulong> elf;
        try { elf = ParseProgramHeaders(path, bytes); }
        catch (ElfLoadException) when (partial) { throw new NeedsWholeFile(); }

        var loads = new ElfSegment[phnum];
        int loadCount = 0;
        string? interp = null;
        ulong? phdr = null;
        bool execStack = false;
        foreach (var seg in elf.Segments)
        {
            ulong off = (ulong)seg.Offset, fsz = (ulong)seg.FileSize;
            switch (seg.Type)
            {
                case SegmentType.Load:
                    if (off + fsz > fileLength || off + fsz < off)
                        throw new ElfLoadException($"{path}: truncated ELF file (segment at offset 0x{off:x} runs past the end)");
                    if (seg.Size < fsz)
                        throw new ElfLoadException($"{path}: malformed ELF (segment file size exceeds memory size)");
                    int prot = 0;
                    if ((seg.Flags & SegmentFlags.Read) != 0) prot |= 1;
                    if ((seg.Flags & SegmentFlags.Write) != 0) prot |= 2;
                    if ((seg.Flags & SegmentFlags.Execute) != 0) prot |= 4;
                    loads[loadCount++] = new ElfSegment(seg.Address, seg.Size, off, fsz, prot);
                    break;
                case SegmentType.Interpreter:
                    if (off + fsz > (ulong)bytes.Length || off + fsz < off)
                    {
                        if (partial && off + fsz <= fileLength && off + fsz >= off) throw new NeedsWholeFile();
                        throw new ElfLoadException($"{path}: truncated ELF file (PT_INTERP out of range)");
                    }
                    interp = System.Text.Encoding.UTF8.GetString(bytes, (int)off, (int)fsz).TrimEnd('\0');
                    break;
                case SegmentType.ProgramHeader:
                    phdr = seg.Address;
                    break;
                default:
                    if ((uint)seg.Type == 0x6474e551) execStack = (seg.Flags & SegmentFlags.Execute) != 0; // PT_GNU_STACK
                    break;
            }
        }
        if (loadCount == 0)
            throw new ElfLoadException($"{path}: ELF has no loadable segments");
        var exact = new ElfSegment[loadCount];
        Array.Copy(loads, exact, loadCount);
        return new ElfImage
        {
            Path = path, IsDyn = type == 3, Entry = elf.EntryPoint, PhOff = phoff, PhEntSize = phentsize, PhNum = phnum,
            PhdrVaddr = phdr, Loads = exact, Interpreter = interp, ExecStack = execStack, FileLength = fileLength,
        };
    }

    /// <summary>The ELF header and program headers, read by ELFSharp. ELFSharp also reads every section
    /// header, section and symbol table when it opens a file (thousands of symbols for a static program,
    /// all of them unused here), and <paramref name="bytes"/> may hold only the file's first bytes, so it is
    /// shown a copy with no section headers: e_shnum and e_shstrndx cleared and e_shoff at 64 zero bytes
    /// appended (ELFSharp then takes the section count from that section header 0's sh_size, 0).</summary>
    static ELF<ulong> ParseProgramHeaders(string path, byte[] bytes)
    {
        const int ShOff = 0x28, ShNum = 0x3C; // e_shoff; e_shnum, then e_shstrndx
        var view = new byte[bytes.Length + 64];
        bytes.CopyTo(view, 0);
        BitConverter.TryWriteBytes(view.AsSpan(ShOff), (ulong)bytes.Length);
        BitConverter.TryWriteBytes(view.AsSpan(ShNum), 0U);
        try
        {
            if (!ELFReader.TryLoad(new MemoryStream(view, false), false, out IELF? ielf) || ielf is not ELF<ulong> e)
                throw new ElfLoadException($"{path}: malformed ELF file");
            return e;
        }
        catch (ElfLoadException) { throw; }
        catch (Exception e) { throw new ElfLoadException($"{path}: malformed ELF file ({e.Message})"); }
    }

    /// <summary>Thrown by <see cref="Parse(string, byte[], ulong)"/> when what it needs lies past the bytes it was given.</summary>
    sealed class NeedsWholeFile : Exception;

    static string MachineName(ushort m) => m switch
    {
        3 => "i386", 40 => "ARM", 183 => "AArch64", 243 => "RISC-V", 8 => "MIPS", 20 => "PowerPC", 21 => "PowerPC64",
        22 => "S/390", 2 => "SPARC", 43 => "SPARC v9", 50 => "IA-64", _ => $"e_machine {m}",
    };
}
