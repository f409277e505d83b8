// Memory mapping: anonymous mmap, mprotect, munmap, mremap growth, a file mapping, MAP_FIXED inside
// an existing mapping, brk via sbrk.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <stdint.h>
int main(void) {
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    printf("page size %zu\n", pg);
    unsigned char *p = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap ok %d aligned %d zeroed %d\n", p != MAP_FAILED, ((uintptr_t)p % pg) == 0, p[5 * pg] == 0);
    for (size_t i = 0; i < 16 * pg; i++) p[i] = (unsigned char)i;
    printf("mprotect %d\n", mprotect(p + 4 * pg, pg, PROT_READ));
    printf("read back %d\n", p[4 * pg + 3]);
    unsigned char *q = mmap(p + 8 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed at same address %d, zeroed %d, neighbour kept %d\n", q == p + 8 * pg, q[0] == 0, p[9 * pg + 1] == 1);
    printf("munmap %d\n", munmap(p, 16 * pg));
    p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < 4 * pg; i++) p[i] = (unsigned char)(i / 3);
    unsigned char *r = mremap(p, 4 * pg, 64 * pg, MREMAP_MAYMOVE);
    printf("mremap ok %d content kept %d\n", r != MAP_FAILED, r != MAP_FAILED && r[3 * pg + 7] == (unsigned char)((3 * pg + 7) / 3));
    if (r != MAP_FAILED) { r[63 * pg] = 9; printf("munmap grown %d\n", munmap(r, 64 * pg)); }
    char path[] = "/tmp/unijit-mmap-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "mapped file contents\n";
    write(fd, text, strlen(text));
    char *f = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    printf("file map [%.*s]\n", (int)strlen(text) - 1, f);
    munmap(f, pg);
    char *w = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(w, "MAPPED", 6);
    msync(w, pg, MS_SYNC);
    munmap(w, pg);
    char buf[32] = {0}; pread(fd, buf, 20, 0);
    printf("after shared write [%s]\n", buf);
    close(fd); unlink(path);
    void *b0 = sbrk(0); void *b1 = sbrk(65536); void *b2 = sbrk(0);
    printf("sbrk grew by %ld, old break returned %d\n", (long)((char *)b2 - (char *)b0), b1 == b0);
    memset(b1, 1, 65536);
    printf("mmap bad fd %d\n", mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED);
    return 0;
}
