using System.Runtime.CompilerServices;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// The x87 register stack and status word over <see cref="X87State"/> (Intel SDM vol. 1, 8.1):
/// ST(i) is physical register (TOP + i) mod 8; the full tag word is kept current on every write;
/// TOP lives in <see cref="X87State.Top"/> and is mirrored into status bits 11-13.
///
/// Exceptions: an operation accumulates flags (<see cref="F80.IE"/>...) and <see cref="Commit"/>
/// merges them into the status word. When a flag is unmasked in the control word, ES and B are set,
/// and the next waiting x87 instruction (see <see cref="Begin"/>) raises SIGFPE, as the hardware
/// does. An unmasked invalid-operation, denormal or zero-divide exception also suppresses the
/// result (the operands stay unchanged); unmasked overflow/underflow results are not re-biased.
/// </summary>
public static unsafe class X87
{
    public const ushort C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, ES = 0x80, B = 0x8000;
    public const ushort CondMask = C0 | C1 | C2 | C3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Phys(X87State* f, int i) => (f->Top + i) & 7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEmptyPhys(X87State* f, int p) => ((f->Tag >> (2 * p)) & 3) == 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEmpty(X87State* f, int i) => IsEmptyPhys(f, Phys(f, i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float80 GetPhys(X87State* f, int p) => new(f->Mantissa[p], f->SignExp[p]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float80 Get(X87State* f, int i) => GetPhys(f, Phys(f, i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetPhys(X87State* f, int p, Float80 v)
    {
        f->Mantissa[p] = v.Mant;
        f->SignExp[p] = v.SignExp;
        f->Tag = (ushort)((f->Tag & ~(3 << (2 * p))) | (v.Tag << (2 * p)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(X87State* f, int i, Float80 v) => SetPhys(f, Phys(f, i), v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetTop(X87State* f, int top)
    {
        f->Top = (ushort)(top & 7);
        f->Status = (ushort)((f->Status & ~0x3800) | ((top & 7) << 11));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetEmptyPhys(X87State* f, int p) => f->Tag |= (ushort)(3 << (2 * p));

    /// <summary>Marks ST(0) empty and increments TOP.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pop(X87State* f)
    {
        SetEmptyPhys(f, f->Top);
        SetTop(f, f->Top + 1);
    }

    /// <summary>Pushes <paramref name="v"/>. A full stack (new ST(0) not empty) is a stack overflow:
    /// IE|SF with C1 set, and the pushed value becomes the indefinite when IE is masked.</summary>
    public static void Push(X87State* f, Float80 v)
    {
        int p = (f->Top - 1) & 7;
        if (!IsEmptyPhys(f, p))
        {
            if (!StackFault(f, true)) return;
            v = Float80.Indefinite;
        }
        SetTop(f, p);
        SetPhys(f, p, v);
    }

    /// <summary>True if a push would overflow (for instructions that check before computing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool PushWouldOverflow(X87State* f) => !IsEmptyPhys(f, (f->Top - 1) & 7);

    /// <summary>Records a stack fault (overflow: C1=1, underflow: C1=0). Returns true when IE is
    /// masked, i.e. the instruction continues with the indefinite as its result.</summary>
    public static bool StackFault(X87State* f, bool overflow)
    {
        ushort s = (ushort)(f->Status | (ushort)(F80.IE | F80.SF));
        s = (ushort)(overflow ? s | C1 : s & ~C1);
        f->Status = s;
        if ((f->Control & 1) == 0) { f->Status |= ES | B; return false; }
        return true;
    }

    /// <summary>Merges an operation's flags: exception bits accumulate, C1 becomes "rounded up".
    /// Returns false when an unmasked IE, DE or ZE means the result must not be stored: those are
    /// detected before the operation computes, so its precision/underflow/overflow flags and C1
    /// are dropped too (as the CPU reports them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Commit(X87State* f, uint flags)
    {
        uint unmasked = flags & ~(uint)f->Control & 0x3F;
        if (unmasked != 0) return CommitUnmasked(f, flags, unmasked);
        f->Status = (ushort)((f->Status & ~(uint)C1) | (flags & 0x3F) | (flags & F80.C1));
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static bool CommitUnmasked(X87State* f, uint flags, uint unmasked)
    {
        bool pre = (unmasked & (F80.IE | F80.DE | F80.ZE)) != 0;
        if (pre) flags &= F80.IE | F80.DE | F80.ZE;
        f->Status = (ushort)((f->Status & ~(uint)C1) | (flags & 0x3F) | (flags & F80.C1) | ES | B);
        return !pre;
    }

    /// <summary>Sets the condition codes C0..C3 (bits given in status-word positions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetCond(X87State* f, uint cc) =>
        f->Status = (ushort)((f->Status & ~(uint)CondMask) | (cc & CondMask));

    /// <summary>Start of a waiting x87 instruction: a pending unmasked exception raises SIGFPE.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Begin(X87State* f, ulong ip)
    {
        if ((f->Status & ES) != 0) PendingFault(f, ip);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void PendingFault(X87State* f, ulong ip)
    {
        uint pending = f->Status & ~(uint)f->Control & 0x3F;
        int code = (pending & F80.IE) != 0 ? 7 /* FPE_FLTINV */ : (pending & F80.ZE) != 0 ? 3 /* FPE_FLTDIV */ :
            (pending & F80.OE) != 0 ? 4 /* FPE_FLTOVF */ : (pending & F80.UE) != 0 ? 5 /* FPE_FLTUND */ :
            (pending & F80.PE) != 0 ? 6 /* FPE_FLTRES */ : 0;
        throw new GuestSignalException(Signals.SIGFPE, code, ip, "x87 floating-point exception");
    }

    /// <summary>fldcw once no exception is pending (<see cref="Begin"/>): the control word (bit 6 reads as
    /// 1), with ES/B following the exceptions it leaves unmasked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadControlWord(X87State* f, ushort cw)
    {
        f->Control = (ushort)((cw & 0x1F7F) | 0x40);
        LoadStatusWord(f, StatusWord(f));
    }

    /// <summary>The status word as fnstsw stores it (TOP in bits 11-13).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort StatusWord(X87State* f) => (ushort)((f->Status & ~0x3800) | ((f->Top & 7) << 11));

    /// <summary>Loads a status word (fldenv, frstor): TOP comes from bits 11-13; ES/B follow the
    /// unmasked pending exceptions.</summary>
    public static void LoadStatusWord(X87State* f, ushort sw)
    {
        f->Status = sw;
        f->Top = (ushort)((sw >> 11) & 7);
        if ((sw & ~f->Control & 0x3F) != 0) f->Status |= ES | B;
        else f->Status &= unchecked((ushort)~(ES | B));
    }

    /// <summary>The tag word as fnstenv/fnsave store it: empty stays 11, others recomputed from the contents.</summary>
    public static ushort TagWord(X87State* f)
    {
        int t = 0;
        for (int p = 0; p < 8; p++)
            t |= (IsEmptyPhys(f, p) ? 3 : GetPhys(f, p).Tag) << (2 * p);
        return (ushort)t;
    }

    /// <summary>Loads a tag word (fldenv, frstor): only empty / non-empty is kept, the rest recomputed.</summary>
    public static void LoadTagWord(X87State* f, ushort tw)
    {
        int t = 0;
        for (int p = 0; p < 8; p++)
            t |= (((tw >> (2 * p)) & 3) == 3 ? 3 : GetPhys(f, p).Tag) << (2 * p);
        f->Tag = (ushort)t;
    }

    /// <summary>The abridged tag (fxsave): bit p set when physical register p is not empty.</summary>
    public static byte AbridgedTag(X87State* f)
    {
        int t = 0;
        for (int p = 0; p < 8; p++) if (!IsEmptyPhys(f, p)) t |= 1 << p;
        return (byte)t;
    }

    /// <summary>Loads an abridged tag (fxrstor).</summary>
    public static void LoadAbridgedTag(X87State* f, byte tag)
    {
        int t = 0;
        for (int p = 0; p < 8; p++)
            t |= ((tag >> p & 1) == 0 ? 3 : GetPhys(f, p).Tag) << (2 * p);
        f->Tag = (ushort)t;
    }

    /// <summary>fninit: control 0x37F, status 0, all registers empty, pointers cleared.</summary>
    public static void Init(X87State* f)
    {
        f->Control = 0x37F;
        f->Status = 0;
        f->Top = 0;
        f->Tag = 0xFFFF;
        f->LastIp = f->LastDp = 0;
        f->LastOpcode = 0;
    }
}
