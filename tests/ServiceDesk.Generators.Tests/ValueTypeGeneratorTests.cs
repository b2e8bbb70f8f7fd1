using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ServiceDesk.Generators.Tests;

/// <summary>
/// The generator on its own, outside Core: what it emits compiles cleanly against the two helpers it calls, and an edit
/// that does not touch an annotated type reuses the cached output (the pipeline's values compare by content).
/// </summary>
public sealed class ValueTypeGeneratorTests
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // The helpers of Core that the generated identifiers call, reduced to their signatures.
    private const string Helpers = """
        namespace ServiceDesk
        {
            internal static class Identifier
            {
                public static string Validate(string value, string typeName) => value;

                public static string Text(string? value) => value ?? "(default)";
            }
        }
        """;

    private const string Types = """
        using ServiceDesk.Generators;

        namespace ServiceDesk
        {
            /// <summary>An agent.</summary>
            [StringIdentifier]
            public readonly partial record struct AgentId;

            /// <summary>An impact.</summary>
            [SeverityLevel("impact", "many users", "a department", "one user")]
            public readonly partial record struct Impact;
        }
        """;

    [Fact]
    public void Generate_AnnotatedTypes_CompilesWithoutDiagnosticsAndWritesTheMembers()
    {
        var (output, generated) = Run(Compile(Types, Helpers));

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Equal(
            ["AgentId.g.cs", "Impact.g.cs", "ServiceDesk.Generators.Attributes.g.cs"],
            generated.Select(t => Path.GetFileName(t.FilePath)).Order(StringComparer.Ordinal));

        var agent = output.GetTypeByMetadataName("ServiceDesk.AgentId")!;
        Assert.Equal(
            [".ctor", "IsDefault", "ThrowIfDefault", "ToString", "Value"],
            agent.GetMembers()
                .Where(m => !m.IsImplicitlyDeclared && m is not IMethodSymbol { AssociatedSymbol: not null })
                .Select(m => m.Name)
                .Order(StringComparer.Ordinal));

        var impact = output.GetTypeByMetadataName("ServiceDesk.Impact")!;
        Assert.Contains(impact.Interfaces, i => i.ToDisplayString() == "System.IComparable<ServiceDesk.Impact>");
        Assert.Equal(9, impact.GetMembers("MaxLevel").OfType<IFieldSymbol>().Single().ConstantValue);
        Assert.Contains("A impact level must be between 1 and {MaxLevel}.", generated.Single(t => t.FilePath.EndsWith("Impact.g.cs", StringComparison.Ordinal)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_EditElsewhere_ReusesTheCachedOutput()
    {
        var compilation = Compile(Types, Helpers);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new ValueTypeGenerator().AsSourceGenerator()],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace ServiceDesk { internal static class Unrelated { } }", ParseOptions));
        driver = driver.RunGenerators(edited);

        var outputs = driver.GetRunResult().Results.Single().TrackedOutputSteps
            .SelectMany(step => step.Value)
            .SelectMany(run => run.Outputs)
            .ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step was {o.Reason}"));
    }

    private static CSharpCompilation Compile(params string[] sources)
        => CSharpCompilation.Create(
            "Generated",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)),
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static (Compilation Output, ImmutableArray<SyntaxTree> Generated) Run(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new ValueTypeGenerator());
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        return (output, driver.GetRunResult().GeneratedTrees);
    }
}
