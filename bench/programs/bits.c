/* Bit twiddling: xorshift, popcount, rotations, bit reversal, leading zeros. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint32_t reverse(uint32_t v)
{
    v = ((v >> 1) & 0x55555555) | ((v & 0x55555555) << 1);
    v = ((v >> 2) & 0x33333333) | ((v & 0x33333333) << 2);
    v = ((v >> 4) & 0x0F0F0F0F) | ((v & 0x0F0F0F0F) << 4);
    v = ((v >> 8) & 0x00FF00FF) | ((v & 0x00FF00FF) << 8);
    return (v >> 16) | (v << 16);
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    uint64_t s0 = 0x9E3779B97F4A7C15ULL, s1 = 0xD1B54A32D192ED03ULL, acc = 0;
    long pop = 0, lz = 0;
    for (long i = 0; i < 5000000L * scale; i++) {
        uint64_t r = s0 + s1;
        s1 ^= s0;
        s0 = rotl(s0, 24) ^ s1 ^ (s1 << 16);
        s1 = rotl(s1, 37);
        pop += __builtin_popcountll(r);
        lz += __builtin_clzll(r | 1);
        acc ^= reverse((uint32_t)r) * 0x9E3779B1u + (r >> 33);
    }
    printf("pop=%ld lz=%ld acc=%016llx\n", pop, lz, (unsigned long long)acc);
    return 0;
}
