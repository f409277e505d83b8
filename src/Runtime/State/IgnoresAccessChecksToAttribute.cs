namespace System.Runtime.CompilerServices;

/// <summary>Lets an assembly that carries it use the named assembly's non-public members: the runtime
/// recognises the attribute by name. Saved translations (UniJit.IlBackend.Persist.CacheBuilder) apply it
/// to reach the translator's and runtime's helpers, as DynamicMethods that skip visibility checks do;
/// it lives here because an assembly cannot apply one it defines itself (PersistedAssemblyBuilder of
/// .NET 10 writes a null constructor token for an attribute defined in the same module).</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    public string AssemblyName { get; } = assemblyName;
}
