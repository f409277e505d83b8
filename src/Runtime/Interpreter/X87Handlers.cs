namespace UniJit.Runtime.Interpreter;

/// <summary>x87 handlers: registration only; semantics live in Semantics/X87*.cs.</summary>
public static unsafe partial class X87Handlers
{
    public static void Register()
    {
    }
}
