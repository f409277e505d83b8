using Iced.Intel;

namespace UniJit.Tests.Differential;

/// <summary>One generated test: a snippet (assembled for <see cref="Support.GuestCode.CodeAddress"/>),
/// the state it starts from, and which RFLAGS bits are architecturally defined after it.</summary>
public sealed record DiffCase(string Group, int Index, byte[] Snippet, MachineState Input, ulong FlagsMask)
{
    public string Disassembly
    {
        get
        {
            var decoder = Decoder.Create(64, new ByteArrayCodeReader(Snippet), Support.GuestCode.CodeAddress);
            var formatter = new IntelFormatter();
            var output = new StringOutput();
            var lines = new List<string>();
            while (decoder.IP < Support.GuestCode.CodeAddress + (ulong)Snippet.Length)
            {
                decoder.Decode(out var i);
                formatter.Format(i, output);
                lines.Add(output.ToStringAndReset());
            }
            return string.Join("; ", lines);
        }
    }
}
