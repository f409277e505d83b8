/* mmap, munmap, mprotect, mremap, madvise, msync, brk, file-backed shared mappings. */
#include "tiny.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1
#define MAP_PRIVATE 2
#define MAP_FIXED 0x10
#define MAP_ANON 0x20
#define MAP_FIXED_NOREPLACE 0x100000

static char buf[8192];

int main(int argc, char **argv)
{
    i64 a = sys6(SYS_mmap, 0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
    show("mmap ok", a > 0 && (a & 4095) == 0);
    char *p = (char *)a;
    show("zeroed", p[0] == 0 && p[3 * 4096 - 1] == 0);
    p[0] = 'x'; p[4096] = 'y';
    show("mprotect ro", sys3(SYS_mprotect, a, 4096, PROT_READ));
    show("read back", p[0] == 'x');
    int pp[2];
    sys2(SYS_pipe2, pp, 0);
    sys3(SYS_write, pp[1], "abc", 3);
    show("read(2) into read-only page", sys3(SYS_read, pp[0], p, 1));
    show("read(2) into writable page", sys3(SYS_read, pp[0], p + 4096, 3));
    show("data", p[4096] == 'a' && p[4098] == 'c');
    show("mprotect unaligned", sys3(SYS_mprotect, a + 1, 4096, PROT_READ));
    show("munmap middle", sys2(SYS_munmap, a + 4096, 4096));
    show("mprotect over hole", sys3(SYS_mprotect, a, 3 * 4096, PROT_READ));
    show("write(2) from hole", sys3(SYS_write, pp[1], p + 4096, 1));
    show("mmap fixed into hole", sys6(SYS_mmap, a + 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0) == a + 4096);
    show("fixed_noreplace clash", sys6(SYS_mmap, a, 4096, PROT_READ, MAP_PRIVATE | MAP_ANON | MAP_FIXED_NOREPLACE, -1, 0));
    show("munmap all", sys2(SYS_munmap, a, 3 * 4096));
    show("munmap unaligned", sys2(SYS_munmap, a + 1, 4096));
    show("mmap len 0", sys6(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0));
    show("mmap bad fd", sys6(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 42, 0));
    show("mmap bad offset", sys6(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 5) );

    /* mremap: grow keeps contents */
    a = sys6(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
    ((char *)a)[100] = 'm';
    i64 b = sys5(SYS_mremap, a, 4096, 8 * 4096, 1 /* MREMAP_MAYMOVE */, 0);
    show("mremap ok", b > 0);
    show("kept", ((char *)b)[100] == 'm' && ((char *)b)[8 * 4096 - 1] == 0);
    ((char *)b)[8 * 4096 - 1] = 1;
    b = sys5(SYS_mremap, b, 8 * 4096, 4096, 0, 0);
    show("mremap shrink in place", b > 0);
    show("madvise dontneed", sys3(SYS_madvise, b, 4096, 4));
    show("zero after dontneed", ((char *)b)[100] == 0);
    sys2(SYS_munmap, b, 4096);

    /* file-backed MAP_SHARED: stores are visible through read() */
    i64 fd = sys3(SYS_open, "mapped", 0x42 | 0x200, 0600);
    mset(buf, '.', 8192);
    sys3(SYS_write, fd, buf, 8192);
    i64 m = sys6(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    show("mmap shared", m > 0);
    char *q = (char *)m;
    q[4096] = 'S'; q[4097] = 'H';
    show("pread sees store", sys4(SYS_pread64, fd, buf, 2, 4096));
    sys3(SYS_write, 1, buf, 2); put("\n");
    show("pwrite", sys4(SYS_pwrite64, fd, "ZZ", 2, 10));
    show("mapping sees pwrite", q[10] == 'Z' && q[11] == 'Z');
    show("msync", sys3(SYS_msync, m, 8192, 4));
    i64 m2 = sys6(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
    show("private at offset", ((char *)m2)[0] == 'S');
    show("munmap", sys2(SYS_munmap, m, 8192));
    sys2(SYS_munmap, m2, 4096);
    sys1(SYS_close, fd);
    fd = sys2(SYS_open, "mapped", 0);
    show("shared write of ro fd", sys6(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    sys1(SYS_close, fd);
    sys1(SYS_unlink, "mapped");

    /* brk */
    i64 cur = sys1(SYS_brk, 0);
    show("brk query", cur > 0);
    i64 nb = sys1(SYS_brk, cur + 10000);
    show("brk grow", nb - cur);
    char *h = (char *)cur;
    h[9999] = 7;
    show("brk shrink", sys1(SYS_brk, cur + 100) - cur);
    show("brk below start", sys1(SYS_brk, 4096) - cur);
    show("brk back", sys1(SYS_brk, cur) - cur);
    show("failures", failures);
    return 0;
}
