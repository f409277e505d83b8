using UniJit.Runtime.State;

namespace UniJit.Syscalls.Table;

/// <summary>The six argument registers of one call (RDI, RSI, RDX, R10, R8, R9) and the calling thread.</summary>
public readonly unsafe struct SysArgs
{
    public readonly Cpu Cpu;
    public readonly int Nr;
    public readonly ulong A0, A1, A2, A3, A4, A5;

    public SysArgs(Cpu cpu)
    {
        Cpu = cpu;
        var s = cpu.S;
        Nr = (int)s->Gpr[0];
        A0 = s->Gpr[7]; A1 = s->Gpr[6]; A2 = s->Gpr[2]; A3 = s->Gpr[10]; A4 = s->Gpr[8]; A5 = s->Gpr[9];
    }

    public SysArgs(Cpu cpu, int nr, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        Cpu = cpu; Nr = nr; A0 = a0; A1 = a1; A2 = a2; A3 = a3; A4 = a4; A5 = a5;
    }

    public ulong this[int i] => i switch { 0 => A0, 1 => A1, 2 => A2, 3 => A3, 4 => A4, _ => A5 };

    /// <summary>Argument <paramref name="i"/> as the C int the kernel would see (low 32 bits, signed).</summary>
    public int I(int i) => (int)this[i];
}
