namespace UniJit.Tests.Syscalls;

/// <summary>
/// The real kernel is the oracle: each program runs natively and under unijit, and stdout, stderr and
/// the exit status must match byte for byte. The one allowed difference: when the guest dies by a
/// signal, unijit adds its one-line "unijit: guest killed by ..." report to stderr.
/// </summary>
public sealed class ProgramTests
{
    /// <summary>Programs expected to fail for now, with the reason. A listed program that starts passing
    /// fails this test, so that the list stays true.</summary>
    static readonly Dictionary<string, string> KnownFailures = new()
    {
    };

    public static TheoryData<string, string> Programs()
    {
        var data = new TheoryData<string, string>();
        foreach (var src in Directory.GetFiles(ProgramRunner.Sources, "*.c").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(src);
            if (name.StartsWith("tiny_")) data.Add(name, "tiny");
            else
            {
                data.Add(name, "static");
                data.Add(name, "static-pie");
                if (ProgramRunner.HasCompiler("musl-gcc")) data.Add(name, "musl");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void MatchesNative(string name, string variant)
    {
        string bin = ProgramRunner.Compile(name, variant);
        var native = ProgramRunner.Native(bin);
        var guest = ProgramRunner.UnderUniJit(bin);
        string guestErr = guest.Stderr;
        if (guest.Status > 128)
            guestErr = string.Concat(guestErr.Split('\n').Where(l => !l.StartsWith("unijit: guest killed by")).Select(l => l + "\n"))[..^1];
        bool same = native.Stdout == guest.Stdout && native.Stderr == guestErr && native.Status == guest.Status;
        string id = $"{name}/{variant}";
        if (KnownFailures.TryGetValue(id, out var reason))
        {
            Assert.False(same, $"{id} now matches native: remove it from KnownFailures ({reason})");
            return;
        }
        Assert.Equal(native.Stdout, guest.Stdout);
        Assert.Equal(native.Stderr, guestErr);
        Assert.Equal(native.Status, guest.Status);
    }
}
