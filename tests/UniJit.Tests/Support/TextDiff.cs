using System.Text;

namespace UniJit.Tests.Support;

/// <summary>A readable account of how two outputs differ: sizes, the first differing line with
/// a few lines of context from both sides, control characters made visible.</summary>
public static class TextDiff
{
    public static string Describe(string what, byte[] expected, byte[] actual, int context = 3, int maxLines = 40)
    {
        if (expected.AsSpan().SequenceEqual(actual)) return "";
        var e = Lines(expected);
        var a = Lines(actual);
        int first = 0;
        while (first < e.Count && first < a.Count && e[first] == a[first]) first++;
        var sb = new StringBuilder();
        sb.AppendLine($"{what} differs: expected {expected.Length} bytes / {e.Count} lines (native), got {actual.Length} bytes / {a.Count} lines (unijit); first difference at line {first + 1}");
        int from = Math.Max(0, first - context);
        int shown = 0;
        for (int i = from; i < first; i++) sb.AppendLine($"    {i + 1,5}  {Visible(e[i])}");
        for (int i = first; i < Math.Min(e.Count, first + context + 1) && shown++ < maxLines; i++) sb.AppendLine($"  - {i + 1,5}  {Visible(e[i])}");
        if (first >= e.Count) sb.AppendLine("  - (end of expected output)");
        for (int i = first; i < Math.Min(a.Count, first + context + 1) && shown++ < maxLines; i++) sb.AppendLine($"  + {i + 1,5}  {Visible(a[i])}");
        if (first >= a.Count) sb.AppendLine("  + (end of actual output)");
        return sb.ToString();
    }

    /// <summary>Splits into lines, keeping a final line without newline distinct from one with.</summary>
    static List<string> Lines(byte[] bytes)
    {
        string s = Encoding.Latin1.GetString(bytes);
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
            if (s[i] == '\n') { lines.Add(s[start..(i + 1)]); start = i + 1; }
        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }

    public static string Visible(string line)
    {
        var sb = new StringBuilder();
        foreach (char c in line)
        {
            if (c == '\n') sb.Append("\\n");
            else if (c == '\t') sb.Append("\\t");
            else if (c == '\\') sb.Append("\\\\");
            else if (c < 0x20 || c >= 0x7F) sb.Append($"\\x{(int)c:x2}");
            else sb.Append(c);
            if (sb.Length > 300) { sb.Append("..."); break; }
        }
        return sb.ToString();
    }
}
