using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics.Tests;

internal static class TestData
{
    public static readonly ServiceId Email = new("email");
    public static readonly ServiceId Vpn = new("vpn");
    public static readonly TenantId Tenant = new("acme");

    /// <summary>Monday to Friday 09:00-17:00 UTC.</summary>
    public static readonly BusinessCalendar OfficeUtc = new BusinessCalendarBuilder("Etc/UTC")
        .AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0))
        .Build();

    /// <summary>Monday to Friday 08:00-18:00 in Berlin, closed on 1 May.</summary>
    public static readonly BusinessCalendar OfficeBerlin = new BusinessCalendarBuilder("Europe/Berlin")
        .AddWeekdayHours(new LocalTime(8, 0), new LocalTime(18, 0))
        .CloseYearly(new AnnualDate(5, 1))
        .Build();

    /// <summary>Open around the clock.</summary>
    public static readonly BusinessCalendar AlwaysOpen = new BusinessCalendarBuilder("Etc/UTC")
        .AddDailyHours(new LocalTime(0, 0), LocalTime.Midnight)
        .Build();

    public static Instant Utc(int year, int month, int day, int hour, int minute = 0) => Instant.FromUtc(year, month, day, hour, minute);

    /// <summary>Builds one ticket's history with consecutive versions.</summary>
    public sealed class History(string ticket, Instant opened, ServiceDesk.Priority priority = ServiceDesk.Priority.P3Moderate, TicketKind kind = TicketKind.Incident)
    {
        private ServiceDesk.Priority _priority = priority;

        private readonly TicketId _id = IdOf(ticket);
        private readonly List<TicketEvent> _events =
        [
            new TicketOpened(Tenant, IdOf(ticket), 1, opened, Actor.System,
                new TicketNumber(kind, Math.Abs(ticket.GetHashCode(StringComparison.Ordinal)) % 100000 + 1),
                kind, "Printer on fire", priority, Channel.Email),
        ];

        private TicketStatus _status = TicketStatus.New;

        public History Status(Instant at, TicketStatus to)
        {
            _events.Add(new StatusChanged(Tenant, _id, _events.Count + 1, at, Actor.System, _status, to));
            _status = to;
            return this;
        }

        public History Resolve(Instant at) => Status(at, TicketStatus.Resolved);

        public History OverrideDue(Instant at, string metric, Instant? due)
        {
            _events.Add(new SlaDueOverridden(Tenant, _id, _events.Count + 1, at, Actor.System, metric, due, "agreed with the customer"));
            return this;
        }

        public History Reselect(Instant at, string policy, string? previous, bool restarted)
        {
            _events.Add(new SlaPolicyReselected(Tenant, _id, _events.Count + 1, at, Actor.System, policy, previous, restarted));
            return this;
        }

        public History Close(Instant at) => Status(at, TicketStatus.Closed);

        public History Reopen(Instant at) => Status(at, TicketStatus.InProgress);

        public History Assign(Instant at, string group)
        {
            _events.Add(new Assigned(Tenant, _id, _events.Count + 1, at, Actor.System, new GroupId(group), null));
            return this;
        }

        public History Comment(Instant at)
        {
            _events.Add(new CommentAdded(Tenant, _id, _events.Count + 1, at, Actor.System, CommentVisibility.Public, "note"));
            return this;
        }

        /// <summary>Time logged by an agent (billable unless said otherwise).</summary>
        public History LogTime(Instant at, string agent, Instant started, Duration duration, bool billable = true)
        {
            _events.Add(new TimeLogged(Tenant, _id, _events.Count + 1, at, Actor.OfAgent(new AgentId(agent)), new AgentId(agent), started, duration, billable));
            return this;
        }

        /// <summary>A satisfaction rating by the requester.</summary>
        public History Rate(Instant at, int score)
        {
            _events.Add(new SatisfactionRated(Tenant, _id, _events.Count + 1, at, Actor.System, score));
            return this;
        }

        /// <summary>A public reply by an agent.</summary>
        public History CustomerReply(Instant at)
        {
            _events.Add(new CommentAdded(Tenant, _id, _events.Count + 1, at, Actor.OfRequester("Jane"), CommentVisibility.Public, "any news?"));
            return this;
        }

        public History Reply(Instant at, string agent = "ann")
        {
            _events.Add(new CommentAdded(Tenant, _id, _events.Count + 1, at, Actor.OfAgent(new AgentId(agent)), CommentVisibility.Public, "reply"));
            return this;
        }

        /// <summary>An internal note by an agent (not a response).</summary>
        public History Note(Instant at, string agent = "ann")
        {
            _events.Add(new CommentAdded(Tenant, _id, _events.Count + 1, at, Actor.OfAgent(new AgentId(agent)), CommentVisibility.Internal, "note"));
            return this;
        }

        /// <summary>An assignment to an agent of a group.</summary>
        public History AssignAgent(Instant at, string group, string agent)
        {
            _events.Add(new Assigned(Tenant, _id, _events.Count + 1, at, Actor.System, new GroupId(group), new AgentId(agent)));
            return this;
        }

        public History Hold(Instant at, string? reason = "AwaitingCustomer")
        {
            _events.Add(new StatusChanged(Tenant, _id, _events.Count + 1, at, Actor.System, _status, TicketStatus.OnHold, reason));
            _status = TicketStatus.OnHold;
            return this;
        }

        public History Priority(Instant at, ServiceDesk.Priority to)
        {
            var from = _priority;
            _events.Add(new PriorityChanged(Tenant, _id, _events.Count + 1, at, Actor.System, from, to, new Impact(2), new Urgency(2)));
            _priority = to;
            return this;
        }

        public IReadOnlyList<TicketEvent> Events => _events;

        public static TicketId IdOf(string name)
            => new(new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)).AsSpan(0, 16)));
    }
}
