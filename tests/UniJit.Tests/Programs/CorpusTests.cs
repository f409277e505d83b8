namespace UniJit.Tests.Programs;

/// <summary>Checks on the corpus itself: big enough, the known-failures list well formed, and the
/// native runs deterministic (a flaky program would make every comparison meaningless).</summary>
public class CorpusTests
{
    [Fact]
    public void CorpusHasAtLeastThirtyPrograms() => Assert.True(CorpusProgram.All.Count >= 30, $"only {CorpusProgram.All.Count} programs");

    [Fact]
    public void KnownFailuresNameRealProgramsAndGiveReasons()
    {
        foreach (var e in KnownFailures.Entries)
        {
            Assert.True(e.Program == "*" || CorpusProgram.All.ContainsKey(e.Program), $"line {e.Line}: no corpus program '{e.Program}'");
            Assert.True(e.Link == "*" || ProgramCompiler.LinkModes.Contains(e.Link), $"line {e.Line}: link must be static, static-pie, dynamic or *");
            Assert.True(e.Tier is "*" or "interp" or "jit" or "auto", $"line {e.Line}: tier must be interp, jit, auto or *");
            Assert.True(e.Reason.Length >= 10, $"line {e.Line}: give a real reason");
        }
    }

    [Fact]
    public void ParsesArgumentHeaders() =>
        Assert.Equal(["one", "two words", "", "--flag=3", "last"], CorpusProgram.SplitArgs("one \"two words\" \"\" --flag=3 last"));

    [Theory]
    [InlineData("hello"), InlineData("int_flags"), InlineData("strings_simd"), InlineData("cpp_stl"), InlineData("time")]
    public void NativeRunsAreDeterministic(string name)
    {
        var p = CorpusProgram.All[name];
        string bin = ProgramCompiler.Get(p, "static-pie");
        var a = Support.ProcessRunner.Run(bin, p.Args, p.Stdin, Support.ProcessRunner.FixedEnvironment);
        var b = Support.ProcessRunner.Run(bin, p.Args, p.Stdin, Support.ProcessRunner.FixedEnvironment);
        Assert.Equal(0, a.ExitCode);
        Assert.NotEmpty(a.Stdout);
        Assert.Equal(a.StdoutText, b.StdoutText);
        Assert.Equal(a.StderrText, b.StderrText);
    }
}
