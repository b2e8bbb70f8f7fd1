using System.Text.Json;
using ServiceDesk.Serialization;

namespace ServiceDesk.Core.Tests.Serialization;

public sealed class DefinitionJsonTests
{
    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreAccepted()
    {
        using var document = DefinitionJson.Parse("""
            {
              // a line comment
              "a": [1, 2, /* a block comment */ 3,],
              "b": { "c": true, },
            }
            """, "test");

        Assert.Equal(3, document.RootElement.GetProperty("a").GetArrayLength());
    }

    [Fact]
    public void Parse_DuplicateKeys_EveryOneIsAFaultNamingItsPath()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => DefinitionJson.Parse("""
            { "a": 1, "rules": [ { "name": "x", "when": { "k": 1, "k": 2 } }, { "name": "y", "name": "z" } ], "a": 2 }
            """, "test"));

        Assert.Equal("test", ex.DefinitionName);
        Assert.Equal(
            [
                "$.rules[0].when.k: duplicate field; give each field once.",
                "$.rules[1].name: duplicate field; give each field once.",
                "$.a: duplicate field; give each field once.",
            ],
            ex.Errors);
    }

    [Fact]
    public void Parse_DuplicateKeyWithOddName_QuotesNameInPath()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => DefinitionJson.Parse("""{ "x": { "two words": 1, "two words": 2 } }""", "test"));

        Assert.Equal("$.x['two words']: duplicate field; give each field once.", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Parse_NotJson_IsOneFaultWithLineAndByte()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => DefinitionJson.Parse("{\n  \"a\": nope\n}", "test"));

        Assert.StartsWith("$: not valid JSON (line 2, byte ", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeperThanMaxDepth_IsAFault()
    {
        var json = new string('[', DefinitionJson.MaxDepth + 1) + new string(']', DefinitionJson.MaxDepth + 1);

        var ex = Assert.Throws<InvalidDefinitionException>(() => DefinitionJson.Parse(json, "test"));

        Assert.StartsWith("$: not valid JSON", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_LongString_IsCutByTextPolicy()
    {
        using var document = JsonDocument.Parse("\"" + new string('x', 10_000) + "\"");

        var described = DefinitionJson.Describe(document.RootElement);

        Assert.StartsWith("the string 'xxx", described, StringComparison.Ordinal);
        Assert.Contains("10,000 characters", described, StringComparison.Ordinal);
        Assert.True(described.Length < TextPolicy.MaxEchoLength + 60);
    }

    [Theory]
    [InlineData("{}", "an object")]
    [InlineData("[]", "an array")]
    [InlineData("12.5", "the number 12.5")]
    [InlineData("true", "the boolean true")]
    [InlineData("null", "null")]
    [InlineData("\"P9\"", "the string 'P9'")]
    public void Describe_EachKind_ReadsNaturally(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, DefinitionJson.Describe(document.RootElement));
    }

    [Theory]
    [InlineData("$", "rules", "$.rules")]
    [InlineData("$.a", "with space", "$.a['with space']")]
    [InlineData("$", "", "$['']")]
    public void Field_Name_BuildsPath(string path, string name, string expected)
        => Assert.Equal(expected, DefinitionJson.Field(path, name));

    [Fact]
    public void Item_Index_BuildsPath() => Assert.Equal("$.rules[12]", DefinitionJson.Item("$.rules", 12));
}
