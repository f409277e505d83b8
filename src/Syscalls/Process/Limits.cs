using UniJit.Runtime.Memory;
using UniJit.Syscalls.Fs;

namespace UniJit.Syscalls.Process;

/// <summary>
/// The guest's resource limits. They start as the host's, but setting one never touches the host's:
/// those bound the .NET runtime too (a guest lowering RLIMIT_AS or RLIMIT_NOFILE must not break it).
/// RLIMIT_NOFILE is enforced by the guest's fd table; the others are recorded and reported.
/// </summary>
public sealed unsafe class Limits
{
    public const int RLIMIT_STACK = 3, RLIMIT_NOFILE = 7, RLIM_NLIMITS = 16;
    public const ulong Infinity = ulong.MaxValue;

    readonly Func<FdTable> fdTable;
    FdTable fds => fdTable();
    readonly ulong[] cur = new ulong[RLIM_NLIMITS], max = new ulong[RLIM_NLIMITS];

    public Limits(Func<FdTable> fds)
    {
        fdTable = fds;
        ulong* v = stackalloc ulong[2];
        for (int r = 0; r < RLIM_NLIMITS; r++)
        {
            if (Native.Sys(302 /* prlimit64 */, 0, r, 0, (long)v) == 0) { cur[r] = v[0]; max[r] = v[1]; }
            else cur[r] = max[r] = Infinity;
        }
        // The guest starts with the usual soft limit on fds, whatever the runtime raised its own to.
        cur[RLIMIT_NOFILE] = Math.Min(cur[RLIMIT_NOFILE], 1024);
        fdTable().Limit = (int)cur[RLIMIT_NOFILE];
    }

    public (ulong Cur, ulong Max) Get(int resource) => (cur[resource], max[resource]);

    /// <summary>Every limit, soft then hard (a fork child starts with its parent's).</summary>
    public ulong[] Save() => [.. cur, .. max];

    public void Load(ulong[] saved)
    {
        Array.Copy(saved, 0, cur, 0, RLIM_NLIMITS);
        Array.Copy(saved, RLIM_NLIMITS, max, 0, RLIM_NLIMITS);
        fds.Limit = (int)Math.Min(cur[RLIMIT_NOFILE], 1 << 20);
    }

    /// <summary>setrlimit's rules: cur ≤ max, and max cannot rise (we are not privileged to raise the host's either).</summary>
    public long Set(int resource, ulong c, ulong m)
    {
        if (c > m) return -Errno.EINVAL;
        if (m > max[resource]) return -Errno.EPERM;
        cur[resource] = c;
        max[resource] = m;
        if (resource == RLIMIT_NOFILE) fds.Limit = (int)Math.Min(c, 1 << 20);
        return 0;
    }
}
