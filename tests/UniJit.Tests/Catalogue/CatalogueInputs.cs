using System.Text;
using UniJit.Tests.Support;

namespace UniJit.Tests.Catalogue;

/// <summary>
/// The catalogue's work directory: input files generated from a fixed seed (text, numbers, CSV,
/// binary bytes, a Lua script, a tar archive made by the host's tar), with a fixed modification time,
/// created once per test run. These are inputs, not expected outputs: what a program prints is always
/// compared with what it prints natively on the same files.
/// </summary>
public static class CatalogueInputs
{
    static readonly Lazy<string> dir = new(Create);

    /// <summary>The directory (created on first use).</summary>
    public static string Directory => dir.Value;

    public static string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    static readonly string[] Words =
        ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
         "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"];

    static string Create()
    {
        string d = System.IO.Path.Combine(TestPaths.Cache, "catalogue", "work");
        if (System.IO.Directory.Exists(d)) System.IO.Directory.Delete(d, recursive: true);
        System.IO.Directory.CreateDirectory(d);
        var rng = new Random(20261127);

        var text = new StringBuilder();
        for (int line = 0; line < 1200; line++)
        {
            int n = rng.Next(3, 12);
            for (int w = 0; w < n; w++) text.Append(w == 0 ? "" : " ").Append(Words[rng.Next(Words.Length)]);
            text.Append(' ').Append(rng.Next(100000)).Append('\n');
        }
        Write(d, "text.txt", Encoding.ASCII.GetBytes(text.ToString()));

        var nums = new StringBuilder();
        for (int i = 0; i < 2000; i++) nums.Append(rng.Next(-1000000, 1000000)).Append('\n');
        Write(d, "nums.txt", Encoding.ASCII.GetBytes(nums.ToString()));

        var csv = new StringBuilder();
        for (int i = 0; i < 1500; i++)
            csv.Append(rng.Next(1, 1000)).Append(',').Append(Words[rng.Next(Words.Length)]).Append(',')
               .Append((rng.NextDouble() * 100).ToString("F3", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        Write(d, "data.csv", Encoding.ASCII.GetBytes(csv.ToString()));

        var bin = new byte[32 * 1024];
        rng.NextBytes(bin);
        for (int i = 0; i < bin.Length; i += 7) bin[i] = 0; // some redundancy for the compressors
        Write(d, "bin.dat", bin);

        Write(d, "script.lua", Encoding.ASCII.GetBytes("""
            local s = 0
            for i = 1, 50000 do s = s + i * i % 7 end
            print("sum", s)
            local t = {}
            for i = 1, 2000 do t[#t + 1] = string.format("%x", i * 2654435761 % 4294967296) end
            table.sort(t)
            print(#t, t[1], t[#t], #table.concat(t, ","))
            local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
            print("fib", fib(18))
            print(string.format("%.12f %.12g", math.sin(1), math.exp(10)))
            local words = {}
            for w in ("the quick brown fox jumps over the lazy dog the end"):gmatch("%a+") do
              words[w] = (words[w] or 0) + 1
            end
            local keys = {}
            for k in pairs(words) do keys[#keys + 1] = k end
            table.sort(keys)
            for _, k in ipairs(keys) do io.write(k, "=", words[k], " ") end
            print()
            print(pcall(error, "boom"))
            os.exit(3)
            """ + "\n"));

        var epoch = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        foreach (var f in System.IO.Directory.EnumerateFiles(d)) File.SetLastWriteTimeUtc(f, epoch);

        // The archive to list is made by the host's tar: its bytes are input, not expectation.
        var tar = ProcessRunner.Run("tar", ["-cf", "archive.tar", "text.txt", "nums.txt", "script.lua"], workDir: d,
            env: ProcessRunner.FixedEnvironment);
        if (tar.ExitCode != 0) throw new InvalidOperationException("tar -cf archive.tar failed: " + tar.StderrText);
        return d;
    }

    static void Write(string dir, string name, byte[] bytes) => File.WriteAllBytes(System.IO.Path.Combine(dir, name), bytes);
}
