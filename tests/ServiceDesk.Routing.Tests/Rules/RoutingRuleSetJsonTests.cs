using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests.Rules;

public class RoutingRuleSetJsonTests
{
    private const string Valid = """
        {
          // comments and trailing commas are allowed
          "mode": "allMatch",
          "rules": [
            {
              "name": "vip-outage", "order": -10,
              "when": { "all": [ { "customerTier": "VIP" }, { "keywords": ["outage", "down", "не работает"] } ] },
              "then": { "group": "major-incidents", "tier": "secondLine", "raisePriority": 1, "slaPolicy": "vip", "tags": ["vip"], "stop": true }
            },
            {
              "name": "network",
              "when": { "any": [ { "category": "Network", "subcategory": "VPN" }, { "keywords": "vpn" } ] },
              "then": { "group": "network", "tier": "SecondLine", "tags": "network" }
            },
            {
              "name": "mail",
              "when": { "all": [
                { "service": ["svc-mail"] }, { "kind": ["Incident", "ServiceRequest"] }, { "priority": ["P2High", 3] },
                { "channel": "email" }, { "not": { "location": "lab" } }, { "customer": "acme" }, { "contract": "gold" },
                { "configurationItem": "ci-1" }, { "priorityAtLeast": "P3Moderate" },
                { "attribute": { "key": "seats", "op": "ge", "value": 10 } },
                { "attribute": { "key": "vip" } },
                { "attribute": { "key": "since", "op": "lt", "value": "2030-01-01T00:00:00Z", "type": "instant" } }
              ] },
              "then": { "group": "messaging", "priority": "P2High" }
            },
            { "name": "rest", "order": 100, "when": { "always": true }, "then": { "tier": "firstLine", "tags": ["triage"] } },
          ],
        }
        """;

    [Fact]
    public void FromJson_ValidDocument_BuildsEquivalentRules()
    {
        var rules = RoutingRuleSet.FromJson(Valid);

        Assert.Equal(RuleEvaluationMode.AllMatch, rules.Mode);
        Assert.Equal(["vip-outage", "network", "mail", "rest"], rules.Rules.Select(r => r.Name));
        var vip = rules.Rules[0];
        Assert.Equal(new GroupId("major-incidents"), vip.Group);
        Assert.Equal(SupportTier.SecondLine, vip.Tier);
        Assert.Equal(Priority.P1Critical, vip.RaisePriorityTo);
        Assert.True(vip.StopsEvaluation);

        var decision = rules.Decide(Ticket("Почта НЕ РАБОТАЕТ"), "vip");
        Assert.Equal(["vip-outage"], decision.Matches.Select(m => m.Rule.Name));
        Assert.Equal(["не работает"], decision.Matches[0].FoundKeywords);

        var mail = Ticket(t => t with
        {
            Subject = "Mailbox full",
            Channel = Channel.Email,
            Priority = Priority.P3Moderate,
            Service = new ServiceId("svc-mail"),
            Contract = new ContractId("gold"),
            ConfigurationItem = new ConfigurationItemId("ci-1"),
            Requester = new Requester(new CustomerId("acme"), "Ann"),
            Attributes = CustomAttributes.Empty
                .With("seats", AttributeValue.FromInteger(12))
                .With("vip", AttributeValue.FromBoolean(false))
                .With("since", AttributeValue.FromInstant(T0)),
        });
        var mailDecision = rules.Decide(mail);
        Assert.Equal(["mail", "rest"], mailDecision.Matches.Select(m => m.Rule.Name));
        Assert.Equal(Priority.P2High, mailDecision.Priority);
        Assert.Equal(new GroupId("messaging"), mailDecision.Group);
        Assert.Equal(SupportTier.FirstLine, mailDecision.Tier);
    }

    [Fact]
    public void ToJson_EveryConditionAndAction_RoundTrips()
    {
        var rules = RoutingRuleSet.FromJson(Valid);

        var json = rules.ToJson(indented: true);
        var back = RoutingRuleSet.FromJson(json);

        Assert.Equal(json, back.ToJson(indented: true));
        Assert.Equal(rules.Rules.Select(r => r.ToString()), back.Rules.Select(r => r.ToString()));
        Assert.Contains("\"не работает\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"instant\"", json, StringComparison.Ordinal);
        Assert.Contains("\"order\": -10", json, StringComparison.Ordinal);
        var decimals = new RoutingRuleSetBuilder()
            .Rule("d", r => r.When(RoutingCondition.AttributeIs("cost", AttributeOperator.Less, AttributeValue.FromDecimal(12.50m))).AddTags("cheap"))
            .Rule("t", r => r.When(RoutingCondition.AttributeIs("due", AttributeOperator.Less, AttributeValue.FromDate(new NodaTime.LocalDate(2025, 3, 1)))).AddTags("soon"))
            .Build();
        Assert.Equal(decimals.ToJson(), RoutingRuleSet.FromJson(decimals.ToJson()).ToJson());
    }

    [Fact]
    public void FromJson_NotJson_ReportsThePosition()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => RoutingRuleSet.FromJson("{\"rules\": [}"));
        Assert.StartsWith("$: not valid JSON (line 1, byte 12)", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "$: expected an object with \"mode\" and \"rules\", found an array.")]
    [InlineData("{}", "$.rules: required; give an array of rules (it may be empty).")]
    [InlineData("{\"rules\": {}}", "$.rules: expected an array, found an object.")]
    [InlineData("{\"rules\": [], \"mode\": \"best\"}", "$.mode: the string 'best' is not a RuleEvaluationMode; use one of FirstMatch, AllMatch.")]
    [InlineData("{\"rules\": [], \"extra\": 1}", "$.extra: unknown field; expected one of mode, rules.")]
    [InlineData("{\"rules\": [3]}", "$.rules[0]: expected a rule object, found the number 3.")]
    public void FromJson_RootFault_IsReportedWithItsPath(string json, string expected)
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => RoutingRuleSet.FromJson(json));
        Assert.Equal([expected], ex.Errors);
    }

    [Fact]
    public void FromJson_NestedTooDeep_ReportsTheDepthAtItsPath()
    {
        var condition = "{\"always\": true}";
        for (var i = 0; i < RoutingCondition.MaxDepth; i++)
        {
            condition = $"{{\"not\": {condition}}}";
        }

        var ex = Assert.Throws<InvalidDefinitionException>(() => RoutingRuleSet.FromJson($"{{\"rules\": [{{\"name\": \"deep\", \"when\": {condition}, \"then\": {{\"stop\": true}}}}]}}"));

        Assert.Equal(["$.rules[0].when.not: Conditions may be nested at most 32 levels deep; this one is 33."], ex.Errors);
    }

    [Fact]
    public void FromJson_EveryFault_IsReportedWithItsJsonPath()
    {
        const string json = """
            {
              "mode": "firstMatch",
              "rules": [
                { "when": { "always": true }, "then": { "tags": ["a"] } },
                { "name": "a", "order": 1.5, "when": { "always": false }, "then": { "tags": [] }, "colour": "red" },
                { "name": "b", "when": { "priority": ["P9", 0, true] }, "then": { "group": "has space", "tier": "fourth" } },
                { "name": "c", "when": { "all": [ { "keywords": ["ok", "!!", 3] }, { "kind": "Bug" }, {} ] }, "then": { "priority": 7, "raisePriority": "P1Critical", "stop": "yes" } },
                { "name": "d", "when": { "channel": "Fax", "keywords": "x" }, "then": 1 },
                { "name": "e", "when": { "colour": "red" } },
                { "name": "f", "when": { "any": [] }, "then": { "slaPolicy": 5, "tags": ["t t"] } },
                { "name": "g", "when": { "category": "" , "subcategory": 1 }, "then": { "stop": true } },
                { "name": "h", "when": { "not": [ ] }, "then": { "stop": true } },
                { "name": "i", "when": { "service": [""], "subcategory": "x" }, "then": { "stop": true } },
                { "name": "j", "when": { "customerTier": [" "] }, "then": { "stop": true } },
                { "name": "k", "when": { "attribute": { "key": "1x", "op": "eq", "value": 1 } }, "then": { "stop": true } },
                { "name": "l", "when": { "attribute": { "key": "x", "op": "like", "value": 1 } }, "then": { "stop": true } },
                { "name": "m", "when": { "attribute": { "key": "x", "op": "lt", "value": "abc" } }, "then": { "stop": true } },
                { "name": "n", "when": { "attribute": { "key": "x", "op": "lt", "value": "yesterday", "type": "instant" } }, "then": { "stop": true } },
                { "name": "o", "when": { "attribute": { "key": "x", "op": "eq" } }, "then": { "stop": true } },
                { "name": "p", "when": { "attribute": { "key": "x", "value": 1 } }, "then": { "stop": true } },
                { "name": "q", "when": { "attribute": { "key": "x", "op": "eq", "value": 1, "type": "money" } }, "then": { "stop": true } },
                { "name": "a", "when": "always", "then": { "stop": true } }
              ]
            }
            """;

        var ex = Assert.Throws<InvalidDefinitionException>(() => RoutingRuleSet.FromJson(json));

        Assert.Equal(
            [
                "$.rules[0].name: required; give a string.",
                "$.rules[1].colour: unknown field; expected one of name, order, when, then.",
                "$.rules[1].when.always: expected true, found the boolean false.",
                "$.rules[1].order: expected a 32-bit integer, found the number 1.5.",
                "$.rules[1].then.tags: empty array; give at least one value.",
                "$.rules[2].when.priority[0]: the string 'P9' is not a Priority; use one of P1Critical, P2High, P3Moderate, P4Low, P5Planning.",
                "$.rules[2].when.priority[1]: the number 0 is not a priority; use 1 to 5 or P1Critical to P5Planning.",
                "$.rules[2].when.priority[2]: the boolean true is not a Priority; use one of P1Critical, P2High, P3Moderate, P4Low, P5Planning.",
                "$.rules[2].then.tier: the string 'fourth' is not a SupportTier; use one of FirstLine, SecondLine, ThirdLine, Vendor.",
                "$.rules[2].then.group: A GroupId may not contain whitespace or control characters; got 'has space'.",
                "$.rules[3].when.all[0].keywords[1]: A keyword must be 1 to 100 characters with at least one letter or digit; got '!!'.",
                "$.rules[3].when.all[0].keywords[2]: expected a string, found the number 3.",
                "$.rules[3].when.all[1].kind: the string 'Bug' is not a TicketKind; use one of Incident, ServiceRequest, Problem, Change.",
                "$.rules[3].when.all[2]: empty condition; give exactly one of all, any, not, always, kind, category, service, configurationItem, customer, customerTier, contract, priority, priorityAtLeast, channel, location, keywords, attribute.",
                "$.rules[3].then.priority: the number 7 is not a priority; use 1 to 5 or P1Critical to P5Planning.",
                "$.rules[3].then.stop: expected true or false, found the string 'yes'.",
                "$.rules[4].when: a condition object holds exactly one condition, found channel, keywords; combine them with \"all\" or \"any\".",
                "$.rules[4].then: expected an object of actions, found the number 1.",
                "$.rules[5].when.colour: unknown condition; use one of all, any, not, always, kind, category, service, configurationItem, customer, customerTier, contract, priority, priorityAtLeast, channel, location, keywords, attribute.",
                "$.rules[5].then: required; give at least one action (group, tier, priority, raisePriority, slaPolicy, tags, stop).",
                "$.rules[6].when.any: expected a non-empty array of conditions, found an array.",
                "$.rules[6].then.slaPolicy: expected a string, found the number 5.",
                "$.rules[7].when.subcategory: expected a string, found the number 1.",
                "$.rules[8].when.not: expected a condition object such as {\"keywords\": [\"vpn\"]}, found an array.",
                "$.rules[9].when.subcategory: only allowed next to \"category\".",
                "$.rules[9].when.service[0]: A ServiceId must be 1 to 128 characters long; got 0.",
                "$.rules[10].when.customerTier[0]: A customer tier must be 1 to 64 characters and not blank; got ' '.",
                "$.rules[11].when.attribute.key: '1x' is not a valid attribute key: use 1 to 64 ASCII letters, digits, '_', '-' or '.', starting with a letter.",
                "$.rules[12].when.attribute.op: 'like' is not an operator; use exists, eq, ne, lt, le, gt or ge.",
                "$.rules[13].when.attribute: Less needs a number, instant or date; a String supports only Equal and NotEqual.",
                "$.rules[14].when.attribute.value: the string 'yesterday' is not a valid instant value (ISO-8601 text).",
                "$.rules[15].when.attribute.value: required with op \"eq\".",
                "$.rules[16].when.attribute.value: not allowed with op \"exists\".",
                "$.rules[17].when.attribute.type: 'money' is not a type; use \"instant\" or \"date\", or omit it for strings, numbers and Booleans.",
                "$.rules[18].when: expected a condition object such as {\"keywords\": [\"vpn\"]}, found the string 'always'.",
                "$.rules[6].then.tags[0]: a tag must be 1 to 64 characters without whitespace; got 't t'.",
                "$.rules[18].name: 'a' is already the name of $.rules[1]; rule names must be unique.",
            ],
            ex.Errors);
    }

    [Fact]
    public void FromJson_DuplicateKeyInActions_IsAFaultNamingItsPath()
    {
        var json = Valid.Replace("\"group\": \"network\", \"tier\"", "\"group\": \"network\", \"group\": \"mail\", \"tier\"", StringComparison.Ordinal);
        Assert.NotEqual(Valid, json);

        var ex = Assert.Throws<InvalidDefinitionException>(() => RoutingRuleSet.FromJson(json));

        Assert.Equal(["$.rules[1].then.group: duplicate field; give each field once."], ex.Errors);
    }

    [Fact]
    public void FromJson_DuplicateMode_IsAFaultInsteadOfLastWins()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => RoutingRuleSet.FromJson("""{ "mode": "allMatch", "rules": [], "mode": "firstMatch" }"""));

        Assert.Equal(["$.mode: duplicate field; give each field once."], ex.Errors);
    }

    [Fact]
    public void FromJson_HugeOperator_IsEchoedCut()
    {
        var op = new string('o', 3_000);
        var ex = Assert.Throws<InvalidDefinitionException>(() => RoutingRuleSet.FromJson(
            "{ \"rules\": [ { \"name\": \"r\", \"when\": { \"attribute\": { \"key\": \"k\", \"op\": \"" + op + "\", \"value\": 1 } }, \"then\": { \"group\": \"g\" } } ] }"));

        var fault = Assert.Single(ex.Errors, e => e.StartsWith("$.rules[0].when.attribute.op:", StringComparison.Ordinal));
        Assert.Contains("3,000 characters", fault, StringComparison.Ordinal);
        Assert.True(fault.Length < 300, fault);
    }

    [Fact]
    public void FromJson_HugeUnknownKey_IsNamedCutInThePath()
    {
        var key = new string('k', 50_000);
        var ex = Assert.Throws<InvalidDefinitionException>(() => RoutingRuleSet.FromJson("{ \"rules\": [], \"" + key + "\": 1 }"));

        var fault = Assert.Single(ex.Errors);
        Assert.StartsWith("$['kkk", fault, StringComparison.Ordinal);
        Assert.Contains("50,000 characters", fault, StringComparison.Ordinal);
        Assert.True(fault.Length < 400, fault);
    }
}
