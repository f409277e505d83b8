namespace UniJit.Tests.Catalogue;

/// <summary>
/// One row of the catalogue: a real Debian program with its arguments, run in the catalogue's work
/// directory (<see cref="CatalogueInputs"/>) with the given standard input. <see cref="Inverse"/>
/// names the command that undoes it (gunzip for gzip, enc -d for enc): its output must give back the
/// original input bytes. <see cref="Normalize"/> turns output that differs on every run (random
/// bytes) into a property of it (its length and alphabet), applied to native and UniJit alike.
/// </summary>
public sealed record CatalogueCase(string Name, string[] Command)
{
    /// <summary>Standard input for a tier (the tier lets a slow case use a smaller input in the interpreter).</summary>
    public Func<string, byte[]> Stdin { get; init; } = _ => [];

    /// <summary>The command that reverses this one; run on this command's output it must print the original input.</summary>
    public string[]? Inverse { get; init; }

    public Func<byte[], byte[]>? Normalize { get; init; }

    public override string ToString() => Name;
}
