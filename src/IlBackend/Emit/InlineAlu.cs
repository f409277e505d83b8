using System.Reflection;
using System.Reflection.Emit;
using Iced.Intel;
using UniJit.Runtime.Semantics;
using C = UniJit.IlBackend.Emit.RegionCompiler.Compilation;

namespace UniJit.IlBackend.Emit;

/// <summary>add, sub, and, or, xor, cmp, test on general registers, memory and immediates.</summary>
internal static class InlineAlu
{
    public static bool IsInline(in Instruction i) =>
        i.Mnemonic is Mnemonic.Add or Mnemonic.Sub or Mnemonic.And or Mnemonic.Or or Mnemonic.Xor or Mnemonic.Cmp or Mnemonic.Test
        && !i.HasLockPrefix && IlEmitter.IsGprOperand(in i, 0) && IlEmitter.IsGprOperand(in i, 1);

    static readonly UniJit.IlBackend.Analysis.MethodsBy<Mnemonic> semantics = new()
    {
        [Mnemonic.Add] = typeof(Alu).GetMethod(nameof(Alu.Add))!,
        [Mnemonic.Sub] = typeof(Alu).GetMethod(nameof(Alu.Sub))!,
        [Mnemonic.Cmp] = typeof(Alu).GetMethod(nameof(Alu.Sub))!,
        [Mnemonic.And] = typeof(Alu).GetMethod(nameof(Alu.And))!,
        [Mnemonic.Test] = typeof(Alu).GetMethod(nameof(Alu.And))!,
        [Mnemonic.Or] = typeof(Alu).GetMethod(nameof(Alu.Or))!,
        [Mnemonic.Xor] = typeof(Alu).GetMethod(nameof(Alu.Xor))!,
    };

    public static bool Emit(C c, in Instruction i, bool flagsLive)
    {
        if (!IsInline(in i)) return false;
        var em = c.Em; var il = c.Il;
        int z = UniJit.Runtime.Interpreter.Operands.Size(in i, 0);
        bool writes = i.Mnemonic is not (Mnemonic.Cmp or Mnemonic.Test);
        LocalBuilder? addr = null;
        if (i.Op0Kind == OpKind.Memory || i.Op1Kind == OpKind.Memory) c.MayFault(in i);
        if (i.Op0Kind == OpKind.Memory)
        {
            addr = em.Temp();
            em.EffectiveAddress(in i);
            il.Emit(OpCodes.Stloc, addr);
        }
        bool zeroIdiom = i.Mnemonic is Mnemonic.Xor or Mnemonic.Sub && i.Op0Kind == OpKind.Register && i.Op1Kind == OpKind.Register
            && i.Op0Register == i.Op1Register;
        // test r, r (and and/or of a register with itself): both operands and the result are the register's
        // value. RyuJIT does not see that x & x is x when x is read twice: test esi, esi became two copies,
        // an and and a test before the jcc.
        bool sameOperand = i.Mnemonic is Mnemonic.Test or Mnemonic.And or Mnemonic.Or && i.Op0Kind == OpKind.Register
            && i.Op1Kind == OpKind.Register && i.Op0Register == i.Op1Register;
        if (zeroIdiom)
        {
            il.Emit(OpCodes.Ldc_I8, 0L); il.Emit(OpCodes.Stloc, c.Fa);
            il.Emit(OpCodes.Ldc_I8, 0L); il.Emit(OpCodes.Stloc, c.Fb);
        }
        else if (sameOperand)
        {
            em.ReadOperand(in i, 0, z, addr, thenWrite: writes);
            il.Emit(OpCodes.Stloc, c.Fa);
            il.Emit(OpCodes.Ldloc, c.Fa);
            il.Emit(OpCodes.Stloc, c.Fb);
        }
        else
        {
            em.ReadOperand(in i, 0, z, addr, thenWrite: writes);
            il.Emit(OpCodes.Stloc, c.Fa);
            em.ReadOperand(in i, 1, z);
            il.Emit(OpCodes.Stloc, c.Fb);
        }
        if (flagsLive)
        {
            em.LdState();
            il.Emit(OpCodes.Ldc_I4, z);
            il.Emit(OpCodes.Ldloc, c.Fa);
            il.Emit(OpCodes.Ldloc, c.Fb);
            c.Em.Call(semantics[i.Mnemonic]);
        }
        else if (sameOperand) il.Emit(OpCodes.Ldloc, c.Fa);
        else
        {
            il.Emit(OpCodes.Ldloc, c.Fa);
            il.Emit(OpCodes.Ldloc, c.Fb);
            il.Emit(i.Mnemonic switch
            {
                Mnemonic.Add => OpCodes.Add,
                Mnemonic.Sub or Mnemonic.Cmp => OpCodes.Sub,
                Mnemonic.And or Mnemonic.Test => OpCodes.And,
                Mnemonic.Or => OpCodes.Or,
                _ => OpCodes.Xor,
            });
            em.Mask(z);
        }
        il.Emit(OpCodes.Stloc, c.Fr);
        if (writes) em.WriteOperand(in i, 0, z, c.Fr, addr);
        if (addr != null) em.Free(addr);
        if (!flagsLive && c.FlagsDeferred) c.DeferFlags(semantics[i.Mnemonic], z, c.Fa, c.Fb);
        c.Producer = Fusion.Kind(in i);
        c.ProducerSize = z;
        return true;
    }
}
