// qsort and bsearch over ints, strings and structs (stable tie-breaking via index).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct rec { int key; int idx; char name[12]; };
static int icmp(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int scmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int rcmp(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return x->key - y->key;
    return x->idx - y->idx;
}
static unsigned s = 7;
static unsigned rnd(void) { s = s * 1664525u + 1013904223u; return s >> 4; }
int main(void) {
    int n = 5000; int *v = malloc(n * sizeof *v);
    for (int i = 0; i < n; i++) v[i] = (int)(rnd() % 100000) - 50000;
    qsort(v, n, sizeof *v, icmp);
    long long sum = 0; int ok = 1;
    for (int i = 0; i < n; i++) { sum += (long long)v[i] * (i + 1); if (i && v[i - 1] > v[i]) ok = 0; }
    printf("ints sorted=%d weighted=%lld first=%d last=%d\n", ok, sum, v[0], v[n - 1]);
    int found = 0;
    for (int k = -50000; k < 50000; k += 37) found += bsearch(&k, v, n, sizeof *v, icmp) != NULL;
    printf("bsearch hits %d\n", found);
    const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape", "kiwi", "lemon", "mango", "apple" };
    int nw = sizeof words / sizeof words[0];
    qsort(words, nw, sizeof words[0], scmp);
    for (int i = 0; i < nw; i++) printf("%s%c", words[i], i + 1 < nw ? ' ' : '\n');
    const char *key = "kiwi"; const char **hit = bsearch(&key, words, nw, sizeof words[0], scmp);
    printf("kiwi at %ld\n", hit ? (long)(hit - words) : -1L);
    struct rec r[300];
    for (int i = 0; i < 300; i++) { r[i].key = (int)(rnd() % 20); r[i].idx = i; snprintf(r[i].name, sizeof r[i].name, "n%d", i); }
    qsort(r, 300, sizeof r[0], rcmp);
    for (int i = 0; i < 300; i += 23) printf("%d:%d:%s ", r[i].key, r[i].idx, r[i].name);
    printf("\n");
    free(v);
    return 0;
}
