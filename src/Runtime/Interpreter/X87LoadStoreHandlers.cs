using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>Data transfer: fld/fst/fstp, fild/fist/fistp/fisttp, fbld/fbstp, the constants,
/// fxch, fcmovcc, ffree (Intel SDM vol. 1, 8.3.3).</summary>
public static unsafe partial class X87Handlers
{
    static void RegisterLoadStore()
    {
        HandlerTable.Add(Mnemonic.Fld, &Fld);
        HandlerTable.Add(Mnemonic.Fild, &Fld);
        HandlerTable.Add(Mnemonic.Fbld, &Fld);
        HandlerTable.Add(Mnemonic.Fst, &Fst);
        HandlerTable.Add(Mnemonic.Fstp, &Fstp);
        HandlerTable.Add(Mnemonic.Fstpnce, &Fstp);
        HandlerTable.Add(Mnemonic.Fist, &Fist);
        HandlerTable.Add(Mnemonic.Fistp, &Fistp);
        HandlerTable.Add(Mnemonic.Fisttp, &Fisttp);
        HandlerTable.Add(Mnemonic.Fbstp, &Fbstp);
        HandlerTable.Add(Mnemonic.Fldz, &Fldz);
        HandlerTable.Add(Mnemonic.Fld1, &Fld1);
        HandlerTable.Add(Mnemonic.Fldpi, &Fldpi);
        HandlerTable.Add(Mnemonic.Fldl2e, &Fldl2e);
        HandlerTable.Add(Mnemonic.Fldl2t, &Fldl2t);
        HandlerTable.Add(Mnemonic.Fldlg2, &Fldlg2);
        HandlerTable.Add(Mnemonic.Fldln2, &Fldln2);
        HandlerTable.Add(Mnemonic.Fxch, &Fxch);
        HandlerTable.Add(Mnemonic.Fcmovb, &Fcmov);
        HandlerTable.Add(Mnemonic.Fcmove, &Fcmov);
        HandlerTable.Add(Mnemonic.Fcmovbe, &Fcmov);
        HandlerTable.Add(Mnemonic.Fcmovu, &Fcmov);
        HandlerTable.Add(Mnemonic.Fcmovnb, &Fcmov);
        HandlerTable.Add(Mnemonic.Fcmovne, &Fcmov);
        HandlerTable.Add(Mnemonic.Fcmovnbe, &Fcmov);
        HandlerTable.Add(Mnemonic.Fcmovnu, &Fcmov);
        HandlerTable.Add(Mnemonic.Ffree, &Ffree);
        HandlerTable.Add(Mnemonic.Ffreep, &Ffreep);
    }

    /// <summary>fld m32/m64/m80 / ST(i), fild m16/m32/m64, fbld m80.</summary>
    static void Fld(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        uint flags = 0;
        Float80 v;
        if (i.Op0Kind == OpKind.Memory)
        {
            Ea(cpu, in i);
            v = LoadMem(cpu.S, in i, ref flags);
        }
        else
        {
            int src = St(in i, 0);
            if (X87.IsEmpty(f, src))
            {
                if (!X87.StackFault(f, false)) return;
                v = Float80.Indefinite;
            }
            else v = X87.Get(f, src);
        }
        if (X87.PushWouldOverflow(f)) { X87.Push(f, v); return; }
        // An unmasked denormal-operand exception still loads the value (measured); an unmasked
        // invalid operation (SNaN source) does not.
        if (!X87.Commit(f, flags) && (flags & ~f->Control & F80.IE) != 0) return;
        X87.Push(f, v);
    }

    static void Fst(Cpu cpu, in Instruction i) => Store(cpu, in i, false);
    static void Fstp(Cpu cpu, in Instruction i) => Store(cpu, in i, true);

    /// <summary>fst/fstp to m32/m64/m80 or ST(i).</summary>
    static void Store(Cpu cpu, in Instruction i, bool pop)
    {
        var f = Begin(cpu, in i);
        uint flags = 0;
        Float80 v;
        if (X87.IsEmpty(f, 0))
        {
            if (!X87.StackFault(f, false)) return;
            v = Float80.Indefinite;
        }
        else v = X87.Get(f, 0);
        if (i.Op0Kind == OpKind.Memory)
        {
            ulong ea = Ea(cpu, in i);
            switch (i.MemorySize)
            {
                case MemorySize.Float32:
                {
                    uint r = F80.ToSingle(v, f->Control, ref flags);
                    GuestMemory.W(ea, 4);
                    if (!X87.Commit(f, flags)) return;
                    GuestMemory.Write32(ea, r);
                    break;
                }
                case MemorySize.Float64:
                {
                    ulong r = F80.ToDouble(v, f->Control, ref flags);
                    GuestMemory.W(ea, 8);
                    if (!X87.Commit(f, flags)) return;
                    GuestMemory.Write64(ea, r);
                    break;
                }
                default:
                    WriteF80(ea, v);
                    X87.Commit(f, 0);
                    break;
            }
        }
        else
        {
            X87.Commit(f, 0);
            X87.Set(f, St(in i, 0), v);
        }
        if (pop) X87.Pop(f);
    }

    static void Fist(Cpu cpu, in Instruction i) => StoreInt(cpu, in i, false, false);
    static void Fistp(Cpu cpu, in Instruction i) => StoreInt(cpu, in i, true, false);
    static void Fisttp(Cpu cpu, in Instruction i) => StoreInt(cpu, in i, true, true);

    static void StoreInt(Cpu cpu, in Instruction i, bool pop, bool truncate)
    {
        var f = Begin(cpu, in i);
        uint flags = 0;
        Float80 v;
        if (X87.IsEmpty(f, 0))
        {
            if (!X87.StackFault(f, false)) return;
            v = Float80.Indefinite;
        }
        else v = X87.Get(f, 0);
        ulong ea = Ea(cpu, in i);
        int size = i.MemorySize.GetSize();
        long r = F80.ToInt(v, size * 8, truncate ? F80.RcZero : F80.Rounding(f->Control), ref flags);
        GuestMemory.W(ea, (uint)size);
        if (!X87.Commit(f, flags)) return;
        GuestMemory.Write(ea, size, (ulong)r);
        if (pop) X87.Pop(f);
    }

    static void Fbstp(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        uint flags = 0;
        Float80 v;
        if (X87.IsEmpty(f, 0))
        {
            if (!X87.StackFault(f, false)) return;
            v = Float80.Indefinite;
        }
        else v = X87.Get(f, 0);
        ulong ea = Ea(cpu, in i);
        var (lo, hi) = F80.ToBcd(v, F80.Rounding(f->Control), ref flags);
        GuestMemory.W(ea, 10);
        if (!X87.Commit(f, flags)) return;
        WriteF80(ea, new Float80(lo, hi));
        X87.Pop(f);
    }

    // The constants to 128 bits (truncated, with a sticky 1: all are irrational), J at bit 127,
    // rounded under the control word's rounding mode as the FPU rounds its internal constants.
    static readonly UInt128 pi = new(0xc90fdaa22168c234, 0xc4c6628b80dc1cd1);
    static readonly UInt128 l2e = new(0xb8aa3b295c17f0bb, 0xbe87fed0691d3e89);
    static readonly UInt128 l2t = new(0xd49a784bcd1b8afe, 0x492bf6ff4dafdb4d);
    static readonly UInt128 lg2 = new(0x9a209a84fbcff798, 0x8f8959ac0b7c9179);
    static readonly UInt128 ln2 = new(0xb17217f7d1cf79ab, 0xc9e3b39803f2f6af);

    static void Fldz(Cpu cpu, in Instruction i) => LoadConst(cpu, in i, Float80.Zero(false));
    static void Fld1(Cpu cpu, in Instruction i) => LoadConst(cpu, in i, Float80.One);
    static void Fldpi(Cpu cpu, in Instruction i) => LoadConst(cpu, in i, Const(cpu, pi, 1));
    static void Fldl2e(Cpu cpu, in Instruction i) => LoadConst(cpu, in i, Const(cpu, l2e, 0));
    static void Fldl2t(Cpu cpu, in Instruction i) => LoadConst(cpu, in i, Const(cpu, l2t, 1));
    static void Fldlg2(Cpu cpu, in Instruction i) => LoadConst(cpu, in i, Const(cpu, lg2, -2));
    static void Fldln2(Cpu cpu, in Instruction i) => LoadConst(cpu, in i, Const(cpu, ln2, -1));

    static Float80 Const(Cpu cpu, UInt128 sig, int exp)
    {
        uint ignored = 0;
        return F80.RoundPack(false, exp + F80.Bias, sig, 64, F80.Rounding(cpu.S->Fpu.Control), ref ignored);
    }

    static void LoadConst(Cpu cpu, in Instruction i, Float80 v)
    {
        var f = Begin(cpu, in i);
        X87.Commit(f, 0);
        X87.Push(f, v);
    }

    static void Fxch(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        int r = i.OpCount > 1 ? St(in i, 1) : 1;
        Float80 a, b;
        if (X87.IsEmpty(f, 0) || X87.IsEmpty(f, r))
        {
            if (!X87.StackFault(f, false)) return;
            a = X87.IsEmpty(f, 0) ? Float80.Indefinite : X87.Get(f, 0);
            b = X87.IsEmpty(f, r) ? Float80.Indefinite : X87.Get(f, r);
        }
        else
        {
            X87.Commit(f, 0);
            a = X87.Get(f, 0);
            b = X87.Get(f, r);
        }
        X87.Set(f, 0, b);
        X87.Set(f, r, a);
    }

    static void Fcmov(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        int r = St(in i, 1);
        int cc = i.Mnemonic switch
        {
            Mnemonic.Fcmovb => 2, Mnemonic.Fcmovnb => 3, Mnemonic.Fcmove => 4, Mnemonic.Fcmovne => 5,
            Mnemonic.Fcmovbe => 6, Mnemonic.Fcmovnbe => 7, Mnemonic.Fcmovu => 10, _ => 11,
        };
        if (X87.IsEmpty(f, 0) || X87.IsEmpty(f, r))
        {
            // Masked underflow: ST(0) becomes the indefinite whatever the condition.
            if (X87.StackFault(f, false)) X87.Set(f, 0, Float80.Indefinite);
            return;
        }
        X87.Commit(f, 0);
        if (Flags.Cond(cpu.S, cc)) X87.Set(f, 0, X87.Get(f, r));
    }

    static void Ffree(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        X87.SetEmptyPhys(f, X87.Phys(f, St(in i, 0)));
    }

    static void Ffreep(Cpu cpu, in Instruction i)
    {
        var f = Begin(cpu, in i);
        X87.SetEmptyPhys(f, X87.Phys(f, St(in i, 0)));
        X87.Pop(f);
    }
}
