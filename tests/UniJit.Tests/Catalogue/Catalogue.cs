using System.Text;
using static UniJit.Tests.Catalogue.CatalogueInputs;

namespace UniJit.Tests.Catalogue;

/// <summary>
/// The command-line catalogue of issue 4 (the seed's run_app.sh): real programs from Debian packages
/// (.ci/run installs them), each run natively and under UniJit. Inputs are sized so that a run in the
/// interpreter takes seconds.
/// </summary>
public static class Catalogue
{
    const string AesKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const string AesIv = "0f0e0d0c0b0a09080706050403020100";

    public static IReadOnlyList<CatalogueCase> All { get; } =
    [
        // coreutils
        new("echo", ["echo", "hello", "two  words", "", "-n", "é"]),
        new("ls-la-usr-lib", ["ls", "-la", "/usr/lib"]),
        // the loader run as the program, loading the real one (as `ld.so --list` and ldd do)
        new("ld.so-direct", ["/lib64/ld-linux-x86-64.so.2", "/bin/echo", "started", "by", "ld.so"]),
        new("cat", ["cat", "text.txt", "-", "bin.dat"]) { Stdin = _ => Encoding.ASCII.GetBytes("from stdin\n") },
        new("sort-n", ["sort", "-n", "nums.txt"]),
        new("wc", ["wc", "text.txt", "nums.txt", "bin.dat"]),
        new("sha256sum", ["sha256sum", "text.txt", "bin.dat"]),
        new("md5sum", ["md5sum", "text.txt", "bin.dat"]),
        new("date-epoch", ["date", "-d", "@0", "-u"]),
        new("missing-file", ["cat", "no-such-file"]),
        // not a terminal: the terminal ioctls answer ENOTTY as the host's do
        new("stty-not-a-tty", ["stty", "-a"]),
        new("tty-not-a-tty", ["tty"]),

        // bc with the math library; scale=500 pi is the expensive one (scale=200 in the interpreter,
        // where 500 digits take ~10 s alone)
        new("bc-l", ["bc", "-l"]) { Stdin = tier => Encoding.ASCII.GetBytes($"s(1)\ne(10)\nscale={(tier == "interp" ? 200 : 500)}; 4*a(1)\nquit\n") },

        // compressors: output compared with native, and decompressing it gives back the input
        new("gzip", ["gzip", "-c", "-9"]) { Stdin = _ => Bytes("text.txt"), Inverse = ["gunzip", "-c"] },
        new("bzip2", ["bzip2", "-c"]) { Stdin = _ => Bytes("text.txt"), Inverse = ["bunzip2", "-c"] },
        new("xz", ["xz", "-c"]) { Stdin = _ => Bytes("text.txt"), Inverse = ["xz", "-d", "-c"] },

        // text tools
        new("grep", ["grep", "-n", "-E", "^(alpha|omega) .*pi [0-9]+$", "text.txt"]),
        new("grep-count", ["grep", "-c", "-i", "SIGMA", "text.txt"]),
        new("grep-none", ["grep", "no such words", "text.txt"]),
        new("sed", ["sed", "-e", "s/[aeiou]/#/g", "-e", "5,2900d", "-e", "s/\\([0-9]\\+\\)$/<\\1>/", "text.txt"]),
        new("gawk", ["gawk", "-F,", "{ n[$2]++; s[$2] += $3 } END { PROCINFO[\"sorted_in\"] = \"@ind_str_asc\"; for (k in n) printf \"%-8s %4d %10.3f %s\\n\", k, n[k], s[k], toupper(substr(k, 1, 3)) }", "data.csv"]),

        // sqlite3: a 100 000-row table, an index, a join, aggregates (10 000 rows in the interpreter
        // tier only: the 100 000-row script takes ~50 s there on a loaded 2-core machine, native 0.5 s)
        new("sqlite3", ["sqlite3"]) { Stdin = tier => Encoding.ASCII.GetBytes(SqliteScript(tier == "interp" ? 10_000 : 100_000)) },

        new("lua5.4", ["lua5.4", "script.lua"]),

        // openssl
        new("openssl-dgst", ["openssl", "dgst", "-sha256", "text.txt", "bin.dat"]),
        new("openssl-aes", ["openssl", "enc", "-aes-256-cbc", "-K", AesKey, "-iv", AesIv])
        {
            Stdin = _ => Bytes("bin.dat"),
            Inverse = ["openssl", "enc", "-d", "-aes-256-cbc", "-K", AesKey, "-iv", AesIv],
        },
        new("openssl-rand", ["openssl", "rand", "-hex", "48"]) { Normalize = HexShape },

        // busybox applets
        new("busybox-echo", ["busybox", "echo", "hello", "from", "busybox"]),
        new("busybox-sort", ["busybox", "sort", "-n", "-r", "nums.txt"]),
        new("busybox-sha256sum", ["busybox", "sha256sum", "text.txt", "bin.dat"]),
        new("busybox-awk", ["busybox", "awk", "-F,", "{ s += $3 } END { printf \"%d %.3f\\n\", NR, s }", "data.csv"]),
        new("busybox-sed", ["busybox", "sed", "-n", "s/^\\(beta\\) \\(.*\\)/\\2 \\1/p", "text.txt"]),
        new("busybox-gzip", ["busybox", "gzip", "-c"]) { Stdin = _ => Bytes("text.txt"), Inverse = ["busybox", "gunzip", "-c"] },

        // shells: a pipeline, command substitution and a subshell each fork (dash is /bin/sh)
        new("sh-pipeline", ["/bin/sh", "-c", "echo a b c | tr a-z A-Z; x=$(echo sub); echo $x; (exit 3); echo $?"]),
        new("bash-pipeline", ["bash", "-c", "echo a b c | tr a-z A-Z; x=$(echo sub); echo $x; (exit 3); echo $?; for i in 1 2; do echo $i; done | wc -l"]),

        new("file", ["file", "/bin/ls", "text.txt", "bin.dat", "nums.txt", "script.lua", "archive.tar", "/usr/lib"]),

        // tar: create (the archive's bytes) and list
        new("tar-create", ["tar", "-cf", "-", "text.txt", "nums.txt", "data.csv"]),
        new("tar-list", ["tar", "-tvf", "archive.tar"]),
    ];

    public static CatalogueCase Get(string name) => All.First(c => c.Name == name);

    /// <summary>Creates, fills and indexes a table of <paramref name="rows"/> rows, then joins and aggregates.</summary>
    public static string SqliteScript(int rows) => $"""
        CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT, x REAL);
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {rows})
        INSERT INTO t SELECT i, (i * 7919) % 1000, printf('row%06d', i), i * 0.5 FROM c;
        CREATE INDEX t_k ON t(k);
        CREATE TABLE g(k INTEGER PRIMARY KEY, name TEXT);
        INSERT INTO g SELECT DISTINCT k, 'group' || k FROM t;
        SELECT count(*), sum(k), min(v), max(v), total(x) FROM t;
        SELECT g.name, count(*), sum(t.id), printf('%.2f', avg(t.x)) FROM t JOIN g ON g.k = t.k WHERE t.k < 5 GROUP BY g.name ORDER BY g.name;
        SELECT k, count(*) FROM t WHERE k BETWEEN 100 AND 103 GROUP BY k ORDER BY k;
        SELECT name FROM g WHERE k IN (SELECT k FROM t WHERE id % 997 = 0) ORDER BY name LIMIT 5;
        EXPLAIN QUERY PLAN SELECT * FROM t WHERE k = 42;
        SELECT * FROM no_such_table;

        """;

    /// <summary>Random hex output reduced to its shape: byte count, and whether it is lowercase hex and a newline.</summary>
    static byte[] HexShape(byte[] output)
    {
        string s = Encoding.ASCII.GetString(output);
        bool hex = s.EndsWith('\n') && s[..^1].All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
        return Encoding.ASCII.GetBytes($"{output.Length} bytes, lowercase hex line: {hex}\n");
    }
}
