using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// The one instruction table: for every Iced <see cref="Code"/>, the interpreter handler that runs it.
/// Groups register themselves by mnemonic (all encodings share one handler that reads its operands
/// generically) or by code where an encoding needs its own. A code with no handler raises SIGILL
/// naming the instruction, so an unsupported instruction is never silently wrong.
/// The table is built before every guest's first instruction: registrations go into plain arrays
/// indexed by code and mnemonic (a Dictionary keyed by an Iced enum would be JIT-compiled at each start).
/// </summary>
public static unsafe class HandlerTable
{
    /// <summary>The number of Iced <see cref="Code"/> values (they run from 0 to CodeCount - 1): Iced's last
    /// code plus one, since Enum.GetValues (reflection over ~4 900 fields) took ~1.5 ms of every start. A
    /// test holds it equal to Enum.GetValues' count, so an Iced upgrade that adds codes fails there.</summary>
    public const int CodeCount = (int)Code.VEX_Vsm3rnds2_xmm_xmm_xmmm128_imm8 + 1;
    const int codeCount = CodeCount;

    public static readonly delegate*<Cpu, in Instruction, void>[] ByCode;
    static readonly bool[] implemented;

    /// <summary>Registrations, by mnemonic and by code (0 = none).</summary>
    static nint[] byMnemonic = new nint[2048]; // grows in Add if Iced has more mnemonics
    static readonly nint[] byCode = new nint[codeCount];

    static HandlerTable()
    {
        IntegerHandlers.Register();
        SseHandlers.Register();
        MmxHandlers.Register();
        X87Handlers.Register();

        int n = codeCount;
        ByCode = new delegate*<Cpu, in Instruction, void>[n];
        implemented = new bool[n];
        for (int c = 0; c < n; c++)
        {
            int m = (int)((Code)c).Mnemonic();
            nint h = byCode[c] != 0 ? byCode[c] : m < byMnemonic.Length ? byMnemonic[m] : 0;
            if (h != 0)
            {
                ByCode[c] = (delegate*<Cpu, in Instruction, void>)h;
                implemented[c] = true;
            }
            else ByCode[c] = &Unsupported;
        }
        ByCode[(int)Code.INVALID] = &Invalid;
    }

    /// <summary>Registers a handler for every encoding of <paramref name="m"/>.</summary>
    public static void Add(Mnemonic m, delegate*<Cpu, in Instruction, void> h)
    {
        if ((int)m >= byMnemonic.Length)
        {
            var grown = new nint[Math.Max(byMnemonic.Length * 2, (int)m + 1)];
            Array.Copy(byMnemonic, grown, byMnemonic.Length);
            byMnemonic = grown;
        }
        byMnemonic[(int)m] = (nint)h;
    }

    /// <summary>Registers a handler for one encoding (wins over the mnemonic's).</summary>
    public static void Add(Code c, delegate*<Cpu, in Instruction, void> h) => byCode[(int)c] = (nint)h;

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

    /// <summary>Made on first use: only error messages need it.</summary>
    static Formatter? formatter;

    /// <summary>"0x401000: 62 f1 ... (vaddpd ...)" for messages.</summary>
    public static string Describe(in Instruction i)
    {
        var output = new StringOutput();
        (formatter ??= new GasFormatter()).Format(in i, output);
        var bytes = new byte[i.Length];
        try { Memory.GuestMemory.ReadBytes(i.IP, bytes); } catch (Exception) { }
        return $"at 0x{i.IP:x}: {Convert.ToHexString(bytes).ToLowerInvariant()} ({output.ToStringAndReset()})";
    }
}
