using ServiceDesk.Events;
using static ServiceDesk.Workflow.Tests.TestData;

namespace ServiceDesk.Workflow.Tests;

public class WorkflowJsonTests
{
    private const string Minimal = """
        {
          // comments are allowed
          "name": "todo",
          "kind": "ServiceRequest",
          "initial": "Open",
          "states": [
            { "name": "Open" },
            { "name": "Waiting", "hold": true, "reasons": [ { "name": "Customer", "sla": "Paused" }, "Parts" ] },
            { "name": "Done", "sla": "Stopped" }
          ],
          "transitions": [
            { "from": "Open", "trigger": "Wait", "to": "Waiting", "guards": [ "actor:Agent" ] },
            { "from": ["Open", "Waiting"], "trigger": "Finish", "to": "Done", "requiresNotes": true,
              "cascade": { "linkType": "ChildOf", "direction": "Incoming", "trigger": "Finish" } }
          ]
        }
        """;

    private static IReadOnlyList<string> Faults(string json, params WorkflowGuard[] guards)
        => Assert.Throws<InvalidDefinitionException>(() => WorkflowDefinition.FromJson(json, guards)).Errors;

    [Fact]
    public void FromJson_ValidDocument_BuildsWorkingDefinition()
    {
        var workflow = WorkflowDefinition.FromJson(Minimal, []);

        Assert.Equal("todo", workflow.Name);
        Assert.Equal(TicketKind.ServiceRequest, workflow.Kind);
        Assert.Equal(3, workflow.Transitions.Count);
        Assert.Equal(SlaMode.Paused, workflow.GetState(new TicketStatus("Waiting")).SlaFor("Customer"));
        Assert.Equal(SlaMode.Running, workflow.GetState(new TicketStatus("Waiting")).SlaFor("Parts"));
        var ticket = Ticket(TicketKind.ServiceRequest, new TicketStatus("Open"));
        var result = workflow.TryFire(ticket, new WorkflowTrigger("Wait"), ByAgent() with { Reason = "Customer" });
        Assert.Equal(SlaEffect.Pause, result.SlaEffect);
        Assert.Equal("Customer", result.Ticket.HoldReason);
        Assert.Equal(["notes"], workflow.TryFire(result.Ticket, new WorkflowTrigger("Finish"), ByAgent()).UnmetGuards.Names());
        Assert.Equal(TicketLinkType.ChildOf, workflow.Transitions[1].Cascade!.LinkType);
        Assert.Equal(CascadeRule.DefaultSkipStatuses, workflow.Transitions[1].Cascade!.SkipStatuses);
    }

    [Fact]
    public void ToJson_ShippedIncident_RoundTripsWithItsGuards()
    {
        var shipped = IncidentLifecycle.Create(new IncidentLifecycleOptions { AddBusinessDays = AddWeekdays });

        var json = shipped.ToJson();
        var reloaded = WorkflowDefinition.FromJson(json, shipped.Guards);

        Assert.Equal(json, reloaded.ToJson());
        Assert.Equal(shipped.ToMermaid(), reloaded.ToMermaid());
        Assert.Contains("\"otherwise\": {", json, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_ShippedJsonWithoutItsGuards_FaultsEveryUnresolvedGuardByPath()
    {
        var json = IncidentLifecycle.Create().ToJson();

        var faults = Faults(json);

        Assert.NotEmpty(faults);
        Assert.All(faults, f => Assert.Matches(@"^\$\.transitions\[\d+\]\.guards\[\d+\]: guard '\w+' is not registered", f));
        Assert.Contains(faults, f => f.Contains("'WithinReopenWindow'", StringComparison.Ordinal));
    }

    [Fact]
    public void FromJson_NotJson_FaultsWithPosition()
        => Assert.StartsWith("$: not valid JSON (line 1,", Assert.Single(Faults("{ \"name\": ")), StringComparison.Ordinal);

    [Fact]
    public void FromJson_NotAnObject_Faults()
        => Assert.Equal("$: expected an object, found an array.", Assert.Single(Faults("[]")));

    [Fact]
    public void FromJson_EmptyObject_FaultsEveryRequiredMember()
        => Assert.Equal(
            ["$.name: required.", "$.initial: required.", "$.states: required; an array of states.", "$.transitions: required; an array of transitions.",
             "$.states: at least one state is required.", "$.initial: an initial state is required."],
            Faults("{}"));

    [Fact]
    public void FromJson_StructuralFaults_EachNamedByPath()
    {
        const string json = """
            {
              "name": "x", "kind": "Ticket", "initial": "Open", "colour": "red",
              "states": [
                { "name": "Open", "sla": "Frozen", "hold": "yes" },
                { "name": "bad name" },
                { "name": "Done", "reasons": [ 5, { "sla": "Paused" } ] },
                "Done"
              ],
              "transitions": [
                { "from": 1, "trigger": "Go", "to": "Done" },
                { "from": ["Open", 2], "trigger": "no spaces", "to": "Done", "guards": "actor:Agent" },
                { "from": "Open", "trigger": "Go2", "to": "Done", "otherwise": "NewLinkedTicket", "requiresNotes": 1,
                  "cascade": { "linkType": "Sibling", "trigger": "Go" } },
                7
              ]
            }
            """;

        var faults = Faults(json);

        Assert.Equal(
            [
                "$.colour: unknown property; expected name, kind, initial, states, transitions.",
                "$.kind: 'Ticket' is not a ticket kind; use Incident, ServiceRequest, Problem, Change.",
                "$.states[0].sla: 'Frozen' is not valid; use Running, Paused, Stopped.",
                "$.states[0].hold: expected true or false, found the string 'yes'.",
                "$.states[1].name: 'bad name' is not a valid state name; use 1 to 64 ASCII letters, digits or underscores, starting with a letter.",
                "$.states[2].reasons[0]: expected a reason name or an object with 'name' and 'sla', found the number 5.",
                "$.states[2].reasons[1].name: required.",
                "$.states[3]: expected an object, found the string 'Done'.",
                "$.transitions[0].from: expected a state name or a non-empty array of state names, found the number 1.",
                "$.transitions[1].from[1]: expected a state name, found the number 2.",
                "$.transitions[1].trigger: 'no spaces' is not a valid trigger name; use 1 to 64 ASCII letters, digits or underscores, starting with a letter.",
                "$.transitions[1].guards: expected an array of strings, found the string 'actor:Agent'.",
                "$.transitions[2].requiresNotes: expected true or false, found the number 1.",
                "$.transitions[2].otherwise: expected an object with 'outcome' and 'guard', found the string 'NewLinkedTicket'.",
                "$.transitions[2].cascade.linkType: 'Sibling' is not valid; use CausedBy, FixedBy, ChildOf, DuplicateOf, RelatedTo, FollowUpOf.",
                "$.transitions[2].cascade.linkType: required; one of CausedBy, FixedBy, ChildOf, DuplicateOf, RelatedTo, FollowUpOf.",
                "$.transitions[2].cascade.direction: required; one of Outgoing, Incoming.",
                "$.transitions[3]: expected an object, found the number 7.",
            ],
            faults);
    }

    [Fact]
    public void FromJson_SemanticFaults_NamedByJsonPath()
    {
        const string json = """
            {
              "name": "x", "initial": "Open",
              "states": [ { "name": "Open" }, { "name": "Done", "reasons": [ "Fixed" ] }, { "name": "Lost" }, { "name": "Open" } ],
              "transitions": [
                { "from": ["Open", "Nowhere"], "trigger": "Go", "to": "Done", "guards": [ "IsFriday", "role:cab" ], "reasons": [ "Broken" ] },
                { "from": "Open", "trigger": "Back", "to": "Open", "otherwise": { "outcome": "NewLinkedTicket", "guard": "role:x" } }
              ]
            }
            """;

        var faults = Faults(json);

        Assert.Equal(
            [
                "$.states[3].name: state 'Open' is declared twice (first at $.states[0]).",
                "$.transitions[0].guards[0]: guard 'IsFriday' is not registered; registered guards: (none); built-in forms: actor:<Kind>[|<Kind>], role:<role>, heldFor:<reason>, attribute:<key>=<value>.",
                "$.transitions[0].reasons[0]: 'Broken' is not a reason of state 'Done'; its reasons: 'Fixed'.",
                "$.transitions[0].from[1]: state 'Nowhere' is not declared; declared states: 'Open', 'Done', 'Lost'.",
                "$.transitions[1].otherwise.guard: 'role:x' is not one of the transition's guards; the outcome 'NewLinkedTicket' applies when that guard alone is unmet.",
                "$.states[2]: state 'Lost' is unreachable from the initial state 'Open'.",
            ],
            faults);
    }

    [Fact]
    public void FromJson_RegisteredGuard_Resolves()
    {
        var friday = new WorkflowGuard("IsFriday", "it is Friday", a => a.Context.Now.InUtc().DayOfWeek == NodaTime.IsoDayOfWeek.Friday);
        const string json = """
            { "name": "x", "initial": "Open", "states": [ { "name": "Open" }, { "name": "Done" } ],
              "transitions": [ { "from": "Open", "trigger": "Go", "to": "Done", "guards": [ "IsFriday" ] } ] }
            """;

        var workflow = WorkflowDefinition.FromJson(json, [friday]);

        Assert.Equal("it is Friday", Assert.Single(workflow.TryFire(Ticket(TicketKind.Incident, new TicketStatus("Open")), new WorkflowTrigger("Go"), ByAgent()).UnmetGuards).Description);
        Assert.Same(friday, Assert.Single(workflow.Guards));
    }

    [Fact]
    public void FromJson_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => WorkflowDefinition.FromJson(null!, []));
        Assert.Throws<ArgumentNullException>(() => WorkflowDefinition.FromJson("{}", null!));
    }

    [Fact]
    public void FromJson_DuplicateKey_IsAFaultNamingItsPath()
    {
        var json = Minimal.Replace("\"trigger\": \"Wait\",", "\"trigger\": \"Wait\", \"trigger\": \"Pause\",", StringComparison.Ordinal);

        Assert.Equal(["$.transitions[0].trigger: duplicate field; give each field once."], Faults(json));
    }

    [Fact]
    public void FromJson_DuplicateRootKey_IsAFaultInsteadOfLastWins()
    {
        var json = Minimal.Replace("\"name\": \"todo\",", "\"name\": \"todo\", \"name\": \"other\",", StringComparison.Ordinal);

        Assert.Equal(["$.name: duplicate field; give each field once."], Faults(json));
    }

    [Fact]
    public void FromJson_HugeKindValue_IsEchoedCut()
    {
        var json = Minimal.Replace("\"kind\": \"ServiceRequest\"", "\"kind\": \"" + new string('K', 5_000) + "\"", StringComparison.Ordinal);

        var fault = Assert.Single(Faults(json));

        Assert.StartsWith("$.kind: 'KKK", fault, StringComparison.Ordinal);
        Assert.Contains("5,000 characters", fault, StringComparison.Ordinal);
        Assert.True(fault.Length < 300, fault);
    }
}

public class WorkflowJsonDocsTests
{
    [Fact]
    public void FromJson_ExampleInDocs_BuildsAndBehavesAsDescribed()
    {
        var docs = File.ReadAllText(WorkflowDocsTests.DocsPath()).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = docs.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var json = docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)];
        var window = new WorkflowGuard("WithinReopenWindow", "closed less than 10 days ago", a => a.Context.Now < a.StatusSince + NodaTime.Duration.FromDays(10));

        var workflow = WorkflowDefinition.FromJson(json, [window]);

        var closed = TestData.Incident(TicketStatus.Closed);
        var late = workflow.TryFire(closed, new WorkflowTrigger("Reopen"), TestData.By(TestData.Caller, TestData.T0 + NodaTime.Duration.FromDays(11)));
        Assert.Equal(TransitionOutcome.NewLinkedTicketRequired, late.Outcome);
        Assert.Equal(SlaEffect.Pause, workflow.Fire(TestData.Incident(TicketStatus.New), new WorkflowTrigger("Hold"), TestData.ByAgent() with { Reason = "AwaitingCaller" }).SlaEffect);
    }
}
