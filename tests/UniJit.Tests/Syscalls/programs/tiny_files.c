/* Files, directories, descriptors: results printed so native and unijit outputs can be compared. */
#include "tiny.h"

struct dirent64 { u64 ino; i64 off; unsigned short reclen; unsigned char type; char name[]; };
struct iovec { void *base; u64 len; };
struct pollfd { int fd; short events, revents; };

static char buf[8192];

int main(int argc, char **argv)
{
    i64 fd = sys4(SYS_openat, -100, "f1", 0x42 | 0x200 | 0x80000, 0644); /* O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC */
    show("openat f1", fd);
    show("write", sys3(SYS_write, fd, "hello, world\n", 13));
    show("lseek cur", sys3(SYS_lseek, fd, 0, 1));
    show("lseek set 7", sys3(SYS_lseek, fd, 7, 0));
    i64 n = sys3(SYS_read, fd, buf, sizeof buf);
    show("read", n);
    sys3(SYS_write, 1, buf, n);
    show("pwrite64", sys4(SYS_pwrite64, fd, "HELLO", 5, 0));
    n = sys4(SYS_pread64, fd, buf, 5, 0);
    show("pread64", n);
    sys3(SYS_write, 1, buf, n); put("\n");
    show("lseek end", sys3(SYS_lseek, fd, 0, 2));
    show("lseek bad whence", sys3(SYS_lseek, fd, 0, 9));
    show("F_GETFD", sys2(SYS_fcntl, fd, 1));
    show("F_GETFL accmode", sys2(SYS_fcntl, fd, 3) & 3);

    /* stat fields */
    u64 st[18];
    show("fstat", sys2(SYS_fstat, fd, st));
    show("st_size", (i64)st[6]);
    show("st_mode type", (i64)(((unsigned)st[3]) & 0170000));
    show("st_nlink", (i64)st[2]);
    show("ftruncate", sys2(SYS_ftruncate, fd, 3));
    show("newfstatat", sys4(SYS_newfstatat, -100, "f1", st, 0));
    show("st_size", (i64)st[6]);
    show("truncate", sys2(SYS_truncate, "f1", 100));
    show("stat", sys2(SYS_stat, "f1", st));
    show("st_size", (i64)st[6]);
    show("st_blksize>0", st[7] > 0);
    show("fsync", sys1(SYS_fsync, fd));

    /* descriptors: lowest free number, dup family, close-on-exec */
    show("dup", sys1(SYS_dup, fd));
    show("dup2 to 9", sys2(SYS_dup2, fd, 9));
    show("dup3 to 12 cloexec", sys3(SYS_dup3, fd, 12, 0x80000));
    show("F_GETFD 12", sys2(SYS_fcntl, 12, 1));
    show("F_GETFD 9", sys2(SYS_fcntl, 9, 1));
    show("F_DUPFD 5", sys3(SYS_fcntl, fd, 0, 5));
    show("F_DUPFD_CLOEXEC 20", sys3(SYS_fcntl, fd, 1030, 20));
    show("close 4", sys1(SYS_close, 4));
    show("close 4 again", sys1(SYS_close, 4));
    show("dup reuses 4", sys1(SYS_dup, fd));
    show("dup bad", sys1(SYS_dup, 77));
    show("dup3 same", sys3(SYS_dup3, 9, 9, 0));
    for (int i = 4; i < 21; i++) sys1(SYS_close, i);
    show("close", sys1(SYS_close, fd));
    show("read closed", sys3(SYS_read, fd, buf, 1));

    /* errors */
    show("open missing", sys2(SYS_open, "missing/file", 0));
    show("open dir for write", sys2(SYS_open, ".", 1));
    show("open EFAULT", sys2(SYS_open, (char *)16, 0));
    show("creat", fd = sys2(SYS_creat, "f2", 0600));
    show("write to O_WRONLY then read", sys3(SYS_read, fd, buf, 1));
    sys1(SYS_close, fd);

    /* names */
    show("mkdir d", sys2(SYS_mkdir, "d", 0755));
    show("mkdir d again", sys2(SYS_mkdir, "d", 0755));
    show("rename", sys2(SYS_rename, "f2", "d/f3"));
    show("link", sys2(SYS_link, "f1", "d/hard"));
    show("symlink", sys2(SYS_symlink, "../f1", "d/sym"));
    n = sys3(SYS_readlink, "d/sym", buf, sizeof buf);
    show("readlink", n);
    sys3(SYS_write, 1, buf, n); put("\n");
    show("readlink not a link", sys3(SYS_readlink, "f1", buf, sizeof buf));
    show("lstat", sys2(SYS_lstat, "d/sym", st));
    show("lstat type is link", (((unsigned)st[3]) & 0170000) == 0120000);
    show("stat through link", sys2(SYS_stat, "d/sym", st));
    show("st_size", (i64)st[6]);
    show("access R_OK", sys2(SYS_access, "d/f3", 4));
    show("access missing", sys2(SYS_access, "d/nope", 0));
    show("chmod", sys2(SYS_chmod, "d/f3", 0640));
    show("stat", sys2(SYS_stat, "d/f3", st));
    show("mode", (i64)(((unsigned)st[3]) & 0777));
    show("rmdir nonempty", sys1(SYS_rmdir, "d"));

    /* getdents64: names in sorted order */
    i64 dfd = sys3(SYS_openat, -100, "d", 0x10000);
    show("open dir", dfd);
    n = sys3(SYS_getdents64, dfd, buf, sizeof buf);
    show("getdents64>0", n > 0);
    const char *names[16]; int count = 0;
    for (i64 off = 0; off < n && count < 16;) {
        struct dirent64 *d = (struct dirent64 *)(buf + off);
        names[count++] = d->name;
        off += d->reclen;
    }
    for (int i = 0; i < count; i++)
        for (int j = i + 1; j < count; j++) {
            const char *a = names[i], *b = names[j];
            while (*a && *a == *b) a++, b++;
            if ((unsigned char)*a > (unsigned char)*b) { const char *t = names[i]; names[i] = names[j]; names[j] = t; }
        }
    for (int i = 0; i < count; i++) { put("  entry "); put(names[i]); put("\n"); }
    show("getdents64 at end", sys3(SYS_getdents64, dfd, buf, sizeof buf));
    show("unlinkat", sys3(SYS_unlinkat, dfd, "hard", 0));
    show("faccessat", sys3(SYS_faccessat, dfd, "f3", 0));
    show("readlinkat", sys4(SYS_readlinkat, dfd, "sym", buf, 2));
    show("mkdirat", sys3(SYS_mkdirat, dfd, "sub", 0700));
    show("unlinkat dir", sys3(SYS_unlinkat, dfd, "sub", 0x200));
    show("renameat", sys4(SYS_renameat, dfd, "f3", -100, "f4"));
    sys1(SYS_close, dfd);
    sys1(SYS_unlink, "d/sym");
    show("rmdir", sys1(SYS_rmdir, "d"));
    show("unlink", sys1(SYS_unlink, "f4"));

    /* cwd */
    n = sys2(SYS_getcwd, buf, sizeof buf);
    show("getcwd>1", n > 1);
    show("getcwd ERANGE", sys2(SYS_getcwd, buf, 1));
    show("mkdir", sys2(SYS_mkdir, "c", 0700));
    show("chdir", sys1(SYS_chdir, "c"));
    show("open ../f1", fd = sys2(SYS_open, "../f1", 0));
    sys1(SYS_close, fd);
    show("chdir ..", sys1(SYS_chdir, ".."));
    sys1(SYS_rmdir, "c");

    /* pipes, readv/writev, poll, select */
    int p[2];
    show("pipe2", sys2(SYS_pipe2, p, 0));
    show("pipe fds", p[0] * 10 + p[1]);
    struct iovec iov[3] = { { "ab", 2 }, { "", 0 }, { "cdef", 4 } };
    show("writev", sys3(SYS_writev, p[1], iov, 3));
    struct pollfd pf[3] = { { p[0], 1, 0 }, { p[1], 4, 0 }, { 99, 1, 0 } };
    show("poll", sys3(SYS_poll, pf, 3, 0));
    show("revents", pf[0].revents * 10000 + pf[1].revents * 100 + pf[2].revents);
    u64 rset = 1UL << p[0];
    u64 tv[2] = { 0, 0 };
    show("select", sys5(SYS_select, p[0] + 1, &rset, 0, 0, tv));
    show("select set", rset == 1UL << p[0]);
    int avail = -1;
    show("FIONREAD", sys3(SYS_ioctl, p[0], 0x541B, &avail));
    show("avail", avail);
    show("TCGETS on pipe", sys3(SYS_ioctl, p[0], 0x5401, buf));
    char a[3], b[8];
    struct iovec riov[2] = { { a, 3 }, { b, 8 } };
    n = sys3(SYS_readv, p[0], riov, 2);
    show("readv", n);
    sys3(SYS_write, 1, a, 3); sys3(SYS_write, 1, b, n - 3); put("\n");
    show("F_SETFL nonblock", sys3(SYS_fcntl, p[0], 4, 0x800));
    show("read empty nonblocking", sys3(SYS_read, p[0], buf, 1));
    show("close write end", sys1(SYS_close, p[1]));
    show("read EOF", sys3(SYS_read, p[0], buf, 1));
    sys1(SYS_close, p[0]);

    /* umask */
    show("umask", sys1(SYS_umask, 027));
    show("umask back", sys1(SYS_umask, 022));
    show("unlink f1", sys1(SYS_unlink, "f1"));
    show("failures", failures);
    return failures ? 1 : 0;
}
