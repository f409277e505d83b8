/* A libc-free harness for syscall test programs: raw syscalls, a little output formatting and
 * CHECK macros. Built with -nostdlib -static -mgeneral-regs-only so that the programs need only
 * the integer instruction set. Output must not depend on addresses, pids or time: the test runs
 * each program natively and under unijit and compares stdout, stderr and the exit status. */
#pragma once
typedef unsigned long u64;
typedef long i64;

static inline i64 sys6(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e, i64 f)
{
    register i64 r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
    i64 ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
    return ret;
}
#define sys0(n) sys6(n, 0, 0, 0, 0, 0, 0)
#define sys1(n, a) sys6(n, (i64)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6(n, (i64)(a), (i64)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6(n, (i64)(a), (i64)(b), (i64)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6(n, (i64)(a), (i64)(b), (i64)(c), (i64)(d), 0, 0)
#define sys5(n, a, b, c, d, e) sys6(n, (i64)(a), (i64)(b), (i64)(c), (i64)(d), (i64)(e), 0)

enum {
    SYS_read = 0, SYS_write = 1, SYS_open = 2, SYS_close = 3, SYS_stat = 4, SYS_fstat = 5, SYS_lstat = 6, SYS_poll = 7,
    SYS_lseek = 8, SYS_mmap = 9, SYS_mprotect = 10, SYS_munmap = 11, SYS_brk = 12, SYS_rt_sigaction = 13,
    SYS_rt_sigprocmask = 14, SYS_ioctl = 16, SYS_pread64 = 17, SYS_pwrite64 = 18, SYS_readv = 19, SYS_writev = 20,
    SYS_access = 21, SYS_pipe = 22, SYS_select = 23, SYS_mremap = 25, SYS_msync = 26, SYS_madvise = 28, SYS_dup = 32, SYS_dup2 = 33,
    SYS_nanosleep = 35, SYS_getpid = 39, SYS_exit = 60, SYS_kill = 62, SYS_uname = 63, SYS_fcntl = 72, SYS_fsync = 74,
    SYS_truncate = 76, SYS_ftruncate = 77, SYS_getcwd = 79, SYS_chdir = 80, SYS_rename = 82, SYS_mkdir = 83,
    SYS_rmdir = 84, SYS_creat = 85, SYS_link = 86, SYS_unlink = 87, SYS_symlink = 88, SYS_readlink = 89, SYS_chmod = 90,
    SYS_umask = 95, SYS_getrlimit = 97, SYS_sigaltstack = 131, SYS_arch_prctl = 158, SYS_setrlimit = 160,
    SYS_gettid = 186, SYS_time = 201, SYS_futex = 202, SYS_getdents64 = 217, SYS_clock_gettime = 228,
    SYS_clock_getres = 229, SYS_exit_group = 231, SYS_tgkill = 234, SYS_openat = 257, SYS_mkdirat = 258,
    SYS_newfstatat = 262, SYS_unlinkat = 263, SYS_renameat = 264, SYS_readlinkat = 267, SYS_faccessat = 269,
    SYS_pselect6 = 270, SYS_ppoll = 271, SYS_dup3 = 292, SYS_pipe2 = 293, SYS_prlimit64 = 302, SYS_getrandom = 318,
    SYS_memfd_create = 319, SYS_statx = 332,
};

static u64 slen(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static int seq(const char *a, const char *b) { while (*a && *a == *b) a++, b++; return *a == *b; }
static int mcmp(const void *a, const void *b, u64 n)
{
    const unsigned char *x = a, *y = b;
    for (u64 i = 0; i < n; i++) if (x[i] != y[i]) return x[i] - y[i];
    return 0;
}
static void mset(void *p, int c, u64 n) { unsigned char *d = p; while (n--) *d++ = (unsigned char)c; }

static void put(const char *s) { sys3(SYS_write, 1, s, slen(s)); }
static void putn(i64 v)
{
    char b[24]; int i = 23; b[i] = 0;
    int neg = v < 0; u64 u = neg ? -(u64)v : (u64)v;
    do { b[--i] = '0' + u % 10; u /= 10; } while (u);
    if (neg) b[--i] = '-';
    put(b + i);
}

static const char *errname(i64 r)
{
    switch (-r) {
    case 1: return "EPERM"; case 2: return "ENOENT"; case 9: return "EBADF"; case 11: return "EAGAIN";
    case 12: return "ENOMEM"; case 13: return "EACCES"; case 14: return "EFAULT"; case 17: return "EEXIST";
    case 20: return "ENOTDIR"; case 21: return "EISDIR"; case 22: return "EINVAL"; case 24: return "EMFILE";
    case 25: return "ENOTTY"; case 29: return "ESPIPE"; case 32: return "EPIPE"; case 34: return "ERANGE"; case 38: return "ENOSYS";
    case 39: return "ENOTEMPTY"; case 40: return "ELOOP"; case 110: return "ETIMEDOUT";
    default: return "E?";
    }
}

/* Prints "name = value" (or the errno name for -4095..-1). */
static void show(const char *name, i64 r)
{
    put(name); put(" = ");
    if (r < 0 && r >= -4095) put(errname(r)); else putn(r);
    put("\n");
}

static int failures;
#define CHECK(cond) do { if (!(cond)) { put("FAIL line "); putn(__LINE__); put(": " #cond "\n"); failures++; } } while (0)

int main(int argc, char **argv);

__attribute__((used)) static void start_c(long *sp)
{
    int r = main((int)sp[0], (char **)(sp + 1));
    sys1(SYS_exit_group, r);
}

__attribute__((naked)) void _start(void)
{
    __asm__("xor %ebp, %ebp\n mov %rsp, %rdi\n and $-16, %rsp\n call start_c\n hlt\n");
}
