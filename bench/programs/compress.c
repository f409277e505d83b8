/* A compressor: LZ77 with a hash chain over generated text, then decompression and a check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static size_t compress(const uint8_t *in, size_t n, uint8_t *out)
{
    static int head[1 << 16];
    static int prev[1 << 20];
    memset(head, -1, sizeof head);
    size_t o = 0, i = 0;
    while (i < n) {
        int best = 0, bestOff = 0;
        if (i + 3 <= n) {
            unsigned h = (in[i] * 2654435761u ^ in[i + 1] * 40503u ^ in[i + 2]) & 0xFFFF;
            int cand = head[h], chain = 32;
            while (cand >= 0 && chain-- > 0 && i - cand < 65535) {
                int l = 0;
                while (i + l < n && l < 255 && in[cand + l] == in[i + l]) l++;
                if (l > best) { best = l; bestOff = (int)(i - cand); }
                cand = prev[cand & ((1 << 20) - 1)];
            }
            prev[i & ((1 << 20) - 1)] = head[h];
            head[h] = (int)i;
        }
        if (best >= 4) {
            out[o++] = 0xFF; out[o++] = (uint8_t)best; out[o++] = (uint8_t)(bestOff >> 8); out[o++] = (uint8_t)bestOff;
            i += best;
        } else {
            if (in[i] == 0xFF) { out[o++] = 0xFF; out[o++] = 0; } else out[o++] = in[i];
            i++;
        }
    }
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (in[i] != 0xFF) { out[o++] = in[i++]; continue; }
        int len = in[i + 1];
        if (len == 0) { out[o++] = 0xFF; i += 2; continue; }
        int off = (in[i + 2] << 8) | in[i + 3];
        for (int k = 0; k < len; k++, o++) out[o] = out[o - off];
        i += 4;
    }
    return o;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    size_t n = 600000 * (size_t)scale;
    uint8_t *text = malloc(n), *packed = malloc(n * 2 + 16), *back = malloc(n);
    const char *words[] = { "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "and ", "runs ", "\n" };
    uint32_t r = 12345;
    for (size_t i = 0; i < n;) {
        r = r * 1103515245 + 12345;
        const char *w = words[(r >> 16) % 11];
        for (; *w && i < n; w++) text[i++] = (uint8_t)*w;
    }
    size_t c = compress(text, n, packed);
    size_t d = decompress(packed, c, back);
    printf("in=%zu packed=%zu ok=%d\n", n, c, d == n && memcmp(text, back, n) == 0);
    return 0;
}
