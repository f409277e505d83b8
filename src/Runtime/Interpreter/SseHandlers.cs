namespace UniJit.Runtime.Interpreter;

/// <summary>SSE/SSE2 (and later x86-64-v2) handlers: registration only; semantics live in Semantics/Sse*.cs.</summary>
public static unsafe partial class SseHandlers
{
    public static void Register()
    {
    }
}
