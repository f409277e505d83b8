using UniJit.Runtime.Memory;

namespace UniJit.Syscalls.Net;

/// <summary>
/// The read-only network-interface ioctls on a socket (netdevice(7)): SIOCGIFCONF and the
/// SIOCGIF* queries that fill a <c>struct ifreq</c>. ifconfig uses them, and so does Python's
/// <c>uuid</c> module through ifconfig. An ifreq holds no pointers, so the host kernel works on the
/// guest's copy; SIOCGIFCONF's <c>struct ifconf</c> points at the guest's buffer, so a host copy is
/// passed with that pointer translated. The setters (SIOCSIF*) are left out (-ENOTTY).
/// </summary>
public static unsafe class InterfaceIoctls
{
    const int IfreqSize = 40, IfconfSize = 16;
    const uint SIOCGIFCONF = 0x8912;

    /// <summary>The result of the request on host fd <paramref name="host"/>, or null when it is not one of these.</summary>
    public static long? Try(int host, uint req, ulong arg)
    {
        switch (req)
        {
            case SIOCGIFCONF:
            {
                byte* conf = Guest.Out(arg, IfconfSize);
                int len = *(int*)conf;
                ulong buf = *(ulong*)(conf + 8);
                byte* hostConf = stackalloc byte[IfconfSize];
                *(int*)hostConf = len;
                *(long*)(hostConf + 8) = buf == 0 || len <= 0 ? 0 : (long)Guest.Out(buf, (ulong)len);
                long r = Native.Sys(16, host, req, (long)hostConf);
                if (r >= 0) *(int*)conf = *(int*)hostConf;
                return r;
            }
            case 0x8910: /* SIOCGIFNAME */ case 0x8913: /* SIOCGIFFLAGS */ case 0x8915: /* SIOCGIFADDR */
            case 0x8917: /* SIOCGIFDSTADDR */ case 0x8919: /* SIOCGIFBRDADDR */ case 0x891b: /* SIOCGIFNETMASK */
            case 0x891d: /* SIOCGIFMETRIC */ case 0x8921: /* SIOCGIFMTU */ case 0x8927: /* SIOCGIFHWADDR */
            case 0x8933: /* SIOCGIFINDEX */ case 0x8942: /* SIOCGIFTXQLEN */ case 0x8970: /* SIOCGIFMAP */
                return Native.Sys(16, host, req, (long)Guest.Out(arg, IfreqSize));
            default:
                return null;
        }
    }
}
