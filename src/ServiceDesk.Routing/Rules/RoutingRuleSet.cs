using System.Collections.Frozen;
using ServiceDesk.Routing.Internal;

namespace ServiceDesk.Routing;

/// <summary>
/// A validated, compiled set of routing rules that decides where a ticket goes, at what priority, under which SLA
/// policy and with which tags, and explains why.
/// </summary>
/// <remarks>
/// <para><b>Order.</b> Rules are evaluated by ascending <see cref="RoutingRule.Order"/>, ties broken by definition
/// position; <see cref="Rules"/> lists them in that order. Names never influence the order.</para>
/// <para><b>Modes.</b> In <see cref="RuleEvaluationMode.FirstMatch"/> the first matching rule decides alone. In
/// <see cref="RuleEvaluationMode.AllMatch"/> every matching rule contributes until one that
/// <see cref="RoutingRule.StopsEvaluation"/>: the first rule to set the group (or tier, priority, SLA policy) wins that
/// value, later ones are reported as overridden in the explanation; priority raises take the most urgent; tags are
/// collected in order without duplicates. The final priority is the set priority (or the ticket's) raised by the
/// raises.</para>
/// <para><b>Compilation.</b> The set is compiled once: ids and categories are interned to integers, enum tests become
/// bit masks, and all keywords of all rules are found in one pass over the subject and description (a phrase dictionary
/// keyed by its first word). An index lists each rule under the value its condition necessarily requires (a category,
/// id or tier, or one of its keywords), so <see cref="Decide"/> evaluates only the rules that can match, in evaluation
/// order, and allocates only the decision and one record per matching rule.</para>
/// <para>This type is immutable and thread-safe; build it once and share it.</para>
/// </remarks>
public sealed partial class RoutingRuleSet
{
    private const int StackKeywordWords = 32;
    private const int StackRuleWords = 64;

    private readonly RoutingRule[] _rules;
    private readonly Node[] _nodes;
    private readonly (string Text, int Id)[][] _ruleKeywords;
    private readonly FrozenDictionary<string, int>[] _dimensions;
    private readonly KeywordTable _keywords;
    private readonly RuleIndex _index;

    internal RoutingRuleSet(RuleEvaluationMode mode, List<RoutingRule> rules)
    {
        Mode = mode;
        _rules = [.. rules.OrderBy(r => r.Order).ThenBy(r => r.Position)];
        var compiler = new RuleCompiler();
        _nodes = [.. _rules.Select(r => r.Condition.Compile(compiler))];
        _keywords = compiler.Keywords.Build();
        _ruleKeywords = [.. _rules.Select(r =>
        {
            var list = new List<string>();
            r.Condition.CollectKeywords(list);
            return list.Distinct(StringComparer.OrdinalIgnoreCase).Select(k => (k, compiler.Keywords.IdOf(k))).ToArray();
        })];
        _dimensions = compiler.FreezeDimensions();
        _index = new RuleIndex(_nodes, [.. _dimensions.Select(d => d.Count)], _keywords.Texts.Length);
    }

    /// <summary>Gets how matching rules combine.</summary>
    public RuleEvaluationMode Mode { get; }

    /// <summary>Gets the rules in evaluation order.</summary>
    public IReadOnlyList<RoutingRule> Rules => _rules;

    /// <summary>Decides the routing of a ticket.</summary>
    /// <param name="ticket">The ticket (usually just opened or changed).</param>
    /// <param name="customerTier">The requester's customer tier (e.g. <c>VIP</c>), if the product knows it; tested by
    /// <see cref="RoutingCondition.CustomerTierIn"/>.</param>
    /// <returns>The decision with its explanation; <see cref="RoutingDecision.IsMatch"/> is <see langword="false"/> when
    /// no rule matched.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public RoutingDecision Decide(Ticket ticket, string? customerTier = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var words = _keywords.WordCount;
        Span<ulong> found = words <= StackKeywordWords ? stackalloc ulong[StackKeywordWords] : new ulong[words];
        found = found[..words];
        found.Clear();
        if (words > 0)
        {
            _keywords.Scan(ticket.Subject, found);
            _keywords.Scan(ticket.Description, found);
        }

        var context = new EvalContext { Ticket = ticket, Keywords = found };
        context.Values[(int)Dimension.Category] = Lookup(Dimension.Category, ticket.Category?.Category);
        context.Values[(int)Dimension.Subcategory] = Lookup(Dimension.Subcategory, ticket.Category?.Subcategory);
        context.Values[(int)Dimension.Service] = Lookup(Dimension.Service, ticket.Service?.Value);
        context.Values[(int)Dimension.ConfigurationItem] = Lookup(Dimension.ConfigurationItem, ticket.ConfigurationItem?.Value);
        context.Values[(int)Dimension.Customer] = Lookup(Dimension.Customer, ticket.Requester.Customer.Value);
        context.Values[(int)Dimension.CustomerTier] = Lookup(Dimension.CustomerTier, customerTier);
        context.Values[(int)Dimension.Contract] = Lookup(Dimension.Contract, ticket.Contract?.Value);
        context.Values[(int)Dimension.Location] = Lookup(Dimension.Location, ticket.Location?.Value);

        Span<ulong> candidates = _index.Words <= StackRuleWords ? stackalloc ulong[StackRuleWords] : new ulong[_index.Words];
        candidates = candidates[.._index.Words];
        _index.Candidates(ref context, candidates);

        var accumulator = new DecisionAccumulator(ticket.Priority);
        for (var w = 0; w < candidates.Length; w++)
        {
            var bits = candidates[w];
            while (bits != 0)
            {
                var i = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (!_nodes[i].Evaluate(ref context))
                {
                    continue;
                }

                var rule = _rules[i];
                accumulator.Apply(rule, FoundKeywords(i, found));
                if (Mode == RuleEvaluationMode.FirstMatch || rule.StopsEvaluation)
                {
                    return accumulator.ToDecision(ticket.Priority, _rules.Length);
                }
            }
        }

        return accumulator.ToDecision(ticket.Priority, _rules.Length);
    }

    /// <summary>Decides the routing by interpreting every rule's condition tree directly, without the compiled form.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="customerTier">The requester's customer tier, if known.</param>
    /// <returns>The same decision as <see cref="Decide"/>, computed the slow way.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    /// <remarks>A reference for tests and benchmarks; use <see cref="Decide"/> in production.</remarks>
    public RoutingDecision DecideInterpreted(Ticket ticket, string? customerTier = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var accumulator = new DecisionAccumulator(ticket.Priority);
        foreach (var rule in _rules)
        {
            if (!rule.Condition.IsSatisfiedBy(ticket, customerTier))
            {
                continue;
            }

            var keywords = new List<string>();
            rule.Condition.CollectKeywords(keywords);
            var present = keywords
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(k => RoutingCondition.HasKeyword(k).IsSatisfiedBy(ticket))
                .ToArray();
            accumulator.Apply(rule, present);
            if (Mode == RuleEvaluationMode.FirstMatch || rule.StopsEvaluation)
            {
                break;
            }
        }

        return accumulator.ToDecision(ticket.Priority, _rules.Length);
    }

    private int Lookup(Dimension dimension, string? value)
    {
        var table = _dimensions[(int)dimension];
        return value is not null && table.Count > 0 && table.TryGetValue(value, out var id) ? id : -1;
    }

    private string[] FoundKeywords(int rule, ReadOnlySpan<ulong> found)
    {
        var keywords = _ruleKeywords[rule];
        if (keywords.Length == 0)
        {
            return [];
        }

        var present = new List<string>(keywords.Length);
        foreach (var (text, id) in keywords)
        {
            if ((found[id >> 6] & (1UL << (id & 63))) != 0)
            {
                present.Add(text);
            }
        }

        return [.. present];
    }
}
