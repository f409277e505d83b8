// glibc's string and memory routines (SSE2/AVX2 ifunc variants chosen by CPUID) on many lengths
// and alignments; results are folded into a checksum per routine plus spot prints.
#include <stdio.h>
#include <string.h>
#include <stdint.h>
static unsigned char src[1024 + 128], dst[1024 + 128];
static uint64_t h[16];
#define MIX(k, v) (h[k] = h[k] * 1000003u ^ (uint64_t)(v))
int main(void) {
    for (int i = 0; i < (int)sizeof src; i++) src[i] = (unsigned char)('a' + (i * 7) % 26);
    static const int lens[] = { 0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 127, 128, 129, 255, 256, 300, 511, 513, 1000 };
    int nl = sizeof lens / sizeof lens[0];
    for (int li = 0; li < nl; li++)
        for (int al = 0; al < 64; al += (al < 8 ? 1 : 7)) {
            int n = lens[li];
            unsigned char *s = src + al;
            unsigned char saved = s[n];
            s[n] = 0;
            MIX(0, strlen((char *)s));
            MIX(1, strnlen((char *)s, (size_t)n / 2));
            memset(dst, 0x55, sizeof dst);
            memcpy(dst + (al * 3) % 64, s, (size_t)n);
            uint64_t sum = 0;
            for (int k = 0; k < (int)sizeof dst; k++) sum = sum * 31 + dst[k];
            MIX(2, sum);
            MIX(3, memcmp(dst + (al * 3) % 64, s, (size_t)n));
            if (n > 0) {
                dst[(al * 3) % 64 + n - 1] ^= 1;
                int c = memcmp(dst + (al * 3) % 64, s, (size_t)n);
                MIX(3, c < 0 ? -1 : c > 0 ? 1 : 0);
                dst[(al * 3) % 64 + n - 1] ^= 1;
            }
            char *p = strchr((char *)s, 'z');
            MIX(4, p ? p - (char *)s : -1);
            p = strrchr((char *)s, 'c');
            MIX(5, p ? p - (char *)s : -1);
            p = memchr(s, 'q', (size_t)n);
            MIX(6, p ? p - (char *)s : -1);
            MIX(7, strchr((char *)s, 0) - (char *)s);
            p = strstr((char *)s, "hov");
            MIX(8, p ? p - (char *)s : -1);
            p = strstr((char *)s, "nope");
            MIX(8, p ? p - (char *)s : -1);
            memmove(dst + 1, dst + 3 + al % 5, (size_t)n);
            memmove(dst + 9, dst + 2, (size_t)n);
            sum = 0;
            for (int k = 0; k < n + 16; k++) sum = sum * 31 + dst[k];
            MIX(9, sum);
            memcpy(dst, s, (size_t)n + 1);
            int c = strcmp((char *)dst, (char *)s);
            MIX(10, c);
            if (n > 2) { dst[n - 2]++; c = strcmp((char *)dst, (char *)s); MIX(10, c > 0); c = strncmp((char *)dst, (char *)s, (size_t)n - 2); MIX(10, c); }
            MIX(11, strspn((char *)s, "abcdefghijklm"));
            MIX(12, strcspn((char *)s, "xyz"));
            strcpy((char *)dst + al, (char *)s);
            MIX(13, strlen((char *)dst + al));
            s[n] = saved;
            if (li % 6 == 0 && al % 21 == 0) printf("len %4d align %2d: strlen=%zu\n", n, al, strlen((char *)dst + al));
        }
    for (int k = 0; k < 14; k++) printf("routine %2d: %016llx\n", k, (unsigned long long)h[k]);
    return 0;
}
