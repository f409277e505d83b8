// POSIX threads: create/join, a mutex-protected counter, a condition variable handshake,
// thread-local storage, pthread_once. Output is deterministic (joined results only).
// cflags: -O2 -pthread
#include <stdio.h>
#include <pthread.h>
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter; static int ready;
static __thread int tls = 5;
static pthread_once_t once = PTHREAD_ONCE_INIT; static int once_runs;
static void init_once(void) { once_runs++; }
static void *work(void *arg) {
    long id = (long)arg;
    pthread_once(&once, init_once);
    tls += (int)id;
    for (int i = 0; i < 10000; i++) { pthread_mutex_lock(&mu); counter++; pthread_mutex_unlock(&mu); }
    return (void *)(long)(tls * 100);
}
static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu); while (!ready) pthread_cond_wait(&cv, &mu); pthread_mutex_unlock(&mu);
    return (void *)7L;
}
int main(void) {
    pthread_t t[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, (void *)i);
    long rets = 0;
    for (int i = 0; i < 4; i++) { void *r; pthread_join(t[i], &r); rets += (long)r; }
    printf("counter %ld rets %ld once %d main tls %d\n", counter, rets, once_runs, tls);
    pthread_t w; pthread_create(&w, NULL, waiter, NULL);
    pthread_mutex_lock(&mu); ready = 1; pthread_cond_signal(&cv); pthread_mutex_unlock(&mu);
    void *r; pthread_join(w, &r);
    printf("waiter returned %ld\n", (long)r);
    return 0;
}
