namespace UniJit.Frontend.Elf;

/// <summary>A program that cannot be loaded; <see cref="ExitCode"/> is what a shell would answer (126 or 127).</summary>
public sealed class ElfLoadException(string message, int exitCode = 126) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
