using UniJit.Runtime.State;

namespace UniJit.Runtime.Dispatch;

/// <summary>The process's guest threads by tid: a few entries, changed under a lock, read from an
/// array that is replaced on every change (so readers need no lock). Not a
/// <c>ConcurrentDictionary&lt;int, Cpu&gt;</c>, whose instantiation ReadyToRun cannot precompile (a dozen
/// methods JIT-compiled at every start).</summary>
public sealed class GuestThreads
{
    Cpu[] all = [];
    readonly object gate = new();

    public int Count => Volatile.Read(ref all).Length;

    /// <summary>The threads as they are now.</summary>
    public Cpu[] Values => Volatile.Read(ref all);

    /// <summary>Makes <paramref name="cpu"/> the thread with tid <paramref name="tid"/>.</summary>
    public void Set(int tid, Cpu cpu)
    {
        lock (gate)
        {
            var next = new List<Cpu>(all.Length + 1);
            foreach (var t in all) if (t.Tid != tid) next.Add(t);
            next.Add(cpu);
            Volatile.Write(ref all, next.ToArray());
        }
    }

    public void Remove(int tid)
    {
        lock (gate)
        {
            var next = new List<Cpu>(all.Length);
            foreach (var t in all) if (t.Tid != tid) next.Add(t);
            Volatile.Write(ref all, next.ToArray());
        }
    }

    public bool TryGetValue(int tid, out Cpu cpu)
    {
        foreach (var t in Volatile.Read(ref all))
            if (t.Tid == tid) { cpu = t; return true; }
        cpu = null!;
        return false;
    }
}
