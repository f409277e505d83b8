// A flag producer, a store that faults, then the flag consumer (cmp; mov to memory; jne, as compilers
// emit): a SIGSEGV handler makes the page writable and returns, the store runs again, and the consumer
// must still see the producer's flags. Translated code that reads those flags from the producer's
// operands has to leave them in the guest state on the way out through the store's slow path.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *page;
static long pagesize;
static volatile int faults;

static void on_segv(int sig, siginfo_t *si, void *ctx) {
    (void)sig; (void)ctx;
    if ((char *)si->si_addr < page || (char *)si->si_addr >= page + pagesize) _exit(3);
    faults++;
    mprotect(page, pagesize, PROT_READ | PROT_WRITE);
}

static void lock(void) { mprotect(page, pagesize, PROT_READ); }

// cmp a, b; store; jne
static int cmp_store_jne(long a, long b, long *p) {
    int r;
    __asm__ volatile("cmp %2, %1\n\tmov %1, (%3)\n\tjne 1f\n\tmov $1, %0\n\tjmp 2f\n1:\tmov $2, %0\n2:"
                     : "=&r"(r) : "r"(a), "r"(b), "r"(p) : "cc", "memory");
    return r;
}

// sub a, b; store; jb (carry from the subtraction)
static int sub_store_jb(long a, long b, long *p) {
    int r;
    __asm__ volatile("sub %2, %1\n\tmov %2, (%3)\n\tjb 1f\n\tmov $1, %0\n\tjmp 2f\n1:\tmov $2, %0\n2:"
                     : "=&r"(r), "+r"(a) : "r"(b), "r"(p) : "cc", "memory");
    return r;
}

// shr $k, a; store; je (zero from the shifted value)
static int shr_store_je(unsigned long a, long *p) {
    int r;
    __asm__ volatile("shr $30, %1\n\tmov %1, (%2)\n\tje 1f\n\tmov $1, %0\n\tjmp 2f\n1:\tmov $2, %0\n2:"
                     : "=&r"(r), "+r"(a) : "r"(p) : "cc", "memory");
    return r;
}

// test a, a; store; sets / cmovs
static long test_store_sets(long a, long b, long *p) {
    long r = 0, s = 0;
    __asm__ volatile("test %2, %2\n\tmov %3, (%4)\n\tsets %b0\n\tcmovs %3, %1"
                     : "+&r"(r), "+&r"(s) : "r"(a), "r"(b), "r"(p) : "cc", "memory");
    return r * 1000 + s;
}

int main(void) {
    pagesize = sysconf(_SC_PAGESIZE);
    page = mmap(NULL, pagesize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    long *p = (long *)page;
    long vals[] = { 0, 1, 2, -1, 5, 0x40000000, 0x3fffffff, -5 };
    int n = sizeof vals / sizeof vals[0];
    unsigned long h = 0;
    for (int round = 0; round < 40; round++)
        for (int i = 0; i < n; i++) {
            long a = vals[i], b = vals[(i + round) % n];
            int r1, r2, r3; long r4;
            lock(); r1 = cmp_store_jne(a, b, p);
            lock(); r2 = sub_store_jb(a, b, p);
            lock(); r3 = shr_store_je((unsigned long)a, p);
            lock(); r4 = test_store_sets(a, b, p);
            // Without a fault too: the same code on a writable page.
            r1 += 10 * cmp_store_jne(b, a, p);
            r2 += 10 * sub_store_jb(b, a, p);
            h = h * 31 + (unsigned long)(r1 * 1000 + r2 * 100 + r3) + (unsigned long)r4;
            if (round == 0) printf("%ld %ld: %d %d %d %ld\n", a, b, r1, r2, r3, r4);
        }
    printf("hash %lx, %d faults\n", h, faults);
    return 0;
}
