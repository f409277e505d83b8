// Directories: mkdir, opendir/readdir (names sorted), getcwd, chdir, fchdir, rmdir, nested removal.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s failed\n", path); return; }
    char *names[64]; int n = 0; struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("%s:", path);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}
int main(void) {
    char dir[] = "/tmp/unijit-dirs-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    chdir(dir);
    char cwd[256]; getcwd(cwd, sizeof cwd);
    printf("getcwd matches mkdtemp: %d\n", strcmp(cwd, dir) == 0);
    int m1 = mkdir("sub", 0755), m2 = mkdir("sub/deeper", 0700), m3 = mkdir("other", 0755);
    printf("mkdir %d %d %d\n", m1, m2, m3);
    int again = mkdir("sub", 0755);
    printf("mkdir again %d EEXIST %d\n", again, errno == EEXIST);
    for (int i = 0; i < 20; i++) { char p[32]; snprintf(p, sizeof p, "sub/f%02d", i); close(open(p, O_CREAT | O_WRONLY, 0644)); }
    list("."); list("sub"); list("sub/deeper");
    struct stat st; stat("sub/deeper", &st);
    printf("deeper is dir %d mode %o\n", S_ISDIR(st.st_mode), st.st_mode & 0777);
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    chdir("sub/deeper"); getcwd(cwd, sizeof cwd);
    printf("cwd ends with /sub/deeper: %d\n", strlen(cwd) > 11 && strcmp(cwd + strlen(cwd) - 11, "/sub/deeper") == 0);
    fchdir(fd); close(fd); getcwd(cwd, sizeof cwd);
    printf("fchdir back: %d\n", strcmp(cwd, dir) == 0);
    int ne = rmdir("sub");
    printf("rmdir non-empty %d ENOTEMPTY %d\n", ne, errno == ENOTEMPTY);
    for (int i = 0; i < 20; i++) { char p[32]; snprintf(p, sizeof p, "sub/f%02d", i); unlink(p); }
    int r1 = rmdir("sub/deeper"), r2 = rmdir("sub"), r3 = rmdir("other");
    printf("rmdir %d %d %d\n", r1, r2, r3);
    list(".");
    chdir("/");
    printf("rmdir top %d\n", rmdir(dir));
    return 0;
}
