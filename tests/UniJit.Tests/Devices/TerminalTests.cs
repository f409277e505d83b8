using UniJit.Tests.Programs;
using UniJit.Tests.Support;

namespace UniJit.Tests.Devices;

/// <summary>
/// Programs on a real pseudo-terminal (<see cref="Pty"/>), natively and under <c>unijit</c>: the
/// termios, window-size and process-group ioctls reach the host terminal, so what the terminal
/// receives is the same byte for byte (colours, columns, stty's report, the terminal's name).
/// </summary>
public class TerminalTests
{
    static readonly Dictionary<string, string> Env = new(ProcessRunner.FixedEnvironment) { ["TERM"] = "xterm" };

    static (int, byte[]) OnPty(bool guest, string file, string[] args, ushort rows = 24, ushort cols = 80)
    {
        using var pty = new Pty(rows, cols);
        return guest
            ? pty.Run(TestPaths.Unijit, [file, .. args], Env)
            : pty.Run(file, args, Env);
    }

    static byte[] SameOnPty(string file, params string[] args)
    {
        var (ns, nout) = OnPty(false, file, args, 30, 97);
        var (gs, gout) = OnPty(true, file, args, 30, 97);
        Assert.True(nout.Length > 0, "native run printed nothing");
        string diff = TextDiff.Describe("terminal output", nout, gout);
        Assert.True(diff.Length == 0, $"repro: {TestPaths.Unijit} {file} {string.Join(' ', args)} (on a 30x97 pty)\n{diff}");
        Assert.Equal(ns, gs);
        return nout;
    }

    [Fact]
    public void LsColoursAndColumns()
    {
        var output = SameOnPty("/bin/ls", "--color=auto", "-C", "/usr/lib", "/usr/bin");
        // Natively ls saw a terminal: its output has colour escapes.
        Assert.Contains((byte)0x1B, output);
    }

    [Fact]
    public void SttyReportsTheTerminal() => SameOnPty("/bin/stty", "-a");

    [Fact]
    public void TtyNamesTheTerminal()
    {
        // The same pty for both runs, so the name (/dev/pts/N) must be the same.
        using var pty = new Pty();
        var (ns, nout) = pty.Run("/usr/bin/tty", [], Env);
        var (gs, gout) = pty.Run(TestPaths.Unijit, ["/usr/bin/tty"], Env);
        Assert.Equal(0, ns);
        Assert.Equal(System.Text.Encoding.ASCII.GetString(nout), System.Text.Encoding.ASCII.GetString(gout));
        Assert.Equal(ns, gs);
    }

    [Fact]
    public void SttySetsTheTerminal()
    {
        // Settings made under UniJit (TCSETS*, TIOCSWINSZ) are what a native stty then reads back.
        string[] set = ["rows", "21", "cols", "77", "-echo", "-icanon", "min", "3", "time", "2", "intr", "^K", "-onlcr"];
        using var a = new Pty();
        using var b = new Pty();
        var (ns, _) = a.Run("/bin/stty", set, Env);
        var (gs, gout) = b.Run(TestPaths.Unijit, ["/bin/stty", .. set], Env);
        Assert.Equal(0, ns);
        Assert.True(gs == 0, "unijit stty failed: " + System.Text.Encoding.UTF8.GetString(gout));
        var (_, nreport) = a.Run("/bin/stty", ["-a"], Env);
        var (_, greport) = b.Run("/bin/stty", ["-a"], Env);
        Assert.Equal(System.Text.Encoding.ASCII.GetString(nreport), System.Text.Encoding.ASCII.GetString(greport));
    }

    [Fact]
    public void DevTtyIsTheControllingTerminal()
    {
        // The corpus program dev_files opens /dev/tty, reads its settings and process group, and writes to it.
        string bin = ProgramCompiler.Get(CorpusProgram.All["dev_files"], "dynamic");
        SameOnPty(bin, "tty");
    }
}
