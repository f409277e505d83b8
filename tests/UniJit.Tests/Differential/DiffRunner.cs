using System.Text;
using UniJit.Runtime.Dispatch;
using UniJit.Tests.Support;

namespace UniJit.Tests.Differential;

/// <summary>Runs drafts natively and in UniJit and describes every difference: registers, the
/// defined flags, the scratch area, or a guest that died.</summary>
public static class DiffRunner
{
    /// <summary>The base seed: UNIJIT_DIFF_SEED overrides the fixed default, so a run is reproducible
    /// and another seed explores further.</summary>
    public static int BaseSeed { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("UNIJIT_DIFF_SEED"), out int s) ? s : 20261127;

    public static int SeedFor(string group)
    {
        uint h = 2166136261;
        foreach (char c in group) h = (h ^ c) * 16777619;
        return BaseSeed ^ (int)h;
    }

    /// <param name="AllFlagsCompared">Cases whose final CF, PF, AF, ZF, SF and OF were all compared.</param>
    public sealed record Result(int Cases, List<string> Failures, Dictionary<string, int> FailuresByKind, int AllFlagsCompared);

    public static Result Run(string group, Tier tier)
    {
        int seed = SeedFor(group);
        var g = new CaseGen(seed);
        var failures = new List<string>();
        var byKind = new Dictionary<string, int>();
        int index = 0, allFlags = 0;
        foreach (var draft in DiffGroups.All[group](g))
        {
            var c = new DiffCase(group, index++, draft.Code, draft.Input, FlagInfo.DefinedAfter(draft.Code) & ~draft.ExtraUndefined);
            if ((c.FlagsMask & (FlagInfo.Compared & ~FlagInfo.DF)) == (FlagInfo.Compared & ~FlagInfo.DF)) allFlags++;
            string? problem = Check(c, tier, out string kind);
            if (problem == null) continue;
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
            failures.Add($"[{group} #{c.Index}, seed {seed}, tier {tier}] {c.Disassembly}\n{problem}");
        }
        return new Result(index, failures, byKind, allFlags);
    }

    static string? Check(DiffCase c, Tier tier, out string kind)
    {
        var native = NativeCpu.Run(c.Snippet, c.Input);
        var guest = GuestCpu.Run(c.Snippet, c.Input, tier, out string? died);
        var first = c.Disassembly.Split(';')[0].Trim();
        string mnemonic = first.Split(' ')[0];
        if (first.StartsWith("lock ", StringComparison.Ordinal) || first.StartsWith("rep", StringComparison.Ordinal))
            mnemonic = string.Join(' ', first.Split(' ').Take(2));
        var sb = new StringBuilder();
        sb.AppendLine($"  input:  {c.Input.RegistersText()}");
        if (guest == null)
        {
            kind = $"{mnemonic}: {Shorten(died!)}";
            sb.AppendLine($"  {died}");
            return sb.ToString();
        }
        kind = mnemonic;
        string? diff = Compare(native, guest, c.FlagsMask, c.Input);
        if (diff == null) return null;
        sb.Append(diff);
        return sb.ToString();
    }

    /// <summary>Null when the final states agree on all registers, the flags in <paramref name="flagsMask"/>
    /// and the data area; else one line per difference.</summary>
    public static string? Compare(MachineState native, MachineState guest, ulong flagsMask, MachineState input)
    {
        var sb = new StringBuilder();
        bool bad = false;
        for (int r = 0; r < 16; r++)
            if (native.Gpr[r] != guest.Gpr[r])
            {
                sb.AppendLine($"  {MachineState.Names[r]}: native {native.Gpr[r]:x16} unijit {guest.Gpr[r]:x16}");
                bad = true;
            }
        if (((native.Rflags ^ guest.Rflags) & flagsMask) != 0)
        {
            sb.AppendLine($"  rflags (compared {MachineState.FlagsText(flagsMask)}): native {MachineState.FlagsText(native.Rflags & flagsMask)} unijit {MachineState.FlagsText(guest.Rflags & flagsMask)}");
            bad = true;
        }
        int shown = 0;
        for (int k = 0; k < native.Data.Length && shown < 8; k++)
            if (native.Data[k] != guest.Data[k])
            {
                sb.AppendLine($"  data[0x{GuestCode.DataAddress + (ulong)k:x}]: native {native.Data[k]:x2} unijit {guest.Data[k]:x2} (input {(k < input.Data.Length ? input.Data[k] : 0):x2})");
                bad = true;
                shown++;
            }
        return bad ? sb.ToString() : null;
    }

    /// <summary>"guest killed by SIGILL: ... unsupported instruction at 0x70000000: 0fa3c1 (bt %eax,%ecx)" → its gist.</summary>
    static string Shorten(string s)
    {
        int u = s.IndexOf("unsupported instruction", StringComparison.Ordinal);
        if (u >= 0) return "unsupported instruction";
        return s.Length > 80 ? s[..80] : s;
    }
}
