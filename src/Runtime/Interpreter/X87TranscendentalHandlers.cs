using Iced.Intel;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Interpreter;

/// <summary>Transcendental instructions: f2xm1, fyl2x, fyl2xp1, fptan, fpatan, fsin, fcos, fsincos.</summary>
public static unsafe partial class X87Handlers
{
    static void RegisterTranscendental()
    {
    }
}
