// Large stack use: a 4 MiB local array touched page by page (stack growth), VLAs and alloca of
// varying sizes, a struct returned by value, large arguments passed on the stack.
#include <stdio.h>
#include <string.h>
#include <alloca.h>
struct big { long v[40]; };
static struct big make(long seed) { struct big b; for (int i = 0; i < 40; i++) b.v[i] = seed * i; return b; }
static long sum_big(struct big b, struct big c) { long s = 0; for (int i = 0; i < 40; i++) s += b.v[i] - c.v[i] / 2; return s; }
static long touch(size_t n) { volatile char a[4 << 20]; for (size_t i = 0; i < n; i += 4096) a[i] = (char)i; long s = 0; for (size_t i = 0; i < n; i += 4096) s += a[i]; return s; }
static long vla(int n) { long a[n]; for (int i = 0; i < n; i++) a[i] = i * 3; long s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
int main(void) {
    printf("touch %ld\n", touch(4 << 20));
    long t = 0; for (int n = 1; n < 5000; n += 123) t += vla(n);
    printf("vla %ld\n", t);
    for (int n = 16; n <= 65536; n *= 4) { char *p = alloca((size_t)n); memset(p, 7, (size_t)n); printf("alloca %d last %d\n", n, p[n - 1]); }
    printf("big %ld\n", sum_big(make(3), make(5)));
    return 0;
}
