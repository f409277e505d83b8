using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// The one instruction table: for every Iced <see cref="Code"/>, the interpreter handler that runs it.
/// Groups register themselves by mnemonic (all encodings share one handler that reads its operands
/// generically) or by code where an encoding needs its own. A code with no handler raises SIGILL
/// naming the instruction, so an unsupported instruction is never silently wrong.
/// </summary>
public static unsafe class HandlerTable
{
    public static readonly delegate*<Cpu, in Instruction, void>[] ByCode;
    static readonly bool[] implemented;

    static readonly Dictionary<Mnemonic, nint> byMnemonic = new();
    static readonly Dictionary<Code, nint> byCode = new();

    static HandlerTable()
    {
        IntegerHandlers.Register();
        SseHandlers.Register();
        MmxHandlers.Register();
        X87Handlers.Register();

        int n = Enum.GetValues<Code>().Length;
        ByCode = new delegate*<Cpu, in Instruction, void>[n];
        implemented = new bool[n];
        for (int c = 0; c < n; c++)
        {
            var code = (Code)c;
            nint h;
            if (byCode.TryGetValue(code, out h) || byMnemonic.TryGetValue(code.Mnemonic(), out h))
            {
                ByCode[c] = (delegate*<Cpu, in Instruction, void>)h;
                implemented[c] = true;
            }
            else ByCode[c] = &Unsupported;
        }
        ByCode[(int)Code.INVALID] = &Invalid;
    }

    /// <summary>Registers a handler for every encoding of <paramref name="m"/>.</summary>
    public static void Add(Mnemonic m, delegate*<Cpu, in Instruction, void> h) => byMnemonic[m] = (nint)h;

    /// <summary>Registers a handler for one encoding (wins over the mnemonic's).</summary>
    public static void Add(Code c, delegate*<Cpu, in Instruction, void> h) => byCode[c] = (nint)h;

    public static bool IsImplemented(Code c) => implemented[(int)c];

    /// <summary>The handler for this instruction: by its code, except locked read-modify-writes
    /// (<c>lock</c>, or <c>xchg</c> with memory), which get the atomic forms of <see cref="IntAtomic"/>.</summary>
    public static delegate*<Cpu, in Instruction, void> For(in Instruction i)
    {
        if ((i.HasLockPrefix || i.Mnemonic == Mnemonic.Xchg) && (i.Op0Kind == OpKind.Memory || i.Op1Kind == OpKind.Memory))
        {
            var h = IntAtomic.For(i.Mnemonic);
            if (h != null) return h;
        }
        return ByCode[(int)i.Code];
    }

    static void Unsupported(Cpu cpu, in Instruction i) =>
        throw new GuestSignalException(Signals.SIGILL, 2 /* ILL_ILLOPN */, i.IP, $"unsupported instruction {Describe(in i)}");

    static void Invalid(Cpu cpu, in Instruction i) =>
        throw new GuestSignalException(Signals.SIGILL, 1 /* ILL_ILLOPC */, i.IP, $"invalid instruction at 0x{i.IP:x}");

    static readonly Formatter formatter = new GasFormatter();

    /// <summary>"0x401000: 62 f1 ... (vaddpd ...)" for messages.</summary>
    public static string Describe(in Instruction i)
    {
        var output = new StringOutput();
        formatter.Format(in i, output);
        var bytes = new byte[i.Length];
        try { Memory.GuestMemory.ReadBytes(i.IP, bytes); } catch (Exception) { }
        return $"at 0x{i.IP:x}: {Convert.ToHexString(bytes).ToLowerInvariant()} ({output.ToStringAndReset()})";
    }
}
