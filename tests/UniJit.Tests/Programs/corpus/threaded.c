// A threaded-code interpreter (computed goto: each handler ends in its own indirect jump through a
// table), the shape of CPython's eval loop: first a busy loop made only of handlers jumping to each
// other, which setitimer ticks must interrupt, then a bytecode program computing primes and a
// checksum.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JMP, DUP, POP, PRINT, HALT, TICKS, NOP };

static volatile sig_atomic_t ticks;
static void on_tick(int sig) { (void)sig; ticks++; }

static long run(const long *code, long *vars) {
    static void *ops[] = {&&push, &&load, &&store, &&add, &&sub, &&mul, &&mod, &&lt, &&jz, &&jmp,
                          &&dup, &&pop, &&print, &&halt, &&tk, &&nop};
    long stack[64], *sp = stack, steps = 0;
    const long *pc = code;
#define NEXT do { steps++; goto *ops[*pc++]; } while (0)
    NEXT;
push:  *sp++ = *pc++; NEXT;
load:  *sp++ = vars[*pc++]; NEXT;
store: vars[*pc++] = *--sp; NEXT;
add:   sp--; sp[-1] += sp[0]; NEXT;
sub:   sp--; sp[-1] -= sp[0]; NEXT;
mul:   sp--; sp[-1] *= sp[0]; NEXT;
mod:   sp--; sp[-1] = sp[0] ? sp[-1] % sp[0] : 0; NEXT;
lt:    sp--; sp[-1] = sp[-1] < sp[0]; NEXT;
jz:    if (*--sp == 0) pc = code + *pc; else pc++; NEXT;
jmp:   pc = code + *pc; NEXT;
dup:   sp[0] = sp[-1]; sp++; NEXT;
pop:   sp--; NEXT;
print: printf("%ld\n", *--sp); NEXT;
tk:    *sp++ = ticks; NEXT;
nop:   NEXT;
halt:  return steps;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    long vars[8] = {0};
    // A busy loop of handlers only: until five ticks have arrived.
    long code[256]; int n = 0;
#define E(x) code[n++] = (x)
    int top = n;
    E(NOP); E(TICKS); E(PUSH); E(5); E(LT); E(JZ); int out = n; E(0); E(JMP); E(top);
    code[out] = n;
    E(HALT);
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tick; sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 5000}, {0, 5000}};
    setitimer(ITIMER_REAL, &it, NULL);
    long steps = run(code, vars);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("busy loop saw %d ticks after %s steps\n", ticks >= 5 ? 5 : (int)ticks, steps > 10 ? "some" : "few");
    // Primes below 3000 by trial division (v0 = n, v1 = d, v2 = count, v3 = a checksum of them).
    n = 0;
    E(PUSH); E(2); E(STORE); E(0);
    int outer = n;
    E(LOAD); E(0); E(PUSH); E(3000); E(LT); E(JZ); int outerExit = n; E(0);
    E(PUSH); E(2); E(STORE); E(1);
    int inner = n;
    E(LOAD); E(1); E(LOAD); E(1); E(MUL); E(LOAD); E(0); E(PUSH); E(1); E(ADD); E(LT); E(JZ); int isPrime = n; E(0);
    E(LOAD); E(0); E(LOAD); E(1); E(MOD); E(JZ); int notPrime = n; E(0);
    E(LOAD); E(1); E(PUSH); E(1); E(ADD); E(STORE); E(1); E(JMP); E(inner);
    code[isPrime] = n;
    E(LOAD); E(2); E(PUSH); E(1); E(ADD); E(STORE); E(2);
    E(LOAD); E(3); E(PUSH); E(31); E(MUL); E(LOAD); E(0); E(ADD); E(PUSH); E(1000003); E(MOD); E(STORE); E(3);
    code[notPrime] = n;
    E(LOAD); E(0); E(PUSH); E(1); E(ADD); E(STORE); E(0); E(JMP); E(outer);
    code[outerExit] = n;
    E(LOAD); E(2); E(PRINT); E(LOAD); E(3); E(PRINT); E(HALT);
    steps = run(code, vars);
    printf("primes program: %ld steps\n", steps);

    return 0;
}
