using Stateless;

namespace ServiceDesk.Workflow;

/// <summary>
/// One Stateless machine with external state, configured from a definition: the source of the definition's diagrams, and
/// the reference its precompiled <see cref="TransitionTable"/> is checked against.
/// </summary>
/// <remarks>The machine keeps no state of its own: its state accessor reads <see cref="State"/>, which <see cref="Load"/> sets
/// from the ticket, and its guards read <see cref="Ticket"/> and <see cref="Context"/>. A slot is not thread-safe: use one
/// per thread.</remarks>
internal sealed class MachineSlot
{
    public MachineSlot(WorkflowDefinition definition)
    {
        State = definition.Initial.Name;
        Machine = new StateMachine<string, string>(() => State, s => State = s, FiringMode.Immediate);
        foreach (var state in definition.States)
        {
            Machine.Configure(state.Name.Name);
        }

        foreach (var transition in definition.Transitions)
        {
            var t = transition;
            var config = Machine.Configure(t.From.Name);
            var guards = t.Guards
                .Select(g => new Tuple<Func<bool>, string>(() => g.Predicate(new GuardArguments(Ticket!, Context!, Trigger, t.To)), g.Name))
                .ToArray();
            if (t.From == t.To)
            {
                if (guards.Length == 0)
                {
                    config.PermitReentry(t.Trigger.Name);
                }
                else
                {
                    config.PermitReentryIf(t.Trigger.Name, guards);
                }
            }
            else if (guards.Length == 0)
            {
                config.Permit(t.Trigger.Name, t.To.Name);
            }
            else
            {
                config.PermitIf(t.Trigger.Name, t.To.Name, guards);
            }
        }
    }

    public StateMachine<string, string> Machine { get; }

    public string State { get; set; }

    public Ticket? Ticket { get; set; }

    public TransitionContext? Context { get; set; }

    public WorkflowTrigger Trigger { get; set; }

    public void Load(Ticket ticket, TransitionContext context, WorkflowTrigger trigger)
    {
        State = ticket.Status.Name;
        Ticket = ticket;
        Context = context;
        Trigger = trigger;
    }
}
