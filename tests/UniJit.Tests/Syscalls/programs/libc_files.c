/* Files, directories, pipes and descriptors through glibc, as ordinary programs use them. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define SHOW(expr) do { long r_ = (long)(expr); if (r_ < 0) printf("%-40s = %ld errno %d\n", #expr, r_, errno); else printf("%-40s = %ld\n", #expr, r_); } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(int argc, char **argv)
{
    FILE *f = fopen("data.txt", "w+");
    fprintf(f, "line one\nline two\n%d\n", 12345);
    fflush(f);
    SHOW(ftell(f));
    rewind(f);
    char line[128];
    while (fgets(line, sizeof line, f)) printf("read: %s", line);
    fclose(f);

    struct stat st;
    SHOW(stat("data.txt", &st));
    SHOW(st.st_size);
    SHOW(S_ISREG(st.st_mode));
    SHOW(stat("nope", &st));
    SHOW(lstat("data.txt", &st));
    SHOW(access("data.txt", R_OK | W_OK));
    SHOW(access("nope", F_OK));

    int fd = open("data.txt", O_RDWR | O_CLOEXEC);
    SHOW(fd);
    SHOW(lseek(fd, 5, SEEK_SET));
    char buf[64] = { 0 };
    SHOW(read(fd, buf, 3));
    printf("buf=%s\n", buf);
    SHOW(pwrite(fd, "XY", 2, 0));
    SHOW(pread(fd, buf, 4, 0));
    printf("buf=%.4s\n", buf);
    SHOW(fcntl(fd, F_GETFD));
    SHOW(fcntl(fd, F_GETFL) & O_ACCMODE);
    SHOW(dup2(fd, 10));
    SHOW(fcntl(10, F_GETFD));
    SHOW(close(10));
    SHOW(close(10));
    SHOW(ftruncate(fd, 4));
    SHOW(fstat(fd, &st));
    SHOW(st.st_size);
    SHOW(fsync(fd));
    SHOW(close(fd));

    SHOW(mkdir("dir", 0755));
    SHOW(mkdir("dir", 0755));
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "dir/file%d", 4 - i);
        close(creat(name, 0644));
    }
    SHOW(symlink("file0", "dir/link"));
    SHOW(rename("dir/file4", "dir/renamed"));
    DIR *d = opendir("dir");
    char *names[32];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 32) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    for (int i = 0; i < n; i++) printf("entry %s\n", names[i]);
    ssize_t len = readlink("dir/link", buf, sizeof buf);
    printf("readlink %zd %.*s\n", len, (int)len, buf);
    SHOW(rmdir("dir"));
    for (int i = 0; i < n; i++) {
        if (names[i][0] == '.') continue;
        char p[64];
        snprintf(p, sizeof p, "dir/%s", names[i]);
        SHOW(unlink(p));
    }
    SHOW(rmdir("dir"));

    char cwd[4096];
    SHOW(getcwd(cwd, sizeof cwd) != NULL);
    SHOW(mkdir("sub", 0700));
    SHOW(chdir("sub"));
    SHOW(access("../data.txt", F_OK));
    SHOW(chdir(".."));
    SHOW(rmdir("sub"));

    int p[2];
    SHOW(pipe(p));
    struct iovec iov[2] = { { "hello ", 6 }, { "pipe\n", 5 } };
    SHOW(writev(p[1], iov, 2));
    struct pollfd pf = { p[0], POLLIN, 0 };
    SHOW(poll(&pf, 1, 1000));
    SHOW(pf.revents);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timeval tv = { 1, 0 };
    SHOW(select(p[0] + 1, &rs, NULL, NULL, &tv));
    SHOW(read(p[0], buf, sizeof buf));
    fwrite(buf, 1, 11, stdout);
    close(p[1]);
    SHOW(read(p[0], buf, sizeof buf));
    close(p[0]);
    SHOW(unlink("data.txt"));

    struct utsname u;
    SHOW(uname(&u));
    printf("%s %s\n", u.sysname, u.machine);
    struct timespec ts;
    SHOW(clock_gettime(CLOCK_MONOTONIC, &ts));
    SHOW(getpid() == gettid());
    fprintf(stderr, "to stderr\n");
    return 5;
}
