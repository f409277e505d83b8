namespace UniJit.IlBackend.Analysis;

/// <summary>
/// Guest addresses (or other 64-bit keys) to values: open addressing with linear probing. The region
/// compiler's own table instead of <c>Dictionary&lt;ulong, T&gt;</c> / <c>HashSet&lt;ulong&gt;</c>: ReadyToRun
/// does not precompile those CoreLib instantiations into UniJit's image, and they were about a hundred
/// of the methods JIT-compiled at the first region compile of every run (the same reason as
/// <see cref="UniJit.Runtime.Dispatch.BlockTable"/>). Not thread-safe; no removal.
/// </summary>
public sealed class AddressMap<T>
{
    ulong[] keys;
    T[] values;
    bool[] used;
    int count;

    public AddressMap(int capacity = 8)
    {
        int size = 16;
        while (size < 2 * capacity) size *= 2;
        keys = new ulong[size];
        values = new T[size];
        used = new bool[size];
    }

    public int Count => count;

    /// <summary>The slot holding <paramref name="key"/>, or the complement of the free slot where it would go.</summary>
    int Find(ulong key)
    {
        int mask = keys.Length - 1;
        int i = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;
        while (used[i])
        {
            if (keys[i] == key) return i;
            i = (i + 1) & mask;
        }
        return ~i;
    }

    public bool ContainsKey(ulong key) => Find(key) >= 0;

    public bool TryGetValue(ulong key, out T value)
    {
        int i = Find(key);
        value = i >= 0 ? values[i] : default!;
        return i >= 0;
    }

    public T GetValueOrDefault(ulong key, T fallback = default!) => Find(key) is var i and >= 0 ? values[i] : fallback;

    public T this[ulong key]
    {
        get => Find(key) is var i and >= 0 ? values[i] : throw new KeyNotFoundException($"0x{key:x}");
        set
        {
            int i = Find(key);
            if (i >= 0) { values[i] = value; return; }
            Insert(~i, key, value);
        }
    }

    /// <summary>Adds <paramref name="key"/> unless it is there; true if it was added.</summary>
    public bool TryAdd(ulong key, T value)
    {
        int i = Find(key);
        if (i >= 0) return false;
        Insert(~i, key, value);
        return true;
    }

    void Insert(int slot, ulong key, T value)
    {
        if (2 * (count + 1) > keys.Length)
        {
            Grow();
            slot = ~Find(key);
        }
        keys[slot] = key;
        values[slot] = value;
        used[slot] = true;
        count++;
    }

    void Grow()
    {
        var (oldKeys, oldValues, oldUsed) = (keys, values, used);
        keys = new ulong[oldKeys.Length * 2];
        values = new T[oldKeys.Length * 2];
        used = new bool[oldKeys.Length * 2];
        for (int k = 0; k < oldKeys.Length; k++)
        {
            if (!oldUsed[k]) continue;
            int i = ~Find(oldKeys[k]);
            keys[i] = oldKeys[k];
            values[i] = oldValues[k];
            used[i] = true;
        }
    }
}

/// <summary>A set of 64-bit keys (see <see cref="AddressMap{T}"/>).</summary>
public sealed class AddressSet(int capacity = 8)
{
    readonly AddressMap<bool> map = new(capacity);

    public int Count => map.Count;

    /// <summary>True if <paramref name="key"/> was not in the set.</summary>
    public bool Add(ulong key) => map.TryAdd(key, true);

    public bool Contains(ulong key) => map.ContainsKey(key);
}

/// <summary>Semantic methods by an Iced enum (<c>Code</c>, <c>Mnemonic</c>), over an <see cref="AddressMap{T}"/>:
/// a Dictionary keyed by an enum is CoreLib code that is not precompiled into UniJit's image.</summary>
public sealed class MethodsBy<TKey> where TKey : unmanaged, Enum
{
    readonly AddressMap<System.Reflection.MethodInfo> map = new(32);

    static ulong Key(TKey k) => (ulong)System.Runtime.CompilerServices.Unsafe.As<TKey, int>(ref k);

    public System.Reflection.MethodInfo this[TKey k]
    {
        get => map[Key(k)];
        set => map[Key(k)] = value;
    }

    public bool TryGetValue(TKey k, out System.Reflection.MethodInfo m) => map.TryGetValue(Key(k), out m);

    public bool ContainsKey(TKey k) => map.ContainsKey(Key(k));
}
