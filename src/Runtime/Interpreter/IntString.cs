using System.Runtime.InteropServices;
using Reg = Iced.Intel.Register;
using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using static UniJit.Runtime.Interpreter.Operands;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// String instructions with rep/repe/repne. Each iteration updates RSI/RDI/RCX before the next,
/// so a fault part-way leaves the registers exactly as the CPU would. Large forward rep movs/stos
/// whose whole range is accessible take a bulk path with the same result.
/// </summary>
public static unsafe partial class IntegerHandlers
{
    static int ElemSize(in Instruction i) => i.Code switch
    {
        Code.Movsb_m8_m8 or Code.Stosb_m8_AL or Code.Lodsb_AL_m8 or Code.Cmpsb_m8_m8 or Code.Scasb_AL_m8 => 1,
        Code.Movsw_m16_m16 or Code.Stosw_m16_AX or Code.Lodsw_AX_m16 or Code.Cmpsw_m16_m16 or Code.Scasw_AX_m16 => 2,
        Code.Movsd_m32_m32 or Code.Stosd_m32_EAX or Code.Lodsd_EAX_m32 or Code.Cmpsd_m32_m32 or Code.Scasd_EAX_m32 => 4,
        _ => 8,
    };

    /// <summary>Address-size view of a pointer register: 32-bit with a 0x67 prefix.</summary>
    static bool Addr32(in Instruction i) => i.MemorySize != MemorySize.Unknown && (
        i.Op0Kind is OpKind.MemorySegESI or OpKind.MemorySegEDI or OpKind.MemoryESEDI ||
        i.Op1Kind is OpKind.MemorySegESI or OpKind.MemorySegEDI or OpKind.MemoryESEDI);

    static ulong SrcBase(CpuState* s, in Instruction i)
    {
        var seg = i.MemorySegment;
        return seg == Reg.FS ? s->FsBase : seg == Reg.GS ? s->GsBase : 0;
    }

    static ulong Idx(CpuState* s, int reg, bool a32) => a32 ? (uint)s->Gpr[reg] : s->Gpr[reg];

    static void Advance(CpuState* s, int reg, long delta, bool a32)
    {
        if (a32) s->Gpr[reg] = (uint)(s->Gpr[reg] + (ulong)delta);
        else s->Gpr[reg] += (ulong)delta;
    }

    static void MovsH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = ElemSize(in i);
        bool a32 = Addr32(in i), rep = i.HasRepPrefix;
        long step = (s->Rflags & Flags.DF) != 0 ? -z : z;
        ulong seg = SrcBase(s, in i);
        if (rep && step > 0 && !a32)
        {
            ulong n = s->Gpr[1], src = seg + s->Gpr[6], dst = s->Gpr[7];
            ulong bytes = n * (ulong)z;
            if (n != 0 && n < (1UL << 40) && (dst <= src || dst >= src + bytes)
                && GuestMemory.Check(src, bytes, GuestMemory.PermRead) && GuestMemory.Check(dst, bytes, GuestMemory.PermWrite))
            {
                GuestMemory.PrepareWrite(dst, bytes);
                Buffer.MemoryCopy(GuestMemory.Base + src, GuestMemory.Base + dst, bytes, bytes);
                s->Gpr[6] += bytes; s->Gpr[7] += bytes; s->Gpr[1] = 0;
                return;
            }
        }
        while (!rep || Idx(s, 1, a32) != 0)
        {
            ulong v = GuestMemory.Read(seg + Idx(s, 6, a32), z);
            GuestMemory.Write(Idx(s, 7, a32), z, v);
            Advance(s, 6, step, a32);
            Advance(s, 7, step, a32);
            if (!rep) return;
            Advance(s, 1, -1, a32);
        }
    }

    static void StosH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = ElemSize(in i);
        bool a32 = Addr32(in i), rep = i.HasRepPrefix;
        long step = (s->Rflags & Flags.DF) != 0 ? -z : z;
        ulong v = s->Gpr[0] & Flags.Mask(z);
        if (rep && step > 0 && !a32)
        {
            ulong n = s->Gpr[1], dst = s->Gpr[7];
            ulong bytes = n * (ulong)z;
            if (n != 0 && n < (1UL << 40) && GuestMemory.Check(dst, bytes, GuestMemory.PermWrite))
            {
                GuestMemory.PrepareWrite(dst, bytes);
                byte* p = GuestMemory.Base + dst;
                Fill(p, n, z, v);
                s->Gpr[7] += bytes; s->Gpr[1] = 0;
                return;
            }
        }
        while (!rep || Idx(s, 1, a32) != 0)
        {
            GuestMemory.Write(Idx(s, 7, a32), z, v);
            Advance(s, 7, step, a32);
            if (!rep) return;
            Advance(s, 1, -1, a32);
        }
    }

    /// <summary>n elements of z bytes, each v. Zero is the host's memset (NativeMemory.Clear); any other
    /// value goes eight bytes at a time. Span.Fill and initblk are Vector&lt;T&gt; code, JIT-compiled in
    /// every run instead of precompiled.</summary>
    static void Fill(byte* p, ulong n, int z, ulong v)
    {
        ulong bytes = n * (ulong)z;
        if (v == 0) { NativeMemory.Clear(p, (nuint)bytes); return; }
        for (int w = z; w < 8; w *= 2) v |= v << (8 * w);
        ulong k = 0;
        for (; k + 8 <= bytes; k += 8) *(ulong*)(p + k) = v;
        for (; k < bytes; k++) p[k] = (byte)(v >> (int)(8 * (k & 7)));
    }

    static void LodsH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = ElemSize(in i);
        bool a32 = Addr32(in i), rep = i.HasRepPrefix;
        long step = (s->Rflags & Flags.DF) != 0 ? -z : z;
        ulong seg = SrcBase(s, in i);
        while (!rep || Idx(s, 1, a32) != 0)
        {
            ulong v = GuestMemory.Read(seg + Idx(s, 6, a32), z);
            WriteReg(s, Accumulator(z), v);
            Advance(s, 6, step, a32);
            if (!rep) return;
            Advance(s, 1, -1, a32);
        }
    }

    static void CmpsH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = ElemSize(in i);
        bool a32 = Addr32(in i);
        bool repe = i.HasRepePrefix, repne = i.HasRepnePrefix, rep = repe || repne;
        long step = (s->Rflags & Flags.DF) != 0 ? -z : z;
        ulong seg = SrcBase(s, in i);
        while (!rep || Idx(s, 1, a32) != 0)
        {
            ulong a = GuestMemory.Read(seg + Idx(s, 6, a32), z);
            ulong b = GuestMemory.Read(Idx(s, 7, a32), z);
            Alu.Sub(s, z, a, b);
            Advance(s, 6, step, a32);
            Advance(s, 7, step, a32);
            if (!rep) return;
            Advance(s, 1, -1, a32);
            if (repe && a != b || repne && a == b) return;
        }
    }

    static void ScasH(Cpu c, in Instruction i)
    {
        var s = c.S;
        int z = ElemSize(in i);
        bool a32 = Addr32(in i);
        bool repe = i.HasRepePrefix, repne = i.HasRepnePrefix, rep = repe || repne;
        long step = (s->Rflags & Flags.DF) != 0 ? -z : z;
        ulong acc = s->Gpr[0] & Flags.Mask(z);
        while (!rep || Idx(s, 1, a32) != 0)
        {
            ulong b = GuestMemory.Read(Idx(s, 7, a32), z);
            Alu.Sub(s, z, acc, b);
            Advance(s, 7, step, a32);
            if (!rep) return;
            Advance(s, 1, -1, a32);
            if (repe && acc != b || repne && acc == b) return;
        }
    }
}
