// Process and system queries, printed as properties: uname, getpid/getppid/gettid, uid/gid,
// getrlimit, sysconf, getrandom, /proc/self/exe, isatty, umask, getcwd.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/resource.h>
#include <sys/random.h>
#include <sys/stat.h>
int main(int argc, char **argv) {
    (void)argc;
    struct utsname u; printf("uname %d sysname %s machine %s\n", uname(&u), u.sysname, u.machine);
    printf("pid>1 %d ppid>0 %d tid==pid %d\n", getpid() > 1, getppid() > 0, gettid() == getpid());
    printf("uid==euid %d gid==egid %d\n", getuid() == geteuid(), getgid() == getegid());
    struct rlimit rl; printf("getrlimit stack %d cur>0 %d\n", getrlimit(RLIMIT_STACK, &rl), rl.rlim_cur > 0);
    printf("pagesize %ld nprocs>0 %d clk_tck %ld\n", sysconf(_SC_PAGESIZE), sysconf(_SC_NPROCESSORS_ONLN) > 0, sysconf(_SC_CLK_TCK));
    unsigned char rnd[32]; memset(rnd, 0, sizeof rnd);
    ssize_t n = getrandom(rnd, sizeof rnd, 0); int nz = 0; for (int i = 0; i < 32; i++) nz += rnd[i] != 0;
    printf("getrandom %zd nonzero bytes >= 20: %d\n", n, nz >= 20);
    char exe[4096]; ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1); exe[l < 0 ? 0 : l] = 0;
    char *base = strrchr(exe, '/'); const char *me = strrchr(argv[0], '/');
    printf("/proc/self/exe names this program: %d\n", l > 0 && base && me && strcmp(base, me) == 0);
    printf("isatty(0) %d\n", isatty(0));
    mode_t old = umask(027); printf("umask set, previous returned back %d\n", umask(old) == 027);
    return 0;
}
