// Replays the real ServiceNow incident log (UCI dataset 498, CC BY 4.0, DOI 10.24432/C57S4H) through ServiceDesk.Core
// on the embedded SQLite store, in simulated time, and reports SLA, escalations, reassignments and invoices.
// See README.md next to this file; run with --help for the options.
using NodaTime;
using ServiceDesk.Samples.Replay;
using Spectre.Console;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
try
{
    // The host's clock only names the HTML report (the run's start); the replay itself runs on a simulated clock.
    return await ReplayApp.RunAsync(args, AnsiConsole.Console, interactive, SystemClock.Instance, cancel.Token);
}
catch (OperationCanceledException)
{
    AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
    return ReplayApp.Cancelled;
}
