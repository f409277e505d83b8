using System.Text;

namespace UniJit.Tests.Differential;

/// <summary>The state a differential case starts from and ends with: the 16 general registers
/// (Iced's order RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15), RFLAGS, and the scratch data area.</summary>
public sealed class MachineState
{
    public readonly ulong[] Gpr = new ulong[16];
    public ulong Rflags;
    public byte[] Data = [];

    public MachineState Clone()
    {
        var c = new MachineState { Rflags = Rflags, Data = (byte[])Data.Clone() };
        Gpr.CopyTo(c.Gpr, 0);
        return c;
    }

    public static readonly string[] Names =
        ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];

    public static string FlagsText(ulong f)
    {
        var sb = new StringBuilder($"{f:x}[");
        (ulong bit, string name)[] bits = [(1, "CF"), (4, "PF"), (0x10, "AF"), (0x40, "ZF"), (0x80, "SF"), (0x400, "DF"), (0x800, "OF")];
        foreach (var (bit, name) in bits) if ((f & bit) != 0) sb.Append(name).Append(' ');
        if (sb[^1] == ' ') sb.Length--;
        return sb.Append(']').ToString();
    }

    public string RegistersText()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 16; i++) sb.Append($"{Names[i]}={Gpr[i]:x} ");
        return sb.Append("rflags=").Append(FlagsText(Rflags)).ToString();
    }
}
