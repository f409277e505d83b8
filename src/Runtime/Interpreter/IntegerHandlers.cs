namespace UniJit.Runtime.Interpreter;

public static unsafe partial class IntegerHandlers
{
    public static void Register()
    {
    }
}
