using System.Runtime.InteropServices;
using UniJit.Frontend.Elf;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Loader;
using UniJit.Runtime.State;

namespace UniJit.Cli;

/// <summary>The <c>unijit</c> command: options, program lookup (#! scripts included), loading, running,
/// and turning the guest's end (exit status or death by signal) into this process's.</summary>
public static partial class Launcher
{
    const string Usage = """
        usage: unijit [options] PROGRAM [ARGS...]
               unijit extract BINARY DIR   copy BINARY and the libraries it loads into DIR (for -r DIR)
          --tier=auto|interp|jit   execution tier (default auto)
          --strace                 log every system call to stderr
          --stats                  print execution statistics at exit
          --no-cache               neither use nor fill the translation cache
          --warn-unimplemented     name each unimplemented system call once on stderr
          -L DIR                   look up the ELF interpreter and absolute paths under DIR first
          -r DIR                   run with DIR as the guest's root directory
          -E VAR=VALUE             set a variable in the guest's environment
          -U VAR                   remove a variable from the guest's environment
          -0 ARGV0                 pass ARGV0 as the program's argv[0]
          --version, --help
        """;

    public static int Start(string[] args)
    {
        mainEntered = DateTime.UtcNow;
        try
        {
            if (args.Length > 0 && args[0] == "extract") return RunExtract(args[1..]);
            if (args.Length == 4 && args[0] == "--cache-build") return UniJit.IlBackend.Persist.CacheBuilder.Run(args[1], args[2], args[3]);
            return Run(args);
        }
        catch (ElfLoadException e)
        {
            Console.Error.WriteLine($"unijit: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is UniJit.Runtime.Memory.HostMemoryException
            || e is TypeInitializationException { InnerException: UniJit.Runtime.Memory.HostMemoryException })
        {
            Console.Error.WriteLine($"unijit: {(e.InnerException ?? e).Message}");
            return 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"unijit: {e.Message} (try 'unijit --help')");
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"unijit: internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("UNIJIT_DEBUG") == "1") Console.Error.WriteLine(e);
            return 70;
        }
    }

    sealed class UsageException(string m) : Exception(m);

    /// <summary>The environment UniJit was started with, in its order, for the guest's environ (as natively and
    /// under qemu-user): /proc/self/environ. The runtime's copy (a hashtable, so sorted here) only if that file
    /// cannot be read; it also took ~4 ms of every start.</summary>
    static List<string> InitialEnvironment()
    {
        var env = new List<string>();
        try
        {
            var bytes = File.ReadAllBytes("/proc/self/environ");
            for (int start = 0, i = 0; i <= bytes.Length; i++)
                if (i == bytes.Length || bytes[i] == 0)
                {
                    if (i > start) env.Add(System.Text.Encoding.UTF8.GetString(bytes, start, i - start));
                    start = i + 1;
                }
            return env;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        foreach (System.Collections.DictionaryEntry kv in Environment.GetEnvironmentVariables())
            env.Add($"{kv.Key}={kv.Value}");
        env.Sort(StringComparer.Ordinal);
        return env;
    }

    /// <summary><c>unijit extract BINARY DIR</c> (<see cref="Extractor"/>): file-system errors become one line.</summary>
    static int RunExtract(string[] args)
    {
        try
        {
            return Extractor.Run(args);
        }
        catch (Exception e) when (e is Extractor.ExtractException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"unijit: extract: {e.Message}");
            return e is Extractor.ExtractException && e.Message.StartsWith("usage:") ? 2 : 1;
        }
    }

    static int Run(string[] args)
    {
        var opt = new RunOptions();
        var env = InitialEnvironment();
        var unset = new List<string>();
        var set = new List<string>();
        int i = 0;
        string Next(string flag) => i + 1 < args.Length ? args[++i] : throw new UsageException($"option {flag} needs an argument");
        for (; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { i++; break; }
            if (!a.StartsWith('-') || a == "-") break;
            if (a.StartsWith("--tier="))
            {
                opt.Tier = a[7..] switch
                {
                    "auto" => Tier.Auto, "interp" => Tier.Interp, "jit" => Tier.Jit,
                    _ => throw new UsageException($"unknown tier '{a[7..]}' (auto, interp or jit)"),
                };
            }
            else if (a == "--strace" || a == "-strace") opt.Strace = true;
            else if (a == "--stats") opt.Stats = true;
            else if (a == "--no-cache") opt.Cache = false;
            else if (a == "--warn-unimplemented") opt.WarnUnimplemented = true;
            else if (a == "-L") opt.LibPrefix = Path.GetFullPath(Next(a));
            else if (a == "-r") opt.Root = Path.GetFullPath(Next(a));
            else if (a == "-E") set.Add(Next(a));
            else if (a == "-U") unset.Add(Next(a));
            else if (a == "-0") opt.Argv0 = Next(a);
            else if (a == "--fork-child") return RunForkChild(opt, Next(a));
            else if (a == "--help" || a == "-h") { Console.Out.Write(Usage + "\n"); return 0; }
            else if (a == "--version") { Console.Out.WriteLine("unijit 0.1 (x86-64 Linux on .NET " + Environment.Version + ")"); return 0; }
            else throw new UsageException($"unknown option '{a}'");
        }
        if (i >= args.Length) throw new UsageException("no program given");
        foreach (var u in unset) env.RemoveAll(e => e.StartsWith(u + "=", StringComparison.Ordinal));
        foreach (var s in set)
        {
            int eq = s.IndexOf('=');
            if (eq <= 0) throw new UsageException($"-E needs VAR=VALUE, got '{s}'");
            env.RemoveAll(e => e.StartsWith(s[..(eq + 1)], StringComparison.Ordinal));
            env.Add(s);
        }

        string program = args[i];
        var guestArgs = args.Skip(i + 1).ToList();
        string hostPath = ResolveProgram(program, opt);
        guestArgs.Insert(0, opt.Argv0 ?? program);

        var (image, execFn) = OpenWithShebang(hostPath, program, guestArgs, opt, 0);
        ElfImage? interp = null;
        if (image.Interpreter != null) interp = ElfImage.Open(HostPathFor(image.Interpreter, opt));

        KeepOwnStderr();
        var process = new GuestProcess(opt) { ExePath = Path.GetFullPath(image.Path) };
        var cpu = new Cpu(process) { Tid = Environment.ProcessId };
        process.Syscalls = new UniJit.Syscalls.LinuxSyscalls(process);
        AttachCompiler(process);
        ProgramLoader.Load(cpu, image, interp, execFn, guestArgs, env, Cpuid.Hwcap);
        return RunGuest(process, cpu, DateTime.UtcNow);
    }

    /// <summary>The translation cache of this run (null when off).</summary>
    static UniJit.IlBackend.Persist.TranslationCache? cache;

    /// <summary>The IL tier, unless --tier=interp, and with it the translation cache of the program.</summary>
    static void AttachCompiler(GuestProcess process)
    {
        if (process.Options.Tier == Tier.Interp) return;
        UniJit.IlBackend.Emit.RegionCompiler.CountInstructions = process.Options.Stats;
        var compiler = new UniJit.IlBackend.Emit.RegionCompiler();
        process.Compiler = compiler;
        if (!process.Options.Cache) return;
        var c = cache = UniJit.IlBackend.Persist.TranslationCache.Open(process.ExePath);
        compiler.Cache = c;
        if (c?.Layers > 0) process.Blocks.Saved = b => c.Bind(process, b);
    }

    /// <summary>Runs the first guest thread to the end of the process.</summary>
    static int RunGuest(GuestProcess process, Cpu cpu, DateTime ready)
    {
        process.Threads.Set(cpu.Tid, cpu);
        // Another guest thread may end the process (exit_group, a fatal signal, the last exit).
        process.EndProcess = o =>
        {
            int status = Finish(process, cpu, o, ready);
            Console.Out.Flush();
            Console.Error.Flush();
            Environment.Exit(status);
        };
        var outcome = process.Run(cpu);
        // The first thread's exit(2) leaves the process to its other threads, as on Linux.
        if (!process.ThreadEnded(cpu, outcome)) Thread.Sleep(Timeout.Infinite);
        return Finish(process, cpu, outcome, ready);
    }

    /// <summary>The hidden <c>--fork-child FD</c> mode: the child of a guest's fork
    /// (UniJit.Syscalls.Process.ForkCalls), rebuilt from the snapshot at host fd FD.</summary>
    static bool forkChild;

    static int RunForkChild(RunOptions opt, string fdText)
    {
        if (!int.TryParse(fdText, out int fd) || fd < 3) throw new UsageException($"--fork-child needs a descriptor, got '{fdText}'");
        KeepOwnStderr();
        forkChild = true;
        GuestProcess process;
        Cpu cpu;
        try
        {
            var child = UniJit.Syscalls.Process.ForkChild.Read(fd);
            process = new GuestProcess(opt) { ExePath = child.State.ExePath };
            cpu = new Cpu(process) { Tid = Environment.ProcessId };
            var syscalls = new UniJit.Syscalls.LinuxSyscalls(process);
            process.Syscalls = syscalls;
            AttachCompiler(process);
            var before = DateTime.UtcNow;
            child.Restore(syscalls.Kernel, cpu);
            if (Environment.GetEnvironmentVariable("UNIJIT_DEBUG") == "1")
                Console.Error.WriteLine($"unijit: fork child: Main after {(before - System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalMilliseconds:F0} ms, " +
                    $"read {(before - mainEntered).TotalMilliseconds:F0} ms, restored in {(DateTime.UtcNow - before).TotalMilliseconds:F1} ms");
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException or EndOfStreamException)
        {
            Console.Error.WriteLine($"unijit: fork child: {e.Message}");
            return 70;
        }
        return RunGuest(process, cpu, DateTime.UtcNow);
    }

    /// <summary>Stats, the one-line report of a fatal signal (dying by it), or the exit status.</summary>
    static int Finish(GuestProcess process, Cpu cpu, GuestOutcome outcome, DateTime ready)
    {
        // A fork child's translations are its parent's too; the parent saves them.
        if (!forkChild) cache?.Save(process);
        if (process.Options.Stats)
        {
            PrintStats(process, cpu);
            PrintStartup(ready);
        }
        if (outcome.Signal != 0)
        {
            // A fork child that kills itself (kill, raise) dies silently as a native one does: its parent
            // reports it if it wants to. Faults in a fork child are still reported.
            bool quiet = forkChild && outcome.Report != null && outcome.Report.Contains(" sent by the guest to itself");
            if (outcome.Report != null && !quiet) Console.Error.WriteLine($"unijit: guest killed by {outcome.Report}");
            DieBySignal(outcome.Signal);
        }
        return outcome.Status & 0xFF;
    }

    static unsafe void PrintStats(GuestProcess p, Cpu cpu)
    {
        Console.Error.WriteLine($"unijit: stats: tier {p.Options.Tier}");
        Console.Error.WriteLine($"unijit: stats:   instructions interpreted  {p.InstructionsInterpreted,14:N0}");
        Console.Error.WriteLine($"unijit: stats:   instructions translated   {cpu.S->InstructionCount,14:N0}");
        Console.Error.WriteLine($"unijit: stats:   blocks interpreted        {p.BlocksRun,14:N0}");
        Console.Error.WriteLine($"unijit: stats:   blocks decoded            {p.Blocks.Decoded,14:N0} ({p.Blocks.Invalidated:N0} invalidated)");
        Console.Error.WriteLine($"unijit: stats:   regions compiled          {p.RegionsCompiled,14:N0} ({p.CompileFailures:N0} failed)");
        Console.Error.WriteLine($"unijit: stats:   region entries            {p.RegionEntries,14:N0} (from the dispatcher)");
        Console.Error.WriteLine($"unijit: stats:   chained region exits      {cpu.S->ChainHits,14:N0}");
        Console.Error.WriteLine($"unijit: stats:   access checks run         {cpu.S->AccessChecks,14:N0} (translated code's inline memory checks)");
        if (cache != null)
            Console.Error.WriteLine($"unijit: stats:   regions from the cache    {cache.Bound,14:N0} ({cache.BoundDirect:N0} of {cache.BoundMethods:N0} methods called at their code; {cache.Layers} layers in {cache.Directory}; bound in {cache.BindTime.TotalMilliseconds:N1} ms)");
        Console.Error.WriteLine($"unijit: stats:   IL bytes                  {p.IlBytes,14:N0}");
        Console.Error.WriteLine($"unijit: stats:   translation time (ms)     {p.CompileTime.TotalMilliseconds,14:N1} (RyuJIT {p.JitTime.TotalMilliseconds:N1})");
        if (UniJit.IlBackend.Emit.RegionCompiler.FallbackRuns is { } runs)
        {
            // The instruction forms translated code most often ran through their interpreter handlers.
            var top = new List<(long Runs, int Code)>();
            long all = 0;
            for (int k = 0; k < runs.Length; k++)
                if (runs[k] > 0) { all += runs[k]; top.Add((runs[k], k)); }
            top.Sort((a, b) => b.Runs.CompareTo(a.Runs));
            string most = string.Join(", ", top.Take(5).Select(t => $"{(Iced.Intel.Code)t.Code} {t.Runs:N0}"));
            Console.Error.WriteLine($"unijit: stats:   handler calls (translated) {all,13:N0}{(top.Count > 0 ? $" ({most})" : "")}");
        }
    }

    static DateTime mainEntered;

    /// <summary>Where the wall-clock time went after the .NET runtime started (measure that from outside,
    /// e.g. <c>unijit --version</c>): UniJit's own start-up (Main to the guest's first instruction: options, ELF loading, stack), the guest's run;
    /// and how much of it the host JIT took (UniJit's own methods plus the translated regions).</summary>
    static void PrintStartup(DateTime ready)
    {
        var now = DateTime.UtcNow;
        Console.Error.WriteLine($"unijit: stats:   unijit start (ms)         {(ready - mainEntered).TotalMilliseconds,14:N1} (Main to the guest's entry)");
        Console.Error.WriteLine($"unijit: stats:   guest run (ms)            {(now - ready).TotalMilliseconds,14:N1}");
        Console.Error.WriteLine($"unijit: stats:   host JIT (ms)             {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,14:N1} " +
            $"({System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods: UniJit's own not precompiled, and the regions)");
    }

    /// <summary>Finds the program as execvp would: a name without '/' is searched in PATH.</summary>
    static string ResolveProgram(string program, RunOptions opt)
    {
        if (program.Contains('/')) return HostPathFor(program, opt);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            string p = Path.Combine(dir.Length == 0 ? "." : dir, program);
            string host = HostPathFor(p, opt);
            if (File.Exists(host)) return host;
        }
        throw new ElfLoadException($"{program}: command not found", 127);
    }

    /// <summary>Maps a guest path to the host's under -r (root) or -L (prefix tried first).</summary>
    static string HostPathFor(string path, RunOptions opt)
    {
        if (opt.Root != null)
            return Path.Combine(opt.Root, Path.GetFullPath(path, "/").TrimStart('/'));
        if (opt.LibPrefix != null && path.StartsWith('/'))
        {
            string p = Path.Combine(opt.LibPrefix, path.TrimStart('/'));
            if (File.Exists(p)) return p;
        }
        return path;
    }

    /// <summary>Opens an ELF, following "#!" lines (at most 4 deep, as Linux allows).</summary>
    static (ElfImage, string) OpenWithShebang(string hostPath, string guestPath, List<string> guestArgs, RunOptions opt, int depth)
    {
        byte[] head;
        try
        {
            using var f = File.OpenRead(hostPath);
            head = new byte[256];
            head = head[..f.Read(head)];
        }
        catch (FileNotFoundException) { throw new ElfLoadException($"{guestPath}: No such file or directory", 127); }
        catch (DirectoryNotFoundException) { throw new ElfLoadException($"{guestPath}: No such file or directory", 127); }
        catch (UnauthorizedAccessException) { throw new ElfLoadException($"{guestPath}: Permission denied", 126); }
        catch (IOException e) { throw new ElfLoadException($"{guestPath}: {e.Message}", 126); }
        if (head.Length >= 2 && head[0] == '#' && head[1] == '!')
        {
            if (depth >= 4) throw new ElfLoadException($"{guestPath}: too many levels of #! interpreters", 126);
            int nl = Array.IndexOf(head, (byte)'\n');
            string line = System.Text.Encoding.UTF8.GetString(head, 2, (nl < 0 ? head.Length : nl) - 2).Trim();
            if (line.Length == 0) throw new ElfLoadException($"{guestPath}: empty #! line", 126);
            int sp = line.IndexOfAny([' ', '\t']);
            string interp = sp < 0 ? line : line[..sp];
            string? arg = sp < 0 ? null : line[(sp + 1)..].Trim();
            guestArgs[0] = guestPath;
            if (!string.IsNullOrEmpty(arg)) guestArgs.Insert(0, arg);
            guestArgs.Insert(0, interp);
            return OpenWithShebang(HostPathFor(interp, opt), interp, guestArgs, opt, depth + 1);
        }
        return (ElfImage.Open(hostPath), guestPath);
    }

    [LibraryImport("libc")] private static partial int fcntl(int fd, int cmd, int arg);

    /// <summary>UniJit's own messages (--stats, the death report) go to a private duplicate of fd 2: guests
    /// such as coreutils close their stderr at exit (gnulib's close_stdout), which closes the host's fd 2.</summary>
    static void KeepOwnStderr()
    {
        int fd = fcntl(2, 1030 /* F_DUPFD_CLOEXEC */, 3);
        if (fd < 0) return;
        var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 1);
        Console.SetError(new StreamWriter(stream, new System.Text.UTF8Encoding(false)) { AutoFlush = true });
    }

    [LibraryImport("libc")] private static partial int kill(int pid, int sig);
    [LibraryImport("libc")] private static partial nint signal(int sig, nint handler);
    [LibraryImport("libc")] private static partial int sigprocmask(int how, ref ulong set, nint old);

    /// <summary>Ends this process by <paramref name="sig"/>, so that a shell sees 128+sig as for a native crash.</summary>
    static void DieBySignal(int sig)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        signal(sig, 0);
        ulong mask = 1UL << (sig - 1);
        sigprocmask(1 /* SIG_UNBLOCK */, ref mask, 0);
        kill(Environment.ProcessId, sig);
        Thread.Sleep(100);
        Environment.Exit(128 + sig);
    }
}
