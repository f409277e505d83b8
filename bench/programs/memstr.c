/* Memory and strings: memcpy, memset, strlen, strchr, memcmp over many sizes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    size_t size = 1 << 16;
    char *a = malloc(size + 64), *b = malloc(size + 64);
    for (size_t i = 0; i < size; i++) a[i] = 'a' + i % 23;
    a[size] = 0;
    unsigned long sum = 0;
    for (int round = 0; round < 30000 * scale; round++) {
        size_t n = 1 + (round * 7919) % size;
        memcpy(b + round % 16, a, n);
        b[round % 16 + n] = 0;
        sum += strlen(b + round % 16);
        char *p = strchr(b + round % 16, 'a' + round % 23);
        sum += p ? (size_t)(p - b) : 0;
        sum += memcmp(a, b + round % 16, n) == 0;
        memset(b, round & 0xFF, n / 2);
        sum += (unsigned char)b[n / 4];
    }
    printf("sum=%lu\n", sum);
    return 0;
}
