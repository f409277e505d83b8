// File system calls: open/creat, write/pwrite, read/pread, lseek, fstat/stat/lstat, ftruncate,
// rename, link/symlink/readlink, access, unlink, dup, stdio on files. Works in a fresh temp dir.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
int main(void) {
    char dir[] = "/tmp/unijit-files-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    if (chdir(dir) != 0) { perror("chdir"); return 1; }
    int fd = open("a.txt", O_CREAT | O_RDWR | O_TRUNC, 0640);
    printf("open ok %d\n", fd >= 3);
    const char *msg = "hello file\nsecond line\n";
    printf("write %zd\n", write(fd, msg, strlen(msg)));
    long e = (long)lseek(fd, 0, SEEK_END), st6 = (long)lseek(fd, 6, SEEK_SET), cur = (long)lseek(fd, 0, SEEK_CUR);
    printf("lseek end %ld set %ld cur %ld\n", e, st6, cur);
    char buf[64] = {0};
    ssize_t rd = read(fd, buf, 4);
    printf("read %zd [%.4s]\n", rd, buf);
    printf("pwrite %zd pread ", pwrite(fd, "XY", 2, 0));
    memset(buf, 0, sizeof buf);
    ssize_t pr = pread(fd, buf, 10, 0);
    printf("%zd [%s]", pr, buf);
    printf(" cur still %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    struct stat st;
    fstat(fd, &st);
    printf("fstat size %ld mode %o reg %d nlink %ld\n", (long)st.st_size, st.st_mode & 0777, S_ISREG(st.st_mode), (long)st.st_nlink);
    printf("ftruncate %d ", ftruncate(fd, 5)); fstat(fd, &st); printf("size %ld\n", (long)st.st_size);
    int fd2 = dup(fd);
    long o1 = (long)lseek(fd, 2, SEEK_SET), o2 = (long)lseek(fd2, 0, SEEK_CUR);
    printf("dup shares offset: %ld %ld\n", o1, o2);
    close(fd2); close(fd);
    printf("rename %d\n", rename("a.txt", "b.txt"));
    int so = stat("a.txt", &st);
    printf("stat old %d errno ENOENT %d\n", so, errno == ENOENT);
    int l1 = link("b.txt", "c.txt"), l2 = symlink("b.txt", "s.lnk");
    printf("link %d symlink %d\n", l1, l2);
    stat("b.txt", &st); printf("nlink now %ld\n", (long)st.st_nlink);
    char target[64]; ssize_t n = readlink("s.lnk", target, sizeof target - 1); target[n < 0 ? 0 : n] = 0;
    printf("readlink %zd [%s]\n", n, target);
    lstat("s.lnk", &st); printf("lstat link %d\n", S_ISLNK(st.st_mode));
    printf("access R %d X %d\n", access("b.txt", R_OK), access("b.txt", X_OK));
    FILE *f = fopen("d.txt", "w");
    for (int i = 0; i < 1000; i++) fprintf(f, "line %d %s\n", i, i % 2 ? "odd" : "even");
    fclose(f);
    f = fopen("d.txt", "r");
    char line[64]; long total = 0; int lines = 0;
    while (fgets(line, sizeof line, f)) { total += (long)strlen(line); lines++; }
    printf("fgets %d lines %ld bytes, feof %d\n", lines, total, feof(f));
    fseek(f, -9, SEEK_END); fgets(line, sizeof line, f); printf("tail [%s", line);
    fclose(f);
    int om = open("nope", O_RDONLY);
    printf("open missing: %d errno %s\n", om, errno == ENOENT ? "ENOENT" : "other");
    int ox = open("b.txt", O_CREAT | O_EXCL | O_WRONLY, 0600);
    printf("O_EXCL on existing: %d errno %s\n", ox, errno == EEXIST ? "EEXIST" : "other");
    const char *names[] = { "b.txt", "c.txt", "s.lnk", "d.txt" };
    for (int i = 0; i < 4; i++) printf("unlink %s %d\n", names[i], unlink(names[i]));
    chdir("/");
    printf("rmdir %d\n", rmdir(dir));
    return 0;
}
