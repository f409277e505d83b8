using System.Diagnostics;
using UniJit.Frontend.Elf;

namespace UniJit.Cli;

/// <summary>
/// <c>unijit extract BINARY DIR</c>, the seed's extract.sh: copies BINARY and everything the dynamic
/// loader loads for it (the interpreter included) into DIR at the same absolute paths, so that
/// <c>unijit -r DIR /BINARY</c> runs it with DIR as its root.
///
/// The library list comes from the guest's own loader, as ldd gets it: UniJit runs the program's
/// PT_INTERP with LD_TRACE_LOADED_OBJECTS=1 (in a child unijit, whose stdout is the list). So the
/// search is exactly the loader's (ld.so.cache, RUNPATH/RPATH, $ORIGIN, hwcaps subdirectories),
/// not a re-implementation of it; libraries opened later with dlopen are not listed, as with ldd.
///
/// Symlinks on the way are recreated as symlinks (with the same target text) and their targets
/// copied too: on a merged-/usr system /lib64/ld-linux-x86-64.so.2 becomes DIR/lib64 -> usr/lib64,
/// DIR/usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, and so on down
/// to the regular file, which keeps its permission bits.
/// </summary>
public static class Extractor
{
    public sealed class ExtractException(string message) : Exception(message);

    /// <summary>Runs the subcommand; returns the exit status.</summary>
    public static int Run(string[] args)
    {
        if (args.Length != 2)
            throw new ExtractException("usage: unijit extract BINARY DIR");
        string binary = Path.GetFullPath(args[0]);
        string dir = Path.GetFullPath(args[1]);
        if (!File.Exists(binary))
            throw new ExtractException($"{args[0]}: {(Directory.Exists(binary) ? "Is a directory" : "No such file or directory")}");
        if (File.Exists(dir)) throw new ExtractException($"{args[1]}: exists and is not a directory");
        var image = ElfImage.Open(binary); // ElfLoadException for non-ELF, 32-bit, foreign files

        var files = new List<string> { binary };
        if (image.Interpreter != null)
        {
            files.Add(image.Interpreter);
            files.AddRange(TraceLibraries(binary, image.Interpreter));
        }
        Directory.CreateDirectory(dir);
        var copier = new TreeCopier(dir);
        foreach (var f in files.Distinct()) copier.Copy(f);
        Console.Out.WriteLine($"unijit: extract: {copier.Files} files and {copier.Links} symlinks in {dir}; run: unijit -r {dir} {binary}");
        return 0;
    }

    /// <summary>The libraries the loader loads for <paramref name="binary"/>, from its LD_TRACE_LOADED_OBJECTS output.</summary>
    static List<string> TraceLibraries(string binary, string interpreter)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? throw new ExtractException("cannot find the unijit executable"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet") psi.ArgumentList.Add(typeof(Extractor).Assembly.Location);
        foreach (var a in new[] { "--tier=interp", "-E", "LD_TRACE_LOADED_OBJECTS=1", interpreter, binary }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new ExtractException("cannot start unijit to run the loader");
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new ExtractException($"{binary}: the loader {interpreter} failed to list its libraries (exit {p.ExitCode}): {err.Result.Trim()}");

        var libs = new List<string>();
        foreach (var raw in output.Split('\n'))
        {
            // "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "\t/lib64/ld-linux-x86-64.so.2 (0x...)",
            // "\tlibfoo.so => not found", "\tlinux-vdso.so.1 (0x...)" (no file).
            string line = raw.Trim();
            if (line.Length == 0) continue;
            int arrow = line.IndexOf(" => ", StringComparison.Ordinal);
            string path = arrow >= 0 ? line[(arrow + 4)..] : line;
            if (path.StartsWith("not found", StringComparison.Ordinal))
                throw new ExtractException($"{binary}: library {line[..arrow]} not found");
            int paren = path.LastIndexOf(" (0x", StringComparison.Ordinal);
            if (paren >= 0) path = path[..paren];
            if (path.StartsWith('/')) libs.Add(path);
        }
        return libs;
    }

    /// <summary>Copies absolute host paths into a directory tree, recreating the symlinks met on the way.</summary>
    sealed class TreeCopier(string root)
    {
        public int Files { get; private set; }
        public int Links { get; private set; }
        readonly HashSet<string> done = new(StringComparer.Ordinal);

        string Inside(string path) => Path.Combine(root, path.TrimStart('/'));

        public void Copy(string path)
        {
            for (int hops = 0; hops < 40; hops++)
            {
                var parts = Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
                string cur = "/";
                string? next = null;
                for (int i = 0; i < parts.Length && next == null; i++)
                {
                    string p = Path.Combine(cur, parts[i]);
                    var info = new FileInfo(p);
                    if (info.LinkTarget is { } target)
                    {
                        AddLink(p, target);
                        // Continue with the link's target, then the rest of the path.
                        string resolved = target.StartsWith('/') ? target : Path.Combine(cur, target);
                        next = Path.Combine([resolved, .. parts[(i + 1)..]]);
                    }
                    else if (i == parts.Length - 1)
                    {
                        if (Directory.Exists(p)) Directory.CreateDirectory(Inside(p));
                        else AddFile(p);
                        return;
                    }
                    else cur = p;
                }
                if (next == null) return;
                path = next;
            }
            throw new ExtractException($"{path}: too many levels of symbolic links");
        }

        void AddLink(string path, string target)
        {
            if (!done.Add(path)) return;
            string dest = Inside(path);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            var existing = new FileInfo(dest);
            if (existing.LinkTarget != null) existing.Delete();
            else if (existing.Exists || Directory.Exists(dest))
                throw new ExtractException($"{dest}: exists and is not a symbolic link (to {target})");
            File.CreateSymbolicLink(dest, target);
            Links++;
        }

        void AddFile(string path)
        {
            if (!done.Add(path)) return;
            if (!File.Exists(path)) throw new ExtractException($"{path}: No such file or directory");
            string dest = Inside(path);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(path, dest, overwrite: true);
            File.SetUnixFileMode(dest, File.GetUnixFileMode(path));
            Files++;
        }
    }
}
