// Prints the CPUID feature bits this CPU reports, by their Linux names, and the flags line of
// /proc/cpuinfo. Natively the kernel is the oracle for the name table (a name it prints for a bit the
// table knows must match CPUID); under UniJit the two lists must be the same set.
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

struct bit { unsigned leaf; char reg; int bit; const char *name; };
static const struct bit bits[] = {
    {1,'d',0,"fpu"},{1,'d',1,"vme"},{1,'d',2,"de"},{1,'d',3,"pse"},{1,'d',4,"tsc"},{1,'d',5,"msr"},{1,'d',6,"pae"},
    {1,'d',7,"mce"},{1,'d',8,"cx8"},{1,'d',9,"apic"},{1,'d',11,"sep"},{1,'d',12,"mtrr"},{1,'d',13,"pge"},{1,'d',14,"mca"},
    {1,'d',15,"cmov"},{1,'d',16,"pat"},{1,'d',17,"pse36"},{1,'d',19,"clflush"},{1,'d',23,"mmx"},{1,'d',24,"fxsr"},
    {1,'d',25,"sse"},{1,'d',26,"sse2"},{1,'d',27,"ss"},{1,'d',28,"ht"},
    {1,'c',0,"pni"},{1,'c',1,"pclmulqdq"},{1,'c',9,"ssse3"},{1,'c',12,"fma"},{1,'c',13,"cx16"},{1,'c',19,"sse4_1"},
    {1,'c',20,"sse4_2"},{1,'c',22,"movbe"},{1,'c',23,"popcnt"},{1,'c',25,"aes"},{1,'c',26,"xsave"},{1,'c',28,"avx"},
    {1,'c',29,"f16c"},{1,'c',30,"rdrand"},{1,'c',31,"hypervisor"},
    {0x80000001,'d',11,"syscall"},{0x80000001,'d',20,"nx"},{0x80000001,'d',26,"pdpe1gb"},{0x80000001,'d',27,"rdtscp"},
    {0x80000001,'d',29,"lm"},{0x80000001,'c',0,"lahf_lm"},{0x80000001,'c',5,"abm"},{0x80000001,'c',8,"3dnowprefetch"},
    {7,'b',0,"fsgsbase"},{7,'b',3,"bmi1"},{7,'b',5,"avx2"},{7,'b',8,"bmi2"},{7,'b',9,"erms"},{7,'b',18,"rdseed"},
    {7,'b',19,"adx"},{7,'b',23,"clflushopt"},{7,'b',29,"sha_ni"},
};

int main(void) {
    unsigned max = __get_cpuid_max(0, 0), maxext = __get_cpuid_max(0x80000000, 0);
    printf("table:");
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) printf(" %s", bits[i].name);
    printf("\ncpuid:");
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        unsigned a = 0, b = 0, c = 0, d = 0, leaf = bits[i].leaf;
        if (leaf < 0x80000000 ? leaf > max : leaf > maxext) continue;
        __cpuid_count(leaf, 0, a, b, c, d);
        unsigned v = bits[i].reg == 'b' ? b : bits[i].reg == 'c' ? c : d;
        if (v >> bits[i].bit & 1) printf(" %s", bits[i].name);
    }
    printf("\n");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) { perror("/proc/cpuinfo"); return 1; }
    static char line[8192];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0) {
            char *colon = strchr(line, ':');
            printf("cpuinfo:%s", colon ? colon + 1 : "\n");
            break;
        }
    fclose(f);
    return 0;
}
