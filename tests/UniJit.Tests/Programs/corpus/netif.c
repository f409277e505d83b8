// Network-interface ioctls (netdevice(7)) as ifconfig uses them: SIOCGIFCONF, then the SIOCGIF*
// queries per interface; an unknown interface (ENODEV) and bad ifconf pointers (EFAULT).
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *addr(struct sockaddr *sa) {
    static char buf[64];
    if (sa->sa_family != AF_INET) return "-";
    return inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
}

int main(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) { perror("socket"); return 1; }
    struct ifreq reqs[32];
    struct ifconf conf = { .ifc_len = sizeof reqs, .ifc_req = reqs };
    if (ioctl(s, SIOCGIFCONF, &conf) < 0) { perror("SIOCGIFCONF"); return 1; }
    int n = conf.ifc_len / (int)sizeof(struct ifreq);
    printf("SIOCGIFCONF: %d interfaces, len %d\n", n, conf.ifc_len);
    for (int i = 0; i < n; i++) {
        struct ifreq r;
        memset(&r, 0, sizeof r);
        strncpy(r.ifr_name, reqs[i].ifr_name, IFNAMSIZ - 1);
        printf("%s: addr %s", r.ifr_name, addr(&reqs[i].ifr_addr));
        if (ioctl(s, SIOCGIFFLAGS, &r) == 0) printf(" flags %#x", (unsigned short)r.ifr_flags);
        if (ioctl(s, SIOCGIFMTU, &r) == 0) printf(" mtu %d", r.ifr_mtu);
        if (ioctl(s, SIOCGIFINDEX, &r) == 0) printf(" index %d", r.ifr_ifindex);
        if (ioctl(s, SIOCGIFNETMASK, &r) == 0) printf(" netmask %s", addr(&r.ifr_netmask));
        if (ioctl(s, SIOCGIFHWADDR, &r) == 0) {
            printf(" hw %d", r.ifr_hwaddr.sa_family);
            for (int j = 0; j < 6; j++) printf("%c%02x", j ? ':' : ' ', (unsigned char)r.ifr_hwaddr.sa_data[j]);
        }
        int index = r.ifr_ifindex;
        memset(&r, 0, sizeof r);
        r.ifr_ifindex = index;
        if (ioctl(s, SIOCGIFNAME, &r) == 0) printf(" name-by-index %s", r.ifr_name);
        printf("\n");
    }
    struct ifreq bad;
    memset(&bad, 0, sizeof bad);
    strcpy(bad.ifr_name, "nosuchif0");
    int rc = ioctl(s, SIOCGIFFLAGS, &bad);
    printf("unknown interface: %d %s\n", rc, rc < 0 ? strerror(errno) : "-");
    struct ifconf wild = { .ifc_len = 400, .ifc_buf = (char *)8 };
    rc = ioctl(s, SIOCGIFCONF, &wild);
    printf("bad buffer: %d %s\n", rc, rc < 0 ? strerror(errno) : "-");
    rc = ioctl(s, SIOCGIFCONF, (void *)8);
    printf("bad ifconf: %d %s\n", rc, rc < 0 ? strerror(errno) : "-");
    close(s);
    return 0;
}
