using System.Text;
using BenchmarkDotNet.Attributes;

namespace ServiceDesk.Benchmarks.Core;

/// <summary>
/// The text policy check every text of the model passes when it is created (no NUL, no lone surrogate):
/// <see cref="TextPolicy.IsStorable"/> (vectorized search for NUL and surrogates, pairs checked only where one is found)
/// against the naive check a reviewer would write (a UTF-8 round trip and a NUL search), and a per-character loop.
/// </summary>
[MemoryDiagnoser]
public class TextPolicyBenchmarks
{
    private string _text = string.Empty;

    /// <summary>Gets or sets the text's length: a subject (80) or a long description (32,000).</summary>
    [Params(80, 32_000)]
    public int Length { get; set; }

    /// <summary>Gets or sets a value indicating whether one character in forty is an emoji (a surrogate pair); otherwise the
    /// text is plain letters, as most subjects and descriptions are.</summary>
    [Params(false, true)]
    public bool Emoji { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = new StringBuilder(Length + 8);
        var random = new Random(42);
        while (builder.Length < Length)
        {
            builder.Append(Emoji && random.Next(40) == 0 ? "\U0001F600" : ((char)random.Next('a', 'z' + 1)).ToString());
        }

        _text = builder.ToString(0, Length - (char.IsHighSurrogate(builder[Length - 1]) ? 1 : 0));
    }

    [Benchmark(Baseline = true)]
    public bool Utf8RoundTrip()
        => !_text.Contains('\0', StringComparison.Ordinal)
            && string.Equals(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(_text)), _text, StringComparison.Ordinal);

    [Benchmark]
    public bool PerCharacterLoop()
    {
        var text = _text;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return false;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    [Benchmark]
    public bool TextPolicyIsStorable() => TextPolicy.IsStorable(_text);
}
