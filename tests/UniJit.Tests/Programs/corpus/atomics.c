// Threads racing on shared memory: C11 atomics (lock add, xadd, cmpxchg, xchg, lock or/and/xor,
// lock bts via a hand-written loop), a spin lock built on xchg, a barrier, a rwlock, semaphores,
// pthread_kill to a thread with a handler, 64 short-lived threads, a detached thread, and a thread
// that ends the whole process with exit() while main is blocked in pthread_join.
// cflags: -O2 -pthread
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define N 4
#define ITERS 20000
static atomic_long sum, xadds, cas_sum;
static atomic_uint bits, mask_or, mask_and = ~0u;
static atomic_int spin;
static long guarded;
static unsigned long bitmap[4];
static pthread_barrier_t barrier;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_value;
static sem_t sem;
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig) { got_usr1 = 1; }

static void *racer(void *arg) {
    long id = (long)arg;
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < ITERS; i++) {
        atomic_fetch_add(&sum, 1);
        atomic_fetch_add_explicit(&xadds, i, memory_order_relaxed);
        long old = atomic_load(&cas_sum);
        while (!atomic_compare_exchange_weak(&cas_sum, &old, old + 2)) {}
        while (atomic_exchange(&spin, 1)) {}
        guarded++;
        atomic_store(&spin, 0);
        atomic_fetch_xor(&bits, 1u << (i & 31));
    }
    atomic_fetch_or(&mask_or, 1u << id);
    atomic_fetch_and(&mask_and, ~(1u << id));
    for (int b = 0; b < 64; b++) {
        int bit = (int)id * 64 + b;
        __asm__ volatile("lock btsq %1, %0" : "+m"(bitmap[0]) : "r"((long)bit) : "memory", "cc");
    }
    for (int i = 0; i < 1000; i++) {
        pthread_rwlock_wrlock(&rw); rw_value++; pthread_rwlock_unlock(&rw);
        pthread_rwlock_rdlock(&rw); (void)rw_value; pthread_rwlock_unlock(&rw);
    }
    sem_post(&sem);
    return NULL;
}

static void *short_lived(void *arg) { return (void *)((long)arg * 2); }

static void *wait_for_signal(void *arg) {
    sigset_t set; sigemptyset(&set); sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    while (!got_usr1) usleep(1000);
    return (void *)1;
}

static void *detached(void *arg) { sem_post(&sem); return NULL; }

static void *ender(void *arg) {
    printf("ending the process from a thread\n");
    fflush(stdout);
    exit(42);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pthread_barrier_init(&barrier, NULL, N);
    sem_init(&sem, 0, 0);
    pthread_t t[N];
    for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, racer, (void *)i);
    for (int i = 0; i < N; i++) sem_wait(&sem);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    long want_xadds = (long)N * ((long)ITERS * (ITERS - 1) / 2);
    printf("sum %ld xadds ok %d cas %ld guarded %ld bits %u or %x and %x rw %ld\n", (long)sum, xadds == want_xadds,
           (long)cas_sum, guarded, (unsigned)bits, (unsigned)mask_or, (unsigned)mask_and, rw_value);
    printf("bitmap %lx %lx %lx %lx\n", bitmap[0], bitmap[1], bitmap[2], bitmap[3]);

    long total = 0;
    for (long i = 0; i < 64; i++) {
        pthread_t s; void *r;
        pthread_create(&s, NULL, short_lived, (void *)i);
        pthread_join(s, &r);
        total += (long)r;
    }
    printf("64 threads: %ld\n", total);

    // SIGUSR1 blocked here, open in the thread: pthread_kill reaches the thread's handler.
    signal(SIGUSR1, on_usr1);
    sigset_t set; sigemptyset(&set); sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_t w; void *r;
    pthread_create(&w, NULL, wait_for_signal, NULL);
    pthread_kill(w, SIGUSR1);
    pthread_join(w, &r);
    printf("thread got SIGUSR1: %ld\n", (long)r);

    pthread_attr_t attr; pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t d; pthread_create(&d, &attr, detached, NULL);
    sem_wait(&sem);
    printf("detached thread ran\n");

    pthread_t e; pthread_create(&e, NULL, ender, NULL);
    pthread_join(e, NULL);
    printf("not reached\n");
    return 0;
}
