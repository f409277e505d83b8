using Iced.Intel;

namespace UniJit.Tests.Differential;

/// <summary>Which RFLAGS bits a snippet leaves architecturally defined, from Iced's per-instruction
/// data (RflagsUndefined, RflagsModified): a flag left undefined by one instruction becomes defined
/// again when a later one writes it.</summary>
public static class FlagInfo
{
    public const ulong CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
    public const ulong Compared = CF | PF | AF | ZF | SF | DF | OF;

    public static ulong ToRflags(RflagsBits b)
    {
        ulong f = 0;
        if ((b & RflagsBits.OF) != 0) f |= OF;
        if ((b & RflagsBits.SF) != 0) f |= SF;
        if ((b & RflagsBits.ZF) != 0) f |= ZF;
        if ((b & RflagsBits.AF) != 0) f |= AF;
        if ((b & RflagsBits.CF) != 0) f |= CF;
        if ((b & RflagsBits.PF) != 0) f |= PF;
        if ((b & RflagsBits.DF) != 0) f |= DF;
        return f;
    }

    /// <summary>The mask of flags to compare after running <paramref name="snippet"/> straight through
    /// (branches are treated as falling through: generators keep undefined flags out of branchy code).</summary>
    public static ulong DefinedAfter(byte[] snippet)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(snippet), Support.GuestCode.CodeAddress);
        ulong undefined = 0;
        while (decoder.IP < Support.GuestCode.CodeAddress + (ulong)snippet.Length)
        {
            decoder.Decode(out var i);
            undefined &= ~ToRflags(i.RflagsModified);
            undefined |= ToRflags(i.RflagsUndefined);
        }
        return Compared & ~undefined;
    }
}
