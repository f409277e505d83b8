namespace UniJit.Syscalls;

public static partial class Errno
{
    /// <summary>"ENOENT", or null for a number that is not an errno.</summary>
    public static string? Name(int e) => e > 0 && e < names.Length ? names[e] : null;

    /// <summary>strerror's text, e.g. "No such file or directory".</summary>
    public static string Message(int e) => e > 0 && e < messages.Length && messages[e] != null ? messages[e]! : $"Unknown error {e}";
}

/// <summary>Thrown inside a handler to fail the call with -<see cref="Errno"/> (the dispatcher catches it).</summary>
public sealed class SyscallError(int errno) : Exception(UniJit.Syscalls.Errno.Name(errno) ?? errno.ToString())
{
    public int Errno { get; } = errno;
}
