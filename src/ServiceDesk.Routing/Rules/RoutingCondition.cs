using System.Globalization;
using System.Text;
using System.Text.Json;
using NodaTime.Text;
using ServiceDesk.Routing.Internal;

namespace ServiceDesk.Routing;

/// <summary>
/// A condition over a ticket that a <see cref="RoutingRule"/> tests: a ticket property, keywords in the text, a custom
/// attribute, or a combination with <see cref="All"/>, <see cref="Any"/> and <see cref="Not"/>.
/// </summary>
/// <remarks>
/// <para>Create conditions with the static factories. Each factory validates its arguments at once and throws naming
/// the argument, the bad value and the valid range. Conditions are immutable and thread-safe; share them freely.</para>
/// <para>Identifiers, categories and attribute strings compare ordinally and case-sensitively, as everywhere in
/// ServiceDesk.Core; customer tiers and keywords compare case-insensitively.</para>
/// <para>Inside a <see cref="RoutingRuleSet"/> conditions are compiled once (values interned, all keywords found in one
/// pass over the text); <see cref="IsSatisfiedBy"/> interprets the tree directly instead and always gives the same
/// answer, which makes it the reference implementation for tests.</para>
/// </remarks>
public abstract class RoutingCondition
{
    /// <summary>The maximum nesting depth of <see cref="All"/>, <see cref="Any"/> and <see cref="Not"/>: 32.</summary>
    public const int MaxDepth = 32;

    /// <summary>The maximum length of a keyword: 100 characters.</summary>
    public const int MaxKeywordLength = 100;

    /// <summary>The maximum length of a customer tier name: 64 characters.</summary>
    public const int MaxTierLength = 64;

    private protected RoutingCondition(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentOutOfRangeException(
                nameof(depth), depth, $"Conditions may be nested at most {MaxDepth} levels deep; this one is {depth}.");
        }

        Depth = depth;
    }

    /// <summary>Gets a condition that every ticket satisfies (a catch-all rule).</summary>
    public static RoutingCondition Always { get; } = new AlwaysCondition();

    internal int Depth { get; }

    /// <summary>Creates a condition that holds when every one of <paramref name="conditions"/> holds.</summary>
    /// <param name="conditions">One or more conditions, evaluated in order with short-circuit.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conditions"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="conditions"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The result would be nested deeper than <see cref="MaxDepth"/>.</exception>
    public static RoutingCondition All(params RoutingCondition[] conditions) => new GroupCondition(true, Children(conditions));

    /// <summary>Creates a condition that holds when at least one of <paramref name="conditions"/> holds.</summary>
    /// <param name="conditions">One or more conditions, evaluated in order with short-circuit.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conditions"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="conditions"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The result would be nested deeper than <see cref="MaxDepth"/>.</exception>
    public static RoutingCondition Any(params RoutingCondition[] conditions) => new GroupCondition(false, Children(conditions));

    /// <summary>Creates a condition that holds when <paramref name="condition"/> does not.</summary>
    /// <param name="condition">The condition to negate.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="condition"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The result would be nested deeper than <see cref="MaxDepth"/>.</exception>
    public static RoutingCondition Not(RoutingCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new NotCondition(condition);
    }

    /// <summary>Creates a condition on the ticket's <see cref="Ticket.Kind"/>.</summary>
    /// <param name="kinds">One or more kinds; the condition holds for any of them.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="kinds"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="kinds"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A kind is not defined.</exception>
    public static RoutingCondition KindIn(params TicketKind[] kinds) => new EnumCondition<TicketKind>(EnumField.Kind, kinds);

    /// <summary>Creates a condition on the ticket's <see cref="Ticket.Priority"/>.</summary>
    /// <param name="priorities">One or more priorities; the condition holds for any of them.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="priorities"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="priorities"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A priority is not defined.</exception>
    public static RoutingCondition PriorityIn(params Priority[] priorities) => new EnumCondition<Priority>(EnumField.Priority, priorities);

    /// <summary>Creates a condition that holds when the ticket's priority is <paramref name="priority"/> or more urgent.</summary>
    /// <param name="priority">The least urgent priority that satisfies the condition.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not defined.</exception>
    public static RoutingCondition PriorityAtLeast(Priority priority)
    {
        if (!Enum.IsDefined(priority))
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "Use a defined Priority, P1Critical to P5Planning.");
        }

        return new PriorityAtLeastCondition(priority);
    }

    /// <summary>Creates a condition on the ticket's <see cref="Ticket.Channel"/>.</summary>
    /// <param name="channels">One or more channels; the condition holds for any of them.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="channels"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A channel is not defined.</exception>
    public static RoutingCondition ChannelIn(params Channel[] channels) => new EnumCondition<Channel>(EnumField.Channel, channels);

    /// <summary>Creates a condition on the ticket's <see cref="Ticket.Category"/>.</summary>
    /// <param name="category">The category, compared ordinally.</param>
    /// <param name="subcategory">The subcategory, or <see langword="null"/> to accept any subcategory (or none).</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="category"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A part is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A part is longer than <see cref="TicketCategory.MaxLength"/>.</exception>
    public static RoutingCondition CategoryIs(string category, string? subcategory = null)
        => new CategoryCondition(new TicketCategory(category, subcategory));

    /// <summary>Creates a condition on the ticket's affected <see cref="Ticket.Service"/>.</summary>
    /// <param name="services">One or more services; the condition holds for any of them.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="services"/> is empty or holds a default id.</exception>
    public static RoutingCondition ServiceIn(params ServiceId[] services)
        => new IdCondition(Dimension.Service, Ids(services, s => s.Value), "service");

    /// <summary>Creates a condition on the ticket's <see cref="Ticket.ConfigurationItem"/>.</summary>
    /// <param name="items">One or more configuration items; the condition holds for any of them.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="items"/> is empty or holds a default id.</exception>
    public static RoutingCondition ConfigurationItemIn(params ConfigurationItemId[] items)
        => new IdCondition(Dimension.ConfigurationItem, Ids(items, s => s.Value), "configuration item");

    /// <summary>Creates a condition on the requester's customer (<see cref="Requester.Customer"/>).</summary>
    /// <param name="customers">One or more customers; the condition holds for any of them.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="customers"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="customers"/> is empty or holds a default id.</exception>
    public static RoutingCondition CustomerIn(params CustomerId[] customers)
        => new IdCondition(Dimension.Customer, Ids(customers, s => s.Value), "customer");

    /// <summary>Creates a condition on the customer's tier (such as <c>VIP</c>), which the caller passes to
    /// <see cref="RoutingRuleSet.Decide"/>; compared case-insensitively.</summary>
    /// <param name="tiers">One or more tier names, 1 to 64 characters each.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tiers"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tiers"/> is empty, or a name is blank or longer than 64 characters.</exception>
    public static RoutingCondition CustomerTierIn(params string[] tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        foreach (var tier in tiers)
        {
            ArgumentNullException.ThrowIfNull(tier, nameof(tiers));
            if (string.IsNullOrWhiteSpace(tier) || tier.Length > MaxTierLength)
            {
                throw new ArgumentException($"A customer tier must be 1 to {MaxTierLength} characters and not blank; got {TextPolicy.Echo(tier)}.", nameof(tiers));
            }
        }

        return new IdCondition(Dimension.CustomerTier, NonEmpty(tiers, nameof(tiers)), "customer tier");
    }

    /// <summary>Creates a condition on the ticket's <see cref="Ticket.Contract"/>.</summary>
    /// <param name="contracts">One or more contracts; the condition holds for any of them.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="contracts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="contracts"/> is empty or holds a default id.</exception>
    public static RoutingCondition ContractIn(params ContractId[] contracts)
        => new IdCondition(Dimension.Contract, Ids(contracts, s => s.Value), "contract");

    /// <summary>Creates a condition on the ticket's <see cref="Ticket.Location"/>.</summary>
    /// <param name="locations">One or more locations; the condition holds for any of them.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="locations"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="locations"/> is empty or holds a default id.</exception>
    public static RoutingCondition LocationIn(params LocationId[] locations)
        => new IdCondition(Dimension.Location, Ids(locations, s => s.Value), "location");

    /// <summary>
    /// Creates a condition that holds when the subject or the description contains any of <paramref name="keywords"/>
    /// as whole words, case-insensitively, in any language.
    /// </summary>
    /// <param name="keywords">One or more keywords or phrases (e.g. <c>vpn</c>, <c>disk full</c>, <c>принтер</c>), 1 to
    /// 100 characters, each with at least one letter or digit.</param>
    /// <returns>The condition.</returns>
    /// <remarks>
    /// <para>A word is a maximal run of letters, digits, combining marks and <c>_</c>; everything else separates words.
    /// A phrase matches its words in sequence with any separators between them (<c>disk full</c> matches
    /// <c>Disk-full</c>), within the subject or within the description. <c>VPN</c> matches <c>vpn down</c> but not
    /// <c>vpnclient</c>. Case folding is the invariant simple mapping of
    /// <see cref="StringComparison.OrdinalIgnoreCase"/>, so it works for Latin, Cyrillic, Greek and other cased scripts
    /// but does not fold <c>ß</c> to <c>ss</c>.</para>
    /// <para>Scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) have no word boundaries:
    /// a keyword containing such a character matches wherever its text occurs.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="keywords"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keywords"/> is empty, or a keyword has no letter or digit or is
    /// longer than 100 characters.</exception>
    public static RoutingCondition HasKeyword(params string[] keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        foreach (var keyword in keywords)
        {
            ArgumentNullException.ThrowIfNull(keyword, nameof(keywords));
            if (keyword.Length > MaxKeywordLength || WordText.Words(keyword).Length == 0)
            {
                throw new ArgumentException(
                    $"A keyword must be 1 to {MaxKeywordLength} characters with at least one letter or digit; got {TextPolicy.Echo(keyword)}.", nameof(keywords));
            }
        }

        return new KeywordCondition(NonEmpty(keywords, nameof(keywords)));
    }

    /// <summary>Creates a condition that holds when the ticket has the custom attribute <paramref name="key"/>.</summary>
    /// <param name="key">The attribute key.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a valid attribute key.</exception>
    public static RoutingCondition HasAttribute(string key) => new AttributeCondition(ValidKey(key), null, default);

    /// <summary>Creates a condition comparing the ticket's custom attribute <paramref name="key"/> with <paramref name="value"/>.</summary>
    /// <param name="key">The attribute key.</param>
    /// <param name="comparison">How to compare; see <see cref="AttributeOperator"/> for the rules per kind.</param>
    /// <param name="value">The value to compare with; not the default value.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is invalid, <paramref name="value"/> is the default
    /// value, or an ordering comparison is used with a string or Boolean value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="comparison"/> is not defined.</exception>
    public static RoutingCondition AttributeIs(string key, AttributeOperator comparison, AttributeValue value)
    {
        ValidKey(key);
        if (!Enum.IsDefined(comparison))
        {
            throw new ArgumentOutOfRangeException(nameof(comparison), comparison, $"Use one of {string.Join(", ", Enum.GetNames<AttributeOperator>())}.");
        }

        if (value.Kind == 0)
        {
            throw new ArgumentException("default(AttributeValue) is not a value; use AttributeValue.From….", nameof(value));
        }

        if (comparison is not (AttributeOperator.Equal or AttributeOperator.NotEqual) && value.Kind is AttributeKind.String or AttributeKind.Boolean)
        {
            throw new ArgumentException($"{comparison} needs a number, instant or date; a {value.Kind} supports only Equal and NotEqual.", nameof(comparison));
        }

        return new AttributeCondition(key, comparison, value);
    }

    /// <summary>Interprets the condition directly against a ticket, without compiling it.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="customerTier">The requester's customer tier (e.g. <c>VIP</c>), if known.</param>
    /// <returns><see langword="true"/> when the ticket satisfies the condition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    /// <remarks>Slower than a compiled <see cref="RoutingRuleSet"/> (it re-reads the text for every keyword condition) and
    /// always consistent with it.</remarks>
    public bool IsSatisfiedBy(Ticket ticket, string? customerTier = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return Interpret(ticket, customerTier);
    }

    /// <summary>Returns a readable description such as <c>all(priority in [P1Critical], keyword in ["vpn"])</c>.</summary>
    /// <returns>The description, used in decision explanations.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Describe(builder);
        return builder.ToString();
    }

    internal abstract bool Interpret(Ticket ticket, string? tier);

    internal abstract Node Compile(RuleCompiler compiler);

    internal abstract void Describe(StringBuilder builder);

    /// <summary>Writes the condition object in the format <see cref="RoutingRuleSet.FromJson(string)"/> reads.</summary>
    internal abstract void WriteJson(Utf8JsonWriter writer);

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    internal virtual void CollectKeywords(List<string> keywords)
    {
    }

    private static RoutingCondition[] Children(RoutingCondition[] conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        foreach (var condition in conditions)
        {
            ArgumentNullException.ThrowIfNull(condition, nameof(conditions));
        }

        return NonEmpty(conditions, nameof(conditions));
    }

    private static T[] NonEmpty<T>(T[] values, string paramName)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException("At least one value is required.", paramName);
        }

        return [.. values];
    }

    private static string[] Ids<T>(T[] ids, Func<T, string?> value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(ids))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(ids, paramName);
        var values = new string[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            values[i] = value(ids[i]) ?? throw new ArgumentException($"default({typeof(T).Name}) identifies nothing.", paramName);
        }

        return NonEmpty(values, paramName!);
    }

    private static string ValidKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        // Reuse Core's validation of attribute keys so the rules are identical.
        _ = CustomAttributes.Empty.With(key, AttributeValue.FromBoolean(true));
        return key;
    }

    private static void List(StringBuilder builder, IEnumerable<string> values, bool quote)
    {
        builder.Append('[');
        var first = true;
        foreach (var value in values)
        {
            builder.Append(first ? string.Empty : ", ");
            if (quote)
            {
                builder.Append('"').Append(value).Append('"');
            }
            else
            {
                builder.Append(value);
            }

            first = false;
        }

        builder.Append(']');
    }

    private sealed class AlwaysCondition() : RoutingCondition(1)
    {
        internal override bool Interpret(Ticket ticket, string? tier) => true;

        internal override Node Compile(RuleCompiler compiler) => TrueNode.Instance;

        internal override void Describe(StringBuilder builder) => builder.Append("always");

        internal override void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteBoolean("always", true);
            writer.WriteEndObject();
        }
    }

    private sealed class GroupCondition(bool all, RoutingCondition[] children)
        : RoutingCondition(children.Max(c => c.Depth) + 1)
    {
        internal override bool Interpret(Ticket ticket, string? tier)
        {
            foreach (var child in children)
            {
                if (child.Interpret(ticket, tier) != all)
                {
                    return !all;
                }
            }

            return all;
        }

        internal override Node Compile(RuleCompiler compiler)
        {
            var nodes = children.Select(c => c.Compile(compiler)).ToArray();
            return nodes.Length == 1 ? nodes[0] : all ? new AllNode(nodes) : new AnyNode(nodes);
        }

        internal override void Describe(StringBuilder builder)
        {
            builder.Append(all ? "all(" : "any(");
            for (var i = 0; i < children.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(", ");
                }

                children[i].Describe(builder);
            }

            builder.Append(')');
        }

        internal override void CollectKeywords(List<string> keywords)
        {
            foreach (var child in children)
            {
                child.CollectKeywords(keywords);
            }
        }

        internal override void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartArray(all ? "all" : "any");
            foreach (var child in children)
            {
                child.WriteJson(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }

    private sealed class NotCondition(RoutingCondition child) : RoutingCondition(child.Depth + 1)
    {
        internal override bool Interpret(Ticket ticket, string? tier) => !child.Interpret(ticket, tier);

        internal override Node Compile(RuleCompiler compiler) => new NotNode(child.Compile(compiler));

        internal override void Describe(StringBuilder builder)
        {
            builder.Append("not(");
            child.Describe(builder);
            builder.Append(')');
        }

        // Keywords under a negation never explain a match, so they are not collected.
        internal override void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("not");
            child.WriteJson(writer);
            writer.WriteEndObject();
        }
    }

    private enum EnumField
    {
        Kind,
        Priority,
        Channel,
    }

    private sealed class EnumCondition<TEnum> : RoutingCondition
        where TEnum : struct, Enum
    {
        private readonly EnumField _field;
        private readonly TEnum[] _values;
        private readonly int _mask;

        public EnumCondition(EnumField field, TEnum[] values)
            : base(1)
        {
            ArgumentNullException.ThrowIfNull(values);
            foreach (var value in values)
            {
                if (!Enum.IsDefined(value))
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(values), value, $"{value} is not a defined {typeof(TEnum).Name}; valid values are {string.Join(", ", Enum.GetNames<TEnum>())}.");
                }

                _mask |= 1 << Convert.ToInt32(value, CultureInfo.InvariantCulture);
            }

            _field = field;
            _values = NonEmpty(values.Distinct().ToArray(), nameof(values));
        }

        internal override bool Interpret(Ticket ticket, string? tier)
        {
            var actual = _field switch
            {
                EnumField.Kind => (int)ticket.Kind,
                EnumField.Priority => (int)ticket.Priority,
                _ => (int)ticket.Channel,
            };
            foreach (var value in _values)
            {
                if (Convert.ToInt32(value, CultureInfo.InvariantCulture) == actual)
                {
                    return true;
                }
            }

            return false;
        }

        internal override Node Compile(RuleCompiler compiler) => _field switch
        {
            EnumField.Kind => new KindNode(_mask),
            EnumField.Priority => new PriorityNode(_mask),
            _ => new ChannelNode(_mask),
        };

        internal override void Describe(StringBuilder builder)
        {
            builder.Append(_field switch { EnumField.Kind => "kind", EnumField.Priority => "priority", _ => "channel" }).Append(" in ");
            List(builder, _values.Select(v => v.ToString()), quote: false);
        }

        internal override void WriteJson(Utf8JsonWriter writer)
            => WriteStrings(writer, _field switch { EnumField.Kind => "kind", EnumField.Priority => "priority", _ => "channel" }, _values.Select(v => v.ToString()));
    }

    private sealed class PriorityAtLeastCondition(Priority priority) : RoutingCondition(1)
    {
        internal override bool Interpret(Ticket ticket, string? tier) => ticket.Priority <= priority;

        internal override Node Compile(RuleCompiler compiler)
            => new PriorityNode(((1 << ((int)priority + 1)) - 1) & ~1);

        internal override void Describe(StringBuilder builder) => builder.Append("priority at least ").Append(priority);

        internal override void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteString("priorityAtLeast", priority.ToString());
            writer.WriteEndObject();
        }
    }

    private sealed class CategoryCondition(TicketCategory category) : RoutingCondition(1)
    {
        internal override bool Interpret(Ticket ticket, string? tier)
            => ticket.Category is { } actual
                && string.Equals(actual.Category, category.Category, StringComparison.Ordinal)
                && (category.Subcategory is null || string.Equals(actual.Subcategory, category.Subcategory, StringComparison.Ordinal));

        internal override Node Compile(RuleCompiler compiler)
            => new CategoryNode(
                compiler.Intern(Dimension.Category, category.Category),
                category.Subcategory is null ? -1 : compiler.Intern(Dimension.Subcategory, category.Subcategory));

        internal override void Describe(StringBuilder builder) => builder.Append("category = \"").Append(category).Append('"');

        internal override void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteString("category", category.Category);
            if (category.Subcategory is { } subcategory)
            {
                writer.WriteString("subcategory", subcategory);
            }

            writer.WriteEndObject();
        }
    }

    private sealed class IdCondition(Dimension dimension, string[] values, string label) : RoutingCondition(1)
    {
        private readonly StringComparer _comparer = dimension == Dimension.CustomerTier ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        internal override bool Interpret(Ticket ticket, string? tier)
        {
            var actual = dimension switch
            {
                Dimension.Service => ticket.Service?.Value,
                Dimension.ConfigurationItem => ticket.ConfigurationItem?.Value,
                Dimension.Customer => ticket.Requester.Customer.Value,
                Dimension.CustomerTier => tier,
                Dimension.Contract => ticket.Contract?.Value,
                _ => ticket.Location?.Value,
            };
            return actual is not null && values.Contains(actual, _comparer);
        }

        internal override Node Compile(RuleCompiler compiler)
        {
            var ids = values.Select(v => compiler.Intern(dimension, v)).Distinct().ToArray();
            return ids.Length == 1 ? new DimensionIsNode(dimension, ids[0]) : new DimensionInNode(dimension, ids);
        }

        internal override void Describe(StringBuilder builder)
        {
            builder.Append(label).Append(" in ");
            List(builder, values, quote: true);
        }

        internal override void WriteJson(Utf8JsonWriter writer) => WriteStrings(writer, dimension switch
        {
            Dimension.Service => "service",
            Dimension.ConfigurationItem => "configurationItem",
            Dimension.Customer => "customer",
            Dimension.CustomerTier => "customerTier",
            Dimension.Contract => "contract",
            _ => "location",
        }, values);
    }

    private sealed class KeywordCondition(string[] keywords) : RoutingCondition(1)
    {
        internal override bool Interpret(Ticket ticket, string? tier)
        {
            // Deliberately naive: split the texts into words again for every condition.
            var subject = WordText.Words(ticket.Subject);
            var description = WordText.Words(ticket.Description);
            foreach (var keyword in keywords)
            {
                if (WordText.ContainsUnspaced(keyword))
                {
                    var text = keyword.Trim();
                    if (ticket.Subject.Contains(text, StringComparison.OrdinalIgnoreCase)
                        || ticket.Description.Contains(text, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }

                    continue;
                }

                var words = WordText.Words(keyword);
                if (ContainsSequence(subject, words) || ContainsSequence(description, words))
                {
                    return true;
                }
            }

            return false;
        }

        internal override Node Compile(RuleCompiler compiler)
            => new KeywordNode([.. keywords.Select(compiler.Keywords.Add).Distinct()]);

        internal override void Describe(StringBuilder builder)
        {
            builder.Append("keyword in ");
            List(builder, keywords, quote: true);
        }

        internal override void CollectKeywords(List<string> list) => list.AddRange(keywords);

        internal override void WriteJson(Utf8JsonWriter writer) => WriteStrings(writer, "keywords", keywords);

        private static bool ContainsSequence(string[] text, string[] words)
        {
            for (var i = 0; i + words.Length <= text.Length; i++)
            {
                var j = 0;
                while (j < words.Length && string.Equals(text[i + j], words[j], StringComparison.OrdinalIgnoreCase))
                {
                    j++;
                }

                if (j == words.Length)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class AttributeCondition(string key, AttributeOperator? comparison, AttributeValue value) : RoutingCondition(1)
    {
        internal override bool Interpret(Ticket ticket, string? tier) => Test(ticket);

        internal override Node Compile(RuleCompiler compiler) => new PredicateNode(Test);

        internal override void Describe(StringBuilder builder)
        {
            builder.Append("attribute ").Append(key);
            if (comparison is null)
            {
                builder.Append(" exists");
                return;
            }

            builder.Append(' ').Append(comparison switch
            {
                AttributeOperator.Equal => "=",
                AttributeOperator.NotEqual => "!=",
                AttributeOperator.Less => "<",
                AttributeOperator.LessOrEqual => "<=",
                AttributeOperator.Greater => ">",
                _ => ">=",
            }).Append(' ');
            if (value.Kind == AttributeKind.String)
            {
                builder.Append('"').Append(value.ToString()).Append('"');
            }
            else
            {
                builder.Append(value.ToString());
            }
        }

        internal override void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("attribute");
            writer.WriteString("key", key);
            if (comparison is { } op)
            {
                writer.WriteString("op", op switch
                {
                    AttributeOperator.Equal => "eq",
                    AttributeOperator.NotEqual => "ne",
                    AttributeOperator.Less => "lt",
                    AttributeOperator.LessOrEqual => "le",
                    AttributeOperator.Greater => "gt",
                    _ => "ge",
                });
                switch (value.Kind)
                {
                    case AttributeKind.String:
                        writer.WriteString("value", value.AsString());
                        break;
                    case AttributeKind.Integer:
                        writer.WriteNumber("value", value.AsInteger());
                        break;
                    case AttributeKind.Decimal:
                        writer.WriteNumber("value", value.AsDecimal());
                        break;
                    case AttributeKind.Boolean:
                        writer.WriteBoolean("value", value.AsBoolean());
                        break;
                    case AttributeKind.Instant:
                        writer.WriteString("value", InstantPattern.ExtendedIso.Format(value.AsInstant()));
                        writer.WriteString("type", "instant");
                        break;
                    default:
                        writer.WriteString("value", LocalDatePattern.Iso.Format(value.AsDate()));
                        writer.WriteString("type", "date");
                        break;
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        private bool Test(Ticket ticket)
        {
            if (!ticket.Attributes.TryGetValue(key, out var actual))
            {
                return false;
            }

            if (comparison is not { } op)
            {
                return true;
            }

            if (Compare(actual, value) is not { } order)
            {
                return false;
            }

            return op switch
            {
                AttributeOperator.Equal => order == 0,
                AttributeOperator.NotEqual => order != 0,
                AttributeOperator.Less => order < 0,
                AttributeOperator.LessOrEqual => order <= 0,
                AttributeOperator.Greater => order > 0,
                _ => order >= 0,
            };
        }

        private static int? Compare(AttributeValue actual, AttributeValue expected)
        {
            static decimal? Number(AttributeValue v) => v.Kind switch
            {
                AttributeKind.Integer => v.AsInteger(),
                AttributeKind.Decimal => v.AsDecimal(),
                _ => null,
            };

            if (Number(actual) is { } a && Number(expected) is { } b)
            {
                return a.CompareTo(b);
            }

            if (actual.Kind != expected.Kind)
            {
                return null;
            }

            return actual.Kind switch
            {
                AttributeKind.String => string.Equals(actual.AsString(), expected.AsString(), StringComparison.Ordinal) ? 0 : 1,
                AttributeKind.Boolean => actual.AsBoolean() == expected.AsBoolean() ? 0 : 1,
                AttributeKind.Instant => actual.AsInstant().CompareTo(expected.AsInstant()),
                AttributeKind.Date => actual.AsDate().CompareTo(expected.AsDate()),
                _ => null,
            };
        }
    }
}
