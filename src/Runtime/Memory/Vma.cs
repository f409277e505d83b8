namespace UniJit.Runtime.Memory;

/// <summary>One guest mapping, as Linux's vm_area_struct: [Start, End) with protections and what backs it.</summary>
public sealed class Vma
{
    public ulong Start;
    public ulong End;
    public int Prot;
    public int Flags;
    /// <summary>Backing file path (for /proc/self/maps), or a name such as "[stack]", or null.</summary>
    public string? Name;
    public ulong FileOffset;
    public ulong Device;
    public ulong Inode;
    /// <summary>The host object behind the mapping (file, or memfd for a shared anonymous mapping), for fork; null for private anonymous memory.</summary>
    public MappedFile? File;

    public Vma Clone() => (Vma)MemberwiseClone();
    public override string ToString() => $"{Start:x}-{End:x} {Prot} {Name}";
}
