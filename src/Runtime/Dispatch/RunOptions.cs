namespace UniJit.Runtime.Dispatch;

public enum Tier { Auto, Interp, Jit }

/// <summary>What the user asked for on the command line that the runtime needs to know.</summary>
public sealed class RunOptions
{
    public Tier Tier = Tier.Auto;
    public bool Strace;
    public bool Stats;
    /// <summary>Warn (once per call) about unimplemented syscalls even without --strace.</summary>
    public bool WarnUnimplemented;
    /// <summary>qemu's -L: absolute paths are looked up under this prefix first.</summary>
    public string? LibPrefix;
    /// <summary>-r: the guest's root directory.</summary>
    public string? Root;
    /// <summary>argv[0] as the guest sees it (qemu's -0).</summary>
    public string? Argv0;
    /// <summary>Use and fill the translation cache (--no-cache or UNIJIT_CACHE=0 turn it off; --tier=interp never uses it).</summary>
    public bool Cache = Environment.GetEnvironmentVariable("UNIJIT_CACHE") != "0";
}
