using System.Runtime.InteropServices;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.Syscalls.Process;

/// <summary>
/// What a fork child inherits besides its memory (<see cref="AddressSpaceImage"/>): the forking thread's
/// registers (RAX = 0), mask and alternate stack, the signal dispositions, which guest fds are
/// close-on-exec (the fds themselves are passed at their guest numbers), resource limits, personality,
/// the thread name and the program path. cwd and umask are the host process's and pass by themselves;
/// pending signals, timers, other threads and translations are not inherited (as on Linux, or rebuilt).
/// </summary>
public sealed unsafe class ForkState
{
    public string ExePath = "";
    public uint Personality;
    public byte[] ThreadName = [];
    public ulong[] Limits = [];
    public byte[] Registers = [];
    public ulong SignalMask, AltStackSp, AltStackSize;
    public int AltStackFlags;
    /// <summary>CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID's word in the child (0 when not asked for).</summary>
    public ulong SetTid, ClearTid;
    public KernelSigaction[] Actions = [];
    public List<(int Fd, bool CloExec)> Fds = new();

    /// <summary>The state of <paramref name="cpu"/> (in a system call) as the child must see it.</summary>
    public static ForkState Of(Kernel k, Cpu cpu, ulong setTid, ulong clearTid)
    {
        var child = *cpu.S;
        child.Gpr[0] = 0;
        child.Attention = 0;
        child.InstructionCount = 0;
        child.ChainHits = 0;
        child.AccessChecks = 0;
        var st = new ForkState
        {
            ExePath = k.Process.ExePath, Personality = k.Personality, ThreadName = k.ThreadName, Limits = k.Limits.Save(),
            Registers = new ReadOnlySpan<byte>(&child, sizeof(CpuState)).ToArray(),
            SignalMask = cpu.SignalMask, AltStackSp = cpu.AltStackSp, AltStackSize = cpu.AltStackSize, AltStackFlags = cpu.AltStackFlags,
            SetTid = setTid, ClearTid = clearTid, Actions = (KernelSigaction[])k.Signals.Actions.Clone(),
        };
        foreach (int fd in k.Fds.OpenFds()) st.Fds.Add((fd, k.Fds.GetCloExec(fd)));
        return st;
    }

    public void Write(BinaryWriter w)
    {
        w.Write(ExePath); w.Write(Personality);
        w.Write(ThreadName.Length); w.Write(ThreadName);
        w.Write(Limits.Length); foreach (var l in Limits) w.Write(l);
        w.Write(Registers.Length); w.Write(Registers);
        w.Write(SignalMask); w.Write(AltStackSp); w.Write(AltStackSize); w.Write(AltStackFlags);
        w.Write(SetTid); w.Write(ClearTid);
        w.Write(Actions.Length);
        foreach (var a in Actions) { w.Write(a.Handler); w.Write(a.Flags); w.Write(a.Restorer); w.Write(a.Mask); }
        w.Write(Fds.Count);
        foreach (var (fd, cloexec) in Fds) { w.Write(fd); w.Write(cloexec); }
    }

    public static ForkState Read(BinaryReader r)
    {
        var st = new ForkState { ExePath = r.ReadString(), Personality = r.ReadUInt32() };
        st.ThreadName = r.ReadBytes(r.ReadInt32());
        st.Limits = new ulong[r.ReadInt32()];
        for (int i = 0; i < st.Limits.Length; i++) st.Limits[i] = r.ReadUInt64();
        st.Registers = r.ReadBytes(r.ReadInt32());
        if (st.Registers.Length != sizeof(CpuState)) throw new InvalidDataException("register image of the wrong size");
        st.SignalMask = r.ReadUInt64(); st.AltStackSp = r.ReadUInt64(); st.AltStackSize = r.ReadUInt64(); st.AltStackFlags = r.ReadInt32();
        st.SetTid = r.ReadUInt64(); st.ClearTid = r.ReadUInt64();
        st.Actions = new KernelSigaction[r.ReadInt32()];
        for (int i = 0; i < st.Actions.Length; i++)
            st.Actions[i] = new KernelSigaction { Handler = r.ReadUInt64(), Flags = r.ReadUInt64(), Restorer = r.ReadUInt64(), Mask = r.ReadUInt64() };
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++) st.Fds.Add((r.ReadInt32(), r.ReadBoolean()));
        return st;
    }

    /// <summary>Puts this state into the child's fresh kernel and thread (after its memory is restored).</summary>
    public void Apply(Kernel k, Cpu cpu)
    {
        fixed (byte* p = Registers) *cpu.S = *(CpuState*)p;
        cpu.SignalMask = SignalMask;
        cpu.AltStackSp = AltStackSp; cpu.AltStackSize = AltStackSize; cpu.AltStackFlags = AltStackFlags;
        cpu.ClearChildTid = ClearTid;
        if (SetTid != 0 && GuestMemory.Check(SetTid, 4, GuestMemory.PermWrite)) GuestMemory.Write32(SetTid, (uint)cpu.Tid);
        for (int sig = 1; sig < Actions.Length && sig < k.Signals.Actions.Length; sig++)
        {
            k.Signals.Actions[sig] = Actions[sig];
            HostSignals.Mirror(sig, in Actions[sig]);
        }
        foreach (var (fd, cloexec) in Fds) k.Fds.SetCloExec(fd, cloexec);
        k.Limits.Load(Limits);
        k.Personality = Personality;
        k.ThreadName = ThreadName;
    }
}
