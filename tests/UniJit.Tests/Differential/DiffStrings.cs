using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Differential.FlagInfo;

namespace UniJit.Tests.Differential;

public static partial class DiffGroups
{
    /// <summary>MOVS/STOS/LODS/CMPS/SCAS at every element size, without prefix, with REP, REPE and
    /// REPNE, forwards and backwards (DF), over the scratch area; RCX from 0 up; overlapping MOVS;
    /// compared runs made equal for a while so that REPE/REPNE stop somewhere inside; STOS of zero, too.</summary>
    static IEnumerable<Draft> StringOps(CaseGen g)
    {
        string[] ops = ["movs", "stos", "lods", "cmps", "scas"];
        int[] sizes = [1, 2, 4, 8];
        for (int n = 0; n < 800; n++)
        {
            string op = ops[n % 5];
            int size = sizes[(n / 5) % 4];
            bool df = (n / 20) % 2 == 1;
            int prefix = g.Rng.Next(3); // 0 none, 1 rep/repe, 2 repne
            if (op is "movs" or "stos" or "lods" && prefix == 2) prefix = 1;
            var s = g.State();
            if (df) s.Rflags |= DF;
            if (op == "stos" && g.Rng.Next(4) == 0) s.Gpr[0] = 0; // zeroing: the host's memset
            int elems = g.Rng.Next(4) == 0 ? 0 : g.Rng.Next(1, 48);
            ulong src = CaseGen.Data + (ulong)(df ? 0x1000 : 0x400) + (ulong)g.Rng.Next(0, 16);
            ulong dst = CaseGen.Data + (ulong)(df ? 0x1800 : 0xC00) + (ulong)g.Rng.Next(0, 16);
            if (op == "movs" && !df && g.Rng.Next(4) == 0) dst = src + (ulong)g.Rng.Next(1, 17); // overlapping, copied element by element
            s.Gpr[6] = src;
            s.Gpr[7] = dst;
            s.Gpr[1] = (ulong)elems | (prefix == 0 ? (ulong)g.Rng.NextInt64() << 8 : 0);
            if (op is "cmps" or "scas")
            {
                // Make the compared data equal (cmps) or equal to RAX (scas) for a stretch.
                int run = g.Rng.Next(0, elems + 2);
                ulong value = s.Gpr[0];
                for (int e = 0; e < run; e++)
                {
                    long step = df ? -e * size : e * size;
                    int so = (int)((long)(src - CaseGen.Data) + step), d0 = (int)((long)(dst - CaseGen.Data) + step);
                    for (int b = 0; b < size; b++)
                        s.Data[d0 + b] = op == "cmps" ? s.Data[so + b] : (byte)(value >> (8 * b));
                }
            }
            var code = CaseGen.Assemble(a =>
            {
                var p = prefix == 1 ? (op is "cmps" or "scas" ? a.repe : a.rep) : prefix == 2 ? a.repne : a;
                switch (op, size)
                {
                    case ("movs", 1): p.movsb(); break; case ("movs", 2): p.movsw(); break; case ("movs", 4): p.movsd(); break; case ("movs", 8): p.movsq(); break;
                    case ("stos", 1): p.stosb(); break; case ("stos", 2): p.stosw(); break; case ("stos", 4): p.stosd(); break; case ("stos", 8): p.stosq(); break;
                    case ("lods", 1): p.lodsb(); break; case ("lods", 2): p.lodsw(); break; case ("lods", 4): p.lodsd(); break; case ("lods", 8): p.lodsq(); break;
                    case ("cmps", 1): p.cmpsb(); break; case ("cmps", 2): p.cmpsw(); break; case ("cmps", 4): p.cmpsd(); break; case ("cmps", 8): p.cmpsq(); break;
                    case ("scas", 1): p.scasb(); break; case ("scas", 2): p.scasw(); break; case ("scas", 4): p.scasd(); break; case ("scas", 8): p.scasq(); break;
                }
            });
            yield return new Draft(code, s);
        }
    }

    /// <summary>Multi-precision arithmetic as compilers and bignum libraries write it: ADC/SBB chains
    /// over memory limbs of every width, and a loop whose DEC/JNZ must preserve CF between limbs.</summary>
    static IEnumerable<Draft> Chains(CaseGen g)
    {
        for (int n = 0; n < 300; n++)
        {
            var s = g.State();
            int limbs = g.Rng.Next(2, 7);
            int size = new[] { 1, 2, 4, 8 }[g.Rng.Next(4)];
            bool sub = g.Rng.Next(2) == 0;
            bool loop = g.Rng.Next(3) == 0;
            s.Gpr[6] = CaseGen.Data + 0x400;   // a
            s.Gpr[7] = CaseGen.Data + 0x600;   // b
            s.Gpr[3] = CaseGen.Data + 0x800;   // result
            for (int k = 0; k < 0x100; k += 8)
                if (g.Rng.Next(3) == 0) BitConverter.TryWriteBytes(s.Data.AsSpan(0x400 + k), g.Rng.Next(2) == 0 ? ulong.MaxValue : 0UL);
            var code = CaseGen.Assemble(a =>
            {
                if (loop)
                {
                    a.mov(ecx, limbs);
                    if (sub) a.stc(); else a.clc();
                    if (g.Rng.Next(2) == 0) a.cmc();
                    var top = a.CreateLabel();
                    a.Label(ref top);
                    Limb(a, size, 0, sub, adc: true);
                    a.lea(rsi, __[rsi + size]);
                    a.lea(rdi, __[rdi + size]);
                    a.lea(rbx, __[rbx + size]);
                    a.dec(ecx);
                    a.jnz(top);
                }
                else
                {
                    for (int k = 0; k < limbs; k++) Limb(a, size, k * size, sub, adc: k > 0);
                }
                a.setc(dl);
                a.mov(r8, 0);
                a.adc(r8, 0);
            });
            yield return new Draft(code, s);
        }
    }

    static void Limb(Assembler a, int size, int off, bool sub, bool adc)
    {
        switch (size)
        {
            case 1:
                a.mov(al, __byte_ptr[rsi + off]);
                if (sub) { if (adc) a.sbb(al, __byte_ptr[rdi + off]); else a.sub(al, __byte_ptr[rdi + off]); }
                else { if (adc) a.adc(al, __byte_ptr[rdi + off]); else a.add(al, __byte_ptr[rdi + off]); }
                a.mov(__byte_ptr[rbx + off], al);
                break;
            case 2:
                a.mov(ax, __word_ptr[rsi + off]);
                if (sub) { if (adc) a.sbb(ax, __word_ptr[rdi + off]); else a.sub(ax, __word_ptr[rdi + off]); }
                else { if (adc) a.adc(ax, __word_ptr[rdi + off]); else a.add(ax, __word_ptr[rdi + off]); }
                a.mov(__word_ptr[rbx + off], ax);
                break;
            case 4:
                a.mov(eax, __dword_ptr[rsi + off]);
                if (sub) { if (adc) a.sbb(eax, __dword_ptr[rdi + off]); else a.sub(eax, __dword_ptr[rdi + off]); }
                else { if (adc) a.adc(eax, __dword_ptr[rdi + off]); else a.add(eax, __dword_ptr[rdi + off]); }
                a.mov(__dword_ptr[rbx + off], eax);
                break;
            default:
                a.mov(rax, __qword_ptr[rsi + off]);
                if (sub) { if (adc) a.sbb(rax, __qword_ptr[rdi + off]); else a.sub(rax, __qword_ptr[rdi + off]); }
                else { if (adc) a.adc(rax, __qword_ptr[rdi + off]); else a.add(rax, __qword_ptr[rdi + off]); }
                a.mov(__qword_ptr[rbx + off], rax);
                break;
        }
    }
}
