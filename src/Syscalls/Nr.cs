namespace UniJit.Syscalls;

public static partial class Nr
{
    /// <summary>The kernel's name for system call <paramref name="nr"/> ("openat"), or null.</summary>
    public static string? Name(int nr) => names.TryGetValue(nr, out var n) ? n : null;
}
