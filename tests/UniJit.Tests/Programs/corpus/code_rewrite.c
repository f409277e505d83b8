// args: 7 9
// Generates a function at a fixed address, calls it in a hot loop, rewrites it and calls it again: code
// written at run time, rewritten in place (self-modifying code), and, run again with other arguments, the
// same address holding other bytes (the translation cache must not reuse the earlier run's code there).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CODE_ADDR ((void *)0x10000000)

/* mov eax, imm32; add eax, edi; ret */
static void emit(unsigned char *p, int imm)
{
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    p[5] = 0x01; p[6] = 0xf8;
    p[7] = 0xc3;
}

static long run(int (*f)(int), int n)
{
    long sum = 0;
    for (int i = 0; i < n; i++) sum += f(i & 7);
    return sum;
}

int main(int argc, char **argv)
{
    int a = argc > 1 ? atoi(argv[1]) : 7, b = argc > 2 ? atoi(argv[2]) : 9;
    unsigned char *code = mmap(CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (code == MAP_FAILED) { perror("mmap"); return 1; }
    int (*f)(int) = (int (*)(int))code;
    emit(code, a);
    long first = run(f, 200000);
    emit(code, b);
    long second = run(f, 200000);
    printf("%d -> %ld, %d -> %ld\n", a, first, b, second);
    return 0;
}
