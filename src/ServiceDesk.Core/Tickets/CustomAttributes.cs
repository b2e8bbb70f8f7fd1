using System.Collections;
using System.Collections.Frozen;

namespace ServiceDesk;

/// <summary>The custom attributes of a ticket: typed values by key, bounded in number and size.</summary>
/// <remarks>
/// <para>Keys are 1 to <see cref="MaxKeyLength"/> characters of ASCII letters, digits, <c>_</c>, <c>-</c> and <c>.</c>,
/// starting with a letter; they are compared ordinally. At most <see cref="MaxCount"/> attributes per ticket; string
/// values are limited to <see cref="AttributeValue.MaxStringLength"/> characters.</para>
/// <para>Immutable and thread-safe: <see cref="With"/> and <see cref="Without"/> return new instances. Equality is by
/// value: the same keys with equal values, in any order.</para>
/// </remarks>
public sealed class CustomAttributes : IReadOnlyDictionary<string, AttributeValue>, IEquatable<CustomAttributes>
{
    /// <summary>The maximum number of attributes on a ticket: 64.</summary>
    public const int MaxCount = 64;

    /// <summary>The maximum length of a key: 64.</summary>
    public const int MaxKeyLength = 64;

    private readonly FrozenDictionary<string, AttributeValue> _values;

    private CustomAttributes(FrozenDictionary<string, AttributeValue> values) => _values = values;

    /// <summary>Gets the empty set of attributes.</summary>
    public static CustomAttributes Empty { get; } = new(FrozenDictionary<string, AttributeValue>.Empty);

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc />
    public IEnumerable<AttributeValue> Values => _values.Values;

    /// <inheritdoc />
    public AttributeValue this[string key] => _values[key];

    /// <summary>Returns a copy with <paramref name="key"/> set to <paramref name="value"/> (added or replaced).</summary>
    /// <param name="key">The key: 1 to 64 ASCII letters, digits, <c>_</c>, <c>-</c> or <c>.</c>, starting with a letter.</param>
    /// <param name="value">The value; must not be the default value.</param>
    /// <returns>The new attributes.</returns>
    /// <exception cref="ArgumentException">The key is malformed or the value is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Adding would exceed 64 attributes.</exception>
    public CustomAttributes With(string key, AttributeValue value)
    {
        ValidateKey(key);
        if (value.Kind == 0)
        {
            throw new ArgumentException("default(AttributeValue) is not a value; use AttributeValue.From….", nameof(value));
        }

        if (!_values.ContainsKey(key) && _values.Count >= MaxCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(key), key, $"A ticket can have at most {MaxCount} custom attributes; adding {TextPolicy.Echo(key)} would make {MaxCount + 1}.");
        }

        var copy = new Dictionary<string, AttributeValue>(_values, StringComparer.Ordinal) { [key] = value };
        return new CustomAttributes(copy.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>Returns a copy without <paramref name="key"/> (the same instance when the key is absent).</summary>
    /// <param name="key">The key to remove.</param>
    /// <returns>The new attributes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public CustomAttributes Without(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_values.ContainsKey(key))
        {
            return this;
        }

        var copy = new Dictionary<string, AttributeValue>(_values, StringComparer.Ordinal);
        copy.Remove(key);
        return new CustomAttributes(copy.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out AttributeValue value) => _values.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, AttributeValue>> GetEnumerator()
        => ((IEnumerable<KeyValuePair<string, AttributeValue>>)_values).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(CustomAttributes? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach (var (key, value) in _values)
        {
            if (!other._values.TryGetValue(key, out var theirs) || !value.Equals(theirs))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CustomAttributes);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        // Order-independent: XOR of the entries' hashes.
        var hash = Count;
        foreach (var (key, value) in _values)
        {
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), value);
        }

        return hash;
    }

    internal static string ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ok = key.Length is > 0 and <= MaxKeyLength && char.IsAsciiLetter(key[0]);
        for (var i = 0; ok && i < key.Length; i++)
        {
            var c = key[i];
            ok = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"{TextPolicy.Echo(key)} is not a valid attribute key: use 1 to {MaxKeyLength} ASCII letters, digits, '_', '-' or '.', starting with a letter.",
                nameof(key));
        }

        return key;
    }
}
