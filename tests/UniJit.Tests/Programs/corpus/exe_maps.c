// The executable's own mappings, as /proc/self/maps lists them: each line naming the file the program
// runs from (its permissions, file offset, and whether a device and inode are given). The kernel maps
// each PT_LOAD from the file; a loader that copies the bytes into anonymous memory shows offset 0 and
// no inode. The bss beyond the last file page is anonymous and unnamed natively.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>

int main(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) { perror("readlink"); return 1; }
    exe[n] = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) { perror("maps"); return 1; }
    char line[4096];
    int lines = 0;
    while (fgets(line, sizeof line, f))
    {
        unsigned long lo, hi, off, inode;
        char perms[8], dev[16], path[PATH_MAX] = "";
        if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %4095s", &lo, &hi, perms, &off, dev, &inode, path) < 6) continue;
        if (strcmp(path, exe) != 0) continue;
        printf("%s offset=%lx inode=%s pages=%lu\n", perms, off, inode ? "yes" : "no", (hi - lo) / 4096);
        lines++;
    }
    printf("%d lines\n", lines);
    return 0;
}
