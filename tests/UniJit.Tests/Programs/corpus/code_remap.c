// Code replaced without the program ever writing over it: a hot function at a fixed address is
// unmapped and other code is mapped there (from a file, as dlclose + dlopen would; then anonymous
// memory filled while not yet executable; then the same page re-protected after a rewrite made
// while it was not executable). Each time the new bytes must run, not a translation of the old ones.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define CODE_ADDR ((void *)0x20000000)

/* mov eax, imm32; imul eax, edi (or add eax, edi); ret */
static void emit(unsigned char *p, int imm, int multiply)
{
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    if (multiply) { p[5] = 0x0f; p[6] = 0xaf; p[7] = 0xc7; p[8] = 0xc3; }
    else { p[5] = 0x01; p[6] = 0xf8; p[7] = 0xc3; }
}

static long run(int n)
{
    int (*f)(int) = (int (*)(int))CODE_ADDR;
    long sum = 0;
    for (int i = 0; i < n; i++) sum += f(i & 15);
    return sum;
}

static void fixed(int prot, int flags, int fd)
{
    void *p = mmap(CODE_ADDR, 4096, prot, flags | MAP_FIXED, fd, 0);
    if (p != CODE_ADDR) { perror("mmap"); exit(1); }
}

int main(void)
{
    unsigned char buf[4096];
    memset(buf, 0xcc, sizeof buf);

    // 1. Anonymous code, hot.
    fixed(PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    emit(CODE_ADDR, 5, 0);
    printf("anonymous add 5: %ld\n", run(100000));

    // 2. Unmapped, then a file holding other code mapped read+exec at the same address.
    char path[] = "/tmp/code_remap_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) { perror("mkstemp"); return 1; }
    unlink(path);
    emit(buf, 3, 1);
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) { perror("write"); return 1; }
    if (munmap(CODE_ADDR, 4096) != 0) { perror("munmap"); return 1; }
    fixed(PROT_READ | PROT_EXEC, MAP_PRIVATE, fd);
    printf("file imul 3: %ld\n", run(100000));

    // 3. Mapped over (MAP_FIXED, no munmap) by anonymous memory written while not executable.
    fixed(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    emit(CODE_ADDR, 11, 0);
    if (mprotect(CODE_ADDR, 4096, PROT_READ | PROT_EXEC) != 0) { perror("mprotect"); return 1; }
    printf("anonymous add 11: %ld\n", run(100000));

    // 4. Made writable and not executable, rewritten, made executable again.
    if (mprotect(CODE_ADDR, 4096, PROT_READ | PROT_WRITE) != 0) { perror("mprotect"); return 1; }
    emit(CODE_ADDR, 7, 1);
    if (mprotect(CODE_ADDR, 4096, PROT_READ | PROT_EXEC) != 0) { perror("mprotect"); return 1; }
    printf("rewritten imul 7: %ld\n", run(100000));

    // 5. The file mapped again: the first file's code comes back.
    fixed(PROT_READ | PROT_EXEC, MAP_PRIVATE, fd);
    printf("file again imul 3: %ld\n", run(100000));
    close(fd);
    return 0;
}
