// MMX through <mmintrin.h>/<xmmintrin.h> intrinsics, then long double and x87 libm after _mm_empty().
// cflags: -O2 -mmmx
// gcc implements the MMX intrinsics with SSE2 on x86-64; functions compiled with SSE2 disabled (the
// pragma below) get real MMX instructions. They take and return data through memory (the ABI passes
// __m64 in SSE registers) and end with _mm_empty(). A few SSSE3 MMX forms come as inline assembly.
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#pragma GCC push_options
#pragma GCC target("no-sse2")
#include <mmintrin.h>
#include <xmmintrin.h>

__attribute__((noinline)) static void mmx_ops(const uint64_t *in, uint64_t *out)
{
    __m64 a = (__m64)in[0], b = (__m64)in[1];
    int n = (int)(in[2] & 31);
    out[0] = (uint64_t)_mm_add_pi16(a, b);
    out[1] = (uint64_t)_mm_packs_pi16(a, b);
    out[2] = (uint64_t)_mm_unpackhi_pi8(a, b);
    out[3] = (uint64_t)_mm_sad_pu8(a, b);
    out[4] = (uint64_t)_mm_adds_pu8(a, b);
    out[5] = (uint64_t)_mm_subs_pi16(a, b);
    out[6] = (uint64_t)_mm_mulhi_pi16(a, b);
    out[7] = (uint64_t)_mm_madd_pi16(a, b);
    out[8] = (uint64_t)_mm_cmpgt_pi8(a, b);
    out[9] = (uint64_t)_mm_packs_pu16(a, b);
    out[10] = (uint64_t)_mm_packs_pi32(a, b);
    out[11] = (uint64_t)_mm_unpacklo_pi16(a, b);
    out[12] = (uint64_t)_mm_slli_pi16(a, 3);
    out[13] = (uint64_t)_mm_sra_pi32(a, (__m64)(uint64_t)n);
    out[14] = (uint64_t)_mm_srl_si64(b, (__m64)(uint64_t)(n * 3));
    out[15] = (uint64_t)_mm_shuffle_pi16(a, 0x1B);
    out[16] = (uint64_t)_mm_avg_pu8(a, b);
    out[17] = (uint64_t)_mm_max_pi16(a, b);
    out[18] = (uint64_t)_mm_min_pu8(a, b);
    out[19] = (uint64_t)_mm_mulhi_pu16(a, b);
    out[20] = (uint64_t)_mm_movemask_pi8(a);
    out[21] = (uint64_t)_mm_extract_pi16(b, 2);
    out[22] = (uint64_t)_mm_insert_pi16(a, n * 1000, 1);
    out[23] = (uint64_t)_mm_andnot_si64(a, b);
    out[24] = (uint64_t)_mm_xor_si64(_mm_or_si64(a, b), _mm_cvtsi32_si64(_mm_cvtsi64_si32(b)));
    __m128 f = _mm_cvtpi32_ps(_mm_setzero_ps(), _mm_srai_pi32(a, 8));
    out[25] = (uint64_t)_mm_cvtps_pi32(_mm_mul_ps(f, _mm_set1_ps(0.75f)));
    _mm_empty();
}

/// SSSE3's MMX forms (gcc would use XMM registers for their intrinsics).
__attribute__((noinline)) static void ssse3_ops(const uint64_t *in, uint64_t *out)
{
    uint64_t r0, r1, r2, r3;
    __asm__("movq %4, %%mm0\n\tmovq %5, %%mm1\n\t"
            "movq %%mm0, %%mm2\n\tpshufb %%mm1, %%mm2\n\tmovq %%mm2, %0\n\t"
            "movq %%mm0, %%mm3\n\tphaddw %%mm1, %%mm3\n\tmovq %%mm3, %1\n\t"
            "movq %%mm0, %%mm4\n\tpalignr $3, %%mm1, %%mm4\n\tmovq %%mm4, %2\n\t"
            "pabsb %%mm1, %%mm5\n\tpmulhrsw %%mm0, %%mm5\n\tmovq %%mm5, %3\n\temms"
            : "=m"(r0), "=m"(r1), "=m"(r2), "=m"(r3) : "m"(in[0]), "m"(in[1])
            : "mm0", "mm1", "mm2", "mm3", "mm4", "mm5", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
    out[0] = r0; out[1] = r1; out[2] = r2; out[3] = r3;
}
#pragma GCC pop_options

#define NOUT 26
static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return state;
}

int main(void)
{
    static const uint64_t edges[] = { 0, ~0ull, 0x8000800080008000ull, 0x7FFF7FFF7FFF7FFFull, 0x80808080807F7F7Full,
                                      0x00FF00FF0080FF80ull, 0x8000000080000000ull, 0x0123456789ABCDEFull };
    uint64_t in[3], out[NOUT], s3[4], sum[NOUT + 4];
    memset(sum, 0, sizeof sum);
    long double acc = 0.0L;
    for (int it = 0; it < 3000; it++) {
        in[0] = it < 64 ? edges[it % 8] : next();
        in[1] = it < 64 ? edges[(it / 8) % 8] : next();
        in[2] = next();
        mmx_ops(in, out);
        ssse3_ops(in, s3);
        for (int k = 0; k < NOUT; k++) sum[k] = sum[k] * 1000003u ^ out[k];
        for (int k = 0; k < 4; k++) sum[NOUT + k] = sum[NOUT + k] * 1000003u ^ s3[k];
        // x87 right after the MMX code: the registers must be free again (emms).
        acc += sqrtl((long double)(out[3] & 0xFFFF)) + (long double)(int16_t)out[0] / 7.0L;
        if (it < 3) {
            printf("a=%016llx b=%016llx:", (unsigned long long)in[0], (unsigned long long)in[1]);
            for (int k = 0; k < NOUT; k++) printf(" %llx", (unsigned long long)out[k]);
            for (int k = 0; k < 4; k++) printf(" %llx", (unsigned long long)s3[k]);
            printf("\n");
        }
    }
    for (int k = 0; k < NOUT + 4; k++) printf("sum%d %016llx\n", k, (unsigned long long)sum[k]);
    printf("acc %.10Lf expl %.15Lg sin %.15g\n", acc, expl(acc / 100000.0L), sin((double)acc));
    return 0;
}
