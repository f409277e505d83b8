/* malloc (brk and mmap), explicit mmap/mprotect/mremap and a shared file mapping through glibc. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

int main(void)
{
    /* small allocations come from brk, large ones from mmap */
    char *small[100];
    for (int i = 0; i < 100; i++) { small[i] = malloc(100 + i); memset(small[i], i, 100 + i); }
    long sum = 0;
    for (int i = 0; i < 100; i++) sum += small[i][99];
    printf("small sum %ld\n", sum);
    char *big = malloc(1 << 20);
    memset(big, 7, 1 << 20);
    printf("big %d %d\n", big[0], big[(1 << 20) - 1]);
    big = realloc(big, 4 << 20);
    printf("realloc %d\n", big[12345]);
    free(big);
    for (int i = 0; i < 100; i++) free(small[i]);

    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap %s\n", m == MAP_FAILED ? "failed" : "ok");
    strcpy(m, "anonymous");
    printf("mprotect %d\n", mprotect(m, 4096, PROT_READ));
    printf("%s\n", m);
    char *r = mremap(m, 3 * 4096, 64 * 4096, MREMAP_MAYMOVE);
    printf("mremap across two mappings %s\n", r == MAP_FAILED ? "failed" : "ok");
    printf("mprotect %d\n", mprotect(m, 4096, PROT_READ | PROT_WRITE));
    r = mremap(m, 3 * 4096, 64 * 4096, MREMAP_MAYMOVE);
    printf("mremap %s %s\n", r == MAP_FAILED ? "failed" : "ok", r == MAP_FAILED ? "" : r);
    printf("munmap %d\n", munmap(r, 64 * 4096));

    int fd = open("shared.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, 8192);
    char *s = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(s + 4096, "visible through read", 20);
    char buf[32] = { 0 };
    printf("pread %zd %s\n", pread(fd, buf, 20, 4096), buf);
    printf("msync %d\n", msync(s, 8192, MS_SYNC));
    munmap(s, 8192);
    close(fd);
    unlink("shared.bin");

    char rnd[33];
    printf("getrandom %zd\n", getrandom(rnd, sizeof rnd, 0));
    void *cur = sbrk(0);
    printf("sbrk grow %d\n", sbrk(65536) == cur);
    printf("sbrk now %ld\n", (char *)sbrk(0) - (char *)cur);
    return 0;
}
