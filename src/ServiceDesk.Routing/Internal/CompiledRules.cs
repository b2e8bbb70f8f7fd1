using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ServiceDesk.Routing.Internal;

/// <summary>The ticket values that conditions compare, interned to small integers once per decision.</summary>
internal enum Dimension
{
    Category = 0,
    Subcategory = 1,
    Service = 2,
    ConfigurationItem = 3,
    Customer = 4,
    CustomerTier = 5,
    Contract = 6,
    Location = 7,
}

[InlineArray(8)]
internal struct DimensionValues
{
    private int _element;
}

/// <summary>Everything a compiled node reads, prepared once per decision.</summary>
internal ref struct EvalContext
{
    public Ticket Ticket;
    public DimensionValues Values;
    public ReadOnlySpan<ulong> Keywords;

    public readonly bool HasKeyword(int id) => (Keywords[id >> 6] & (1UL << (id & 63))) != 0;
}

/// <summary>A necessary condition of a node that an index can test without evaluating it: a dimension value in a set, or
/// any keyword of a set found in the text. <see cref="Kind"/> 0 means "no guard; always evaluate".</summary>
internal readonly record struct Guard(int Kind, Dimension Dimension, int[] Values)
{
    public const int None = 0;
    public const int DimensionValue = 1;
    public const int Keyword = 2;
}

internal abstract class Node
{
    public virtual Guard Guard => default;

    public abstract bool Evaluate(ref EvalContext context);
}

internal sealed class TrueNode : Node
{
    public static readonly TrueNode Instance = new();

    public override bool Evaluate(ref EvalContext context) => true;
}

internal sealed class AllNode(Node[] children) : Node
{
    // Every child is necessary, so the first child with a guard guards the whole conjunction.
    public override Guard Guard => children.Select(c => c.Guard).FirstOrDefault(g => g.Kind != Guard.None);

    public override bool Evaluate(ref EvalContext context)
    {
        foreach (var child in children)
        {
            if (!child.Evaluate(ref context))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class AnyNode(Node[] children) : Node
{
    public override bool Evaluate(ref EvalContext context)
    {
        foreach (var child in children)
        {
            if (child.Evaluate(ref context))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NotNode(Node child) : Node
{
    public override bool Evaluate(ref EvalContext context) => !child.Evaluate(ref context);
}

internal sealed class KindNode(int mask) : Node
{
    public override bool Evaluate(ref EvalContext context) => (mask & (1 << (int)context.Ticket.Kind)) != 0;
}

internal sealed class PriorityNode(int mask) : Node
{
    public override bool Evaluate(ref EvalContext context) => (mask & (1 << (int)context.Ticket.Priority)) != 0;
}

internal sealed class ChannelNode(int mask) : Node
{
    public override bool Evaluate(ref EvalContext context) => (mask & (1 << (int)context.Ticket.Channel)) != 0;
}

internal sealed class DimensionIsNode(Dimension dimension, int id) : Node
{
    public override Guard Guard => new(Guard.DimensionValue, dimension, [id]);

    public override bool Evaluate(ref EvalContext context) => context.Values[(int)dimension] == id;
}

internal sealed class DimensionInNode(Dimension dimension, int[] ids) : Node
{
    private readonly ulong[] _bits = Interner.Bits(ids);

    public override Guard Guard => new(Guard.DimensionValue, dimension, ids);

    public override bool Evaluate(ref EvalContext context)
    {
        var value = context.Values[(int)dimension];
        return value >= 0 && (value >> 6) < _bits.Length && (_bits[value >> 6] & (1UL << (value & 63))) != 0;
    }
}

internal sealed class CategoryNode(int category, int subcategory) : Node
{
    public override Guard Guard => new(Guard.DimensionValue, Dimension.Category, [category]);

    public override bool Evaluate(ref EvalContext context)
        => context.Values[(int)Dimension.Category] == category
            && (subcategory < 0 || context.Values[(int)Dimension.Subcategory] == subcategory);
}

internal sealed class KeywordNode(int[] ids) : Node
{
    public override Guard Guard => new(Guard.Keyword, default, ids);

    public override bool Evaluate(ref EvalContext context)
    {
        foreach (var id in ids)
        {
            if (context.HasKeyword(id))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class PredicateNode(Func<Ticket, bool> predicate) : Node
{
    public override bool Evaluate(ref EvalContext context) => predicate(context.Ticket);
}

/// <summary>Interns the strings of one dimension at compile time.</summary>
internal sealed class Interner(StringComparer comparer)
{
    private readonly Dictionary<string, int> _ids = new(comparer);

    public int Intern(string value)
    {
        if (!_ids.TryGetValue(value, out var id))
        {
            id = _ids.Count;
            _ids.Add(value, id);
        }

        return id;
    }

    public FrozenDictionary<string, int> Freeze() => _ids.ToFrozenDictionary(comparer);

    public static ulong[] Bits(IEnumerable<int> ids)
    {
        var list = ids.ToArray();
        var bits = new ulong[(list.Max() >> 6) + 1];
        foreach (var id in list)
        {
            bits[id >> 6] |= 1UL << (id & 63);
        }

        return bits;
    }
}

/// <summary>Collects interned values and keywords while conditions compile, then freezes them.</summary>
internal sealed class RuleCompiler
{
    private readonly Interner[] _interners =
    [
        new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal),
        new(StringComparer.Ordinal), new(StringComparer.OrdinalIgnoreCase), new(StringComparer.Ordinal), new(StringComparer.Ordinal),
    ];

    public KeywordTableBuilder Keywords { get; } = new();

    public int Intern(Dimension dimension, string value) => _interners[(int)dimension].Intern(value);

    public FrozenDictionary<string, int>[] FreezeDimensions() => [.. _interners.Select(i => i.Freeze())];
}

internal sealed class KeywordTableBuilder
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Text, string[] Words, bool Unspaced)> _keywords = [];

    public int IdOf(string keyword) => _ids[Key(keyword)];

    public int Add(string keyword)
    {
        var words = WordText.Words(keyword);
        var unspaced = WordText.ContainsUnspaced(keyword);
        var key = Key(keyword);
        if (!_ids.TryGetValue(key, out var id))
        {
            id = _keywords.Count;
            _ids.Add(key, id);
            _keywords.Add((key, words, unspaced));
        }

        return id;
    }

    public KeywordTable Build() => new(_keywords);

    private static string Key(string keyword)
        => WordText.ContainsUnspaced(keyword) ? keyword.Trim() : string.Join(' ', WordText.Words(keyword));
}

/// <summary>Finds every keyword of a rule set in a text in one pass over its words.</summary>
internal sealed class KeywordTable
{
    private readonly FrozenDictionary<string, (int Id, string[] Following)[]> _byFirstWord;
    private readonly FrozenDictionary<string, (int Id, string[] Following)[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly (int Id, string Text)[] _unspaced;

    public KeywordTable(List<(string Text, string[] Words, bool Unspaced)> keywords)
    {
        Texts = [.. keywords.Select(k => k.Text)];
        _unspaced = [.. keywords.Select((k, i) => (i, k)).Where(p => p.k.Unspaced).Select(p => (p.i, p.k.Text))];
        _byFirstWord = keywords
            .Select((k, i) => (k, i))
            .Where(p => !p.k.Unspaced)
            .GroupBy(p => p.k.Words[0], StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.Select(p => (p.i, p.k.Words[1..])).OrderBy(p => p.Item2.Length).ToArray(),
                StringComparer.OrdinalIgnoreCase);
        _lookup = _byFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();
        WordCount = (Texts.Length + 63) >> 6;
    }

    public string[] Texts { get; }

    /// <summary>Gets the number of <see cref="ulong"/>s a keyword bit set needs.</summary>
    public int WordCount { get; }

    public void Scan(string text, Span<ulong> found)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (_byFirstWord.Count > 0)
        {
            var span = text.AsSpan();
            var position = 0;
            while (WordText.NextWord(span, ref position, out var start, out var length))
            {
                if (_lookup.TryGetValue(span.Slice(start, length), out var phrases))
                {
                    foreach (var (id, rest) in phrases)
                    {
                        if (rest.Length == 0 || FollowedBy(span, position, rest))
                        {
                            found[id >> 6] |= 1UL << (id & 63);
                        }
                    }
                }
            }
        }

        foreach (var (id, keyword) in _unspaced)
        {
            if (text.Contains(keyword, StringComparison.OrdinalIgnoreCase))
            {
                found[id >> 6] |= 1UL << (id & 63);
            }
        }
    }

    public static int PopCount(ReadOnlySpan<ulong> bits)
    {
        var count = 0;
        foreach (var word in bits)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }

    private static bool FollowedBy(ReadOnlySpan<char> text, int position, string[] rest)
    {
        foreach (var word in rest)
        {
            if (!WordText.NextWord(text, ref position, out var start, out var length)
                || !text.Slice(start, length).Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Finds the rules that can possibly match a ticket: every rule whose root has a guard (a dimension value, or a keyword)
/// is listed under the values that satisfy the guard; rules without a guard are always candidates. A decision then
/// evaluates only the candidates, still in evaluation order.
/// </summary>
internal sealed class RuleIndex
{
    private readonly ulong[] _unguarded;
    private readonly int[][][] _byDimension;
    private readonly int[][] _byKeyword;

    public RuleIndex(Node[] nodes, int[] dimensionSizes, int keywordCount)
    {
        Words = (nodes.Length + 63) >> 6;
        _unguarded = new ulong[Words];
        var byDimension = dimensionSizes.Select(n => Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray()).ToArray();
        var byKeyword = Enumerable.Range(0, keywordCount).Select(_ => new List<int>()).ToArray();
        for (var rule = 0; rule < nodes.Length; rule++)
        {
            var guard = nodes[rule].Guard;
            switch (guard.Kind)
            {
                case Guard.DimensionValue:
                    foreach (var value in guard.Values.Distinct())
                    {
                        byDimension[(int)guard.Dimension][value].Add(rule);
                    }

                    break;
                case Guard.Keyword:
                    foreach (var keyword in guard.Values.Distinct())
                    {
                        byKeyword[keyword].Add(rule);
                    }

                    break;
                default:
                    _unguarded[rule >> 6] |= 1UL << (rule & 63);
                    break;
            }
        }

        _byDimension = [.. byDimension.Select(d => d.Select(l => l.ToArray()).ToArray())];
        _byKeyword = [.. byKeyword.Select(l => l.ToArray())];
    }

    /// <summary>Gets the number of <see cref="ulong"/>s a candidate bit set needs.</summary>
    public int Words { get; }

    public void Candidates(ref EvalContext context, Span<ulong> candidates)
    {
        _unguarded.CopyTo(candidates);
        for (var d = 0; d < _byDimension.Length; d++)
        {
            var value = context.Values[d];
            if (value >= 0 && value < _byDimension[d].Length)
            {
                Set(_byDimension[d][value], candidates);
            }
        }

        var keywords = context.Keywords;
        for (var w = 0; w < keywords.Length; w++)
        {
            var bits = keywords[w];
            while (bits != 0)
            {
                Set(_byKeyword[(w << 6) + BitOperations.TrailingZeroCount(bits)], candidates);
                bits &= bits - 1;
            }
        }
    }

    private static void Set(int[] rules, Span<ulong> candidates)
    {
        foreach (var rule in rules)
        {
            candidates[rule >> 6] |= 1UL << (rule & 63);
        }
    }
}
