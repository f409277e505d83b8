// Heap churn: many malloc/calloc/realloc/free of varied sizes (small bins, large mmap'd chunks),
// contents checked, a deterministic PRNG drives the pattern.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
static uint32_t s = 12345;
static uint32_t rnd(void) { s = s * 1103515245u + 12345u; return s >> 8; }
#define SLOTS 512
#define FILL(n) ((n) < 1024 ? (n) : 1024)
int main(void) {
    unsigned char *p[SLOTS] = {0}; size_t sz[SLOTS] = {0};
    uint64_t check = 0; long allocs = 0, frees = 0, reallocs = 0, bad = 0;
    for (int it = 0; it < 4000; it++) {
        int k = (int)(rnd() % SLOTS);
        uint32_t r = rnd();
        size_t n = (r % 16 == 0) ? 100000 + r % 100000 : (r % 4 == 0 ? r % 4096 : r % 200);
        if (p[k] == NULL) {
            p[k] = (it & 1) ? malloc(n) : calloc(1, n);
            if (!p[k] && n) { printf("alloc failed\n"); return 1; }
            if (!(it & 1)) for (size_t i = 0; i < n; i += 997) bad += p[k][i] != 0;
            memset(p[k], k & 0xff, FILL(n)); if (n) p[k][n - 1] = (unsigned char)k; sz[k] = n; allocs++;
        } else if (r & 1) {
            for (size_t i = 0; i < FILL(sz[k]); i += 61) bad += p[k][i] != (unsigned char)(k & 0xff);
            check += sz[k];
            free(p[k]); p[k] = NULL; frees++;
        } else {
            unsigned char *q = realloc(p[k], n);
            if (!q && n) { printf("realloc failed\n"); return 1; }
            size_t keep = FILL(n < sz[k] ? n : sz[k]);
            for (size_t i = 0; i < keep; i += 31) bad += q[i] != (unsigned char)(k & 0xff);
            memset(q, k & 0xff, FILL(n)); if (n) q[n - 1] = (unsigned char)k; p[k] = q; sz[k] = n; reallocs++;
        }
    }
    for (int k = 0; k < SLOTS; k++) { check += sz[k] * (p[k] != NULL); free(p[k]); }
    void *al = aligned_alloc(4096, 8192);
    printf("aligned ok: %d\n", ((uintptr_t)al & 4095) == 0);
    free(al);
    void *pm; int rc = posix_memalign(&pm, 256, 1000);
    printf("posix_memalign rc=%d aligned=%d\n", rc, ((uintptr_t)pm & 255) == 0);
    free(pm);
    printf("allocs %ld frees %ld reallocs %ld bad %ld check %llu\n", allocs, frees, reallocs, bad, (unsigned long long)check);
    return bad != 0;
}
