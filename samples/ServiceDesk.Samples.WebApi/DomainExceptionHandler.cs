using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using ServiceDesk.Engine;
using ServiceDesk.Storage;

namespace ServiceDesk.Samples.WebApi;

/// <summary>
/// Maps the SDK's documented exceptions to problem details: bad input 400 (with the faults of an invalid definition),
/// unknown ticket 404, concurrency conflict 409. Anything else stays a 500.
/// </summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            TicketNotFoundException => (StatusCodes.Status404NotFound, "Ticket not found"),
            ConcurrencyException => (StatusCodes.Status409Conflict, "The ticket was changed by someone else"),
            InvalidDefinitionException => (StatusCodes.Status400BadRequest, "Invalid definition"),
            ArgumentException => (StatusCodes.Status400BadRequest, "Invalid request"),
            BadHttpRequestException bad => (bad.StatusCode, "Invalid request"),
            _ => (0, null),
        };
        if (title is null)
        {
            return false;
        }

        var details = new ProblemDetails { Status = status, Title = title, Detail = exception.Message };
        if (exception is InvalidDefinitionException invalid)
        {
            details.Extensions["faults"] = invalid.Errors;
        }
        else if (exception is ArgumentException { ParamName: { } parameter })
        {
            details.Extensions["parameter"] = parameter;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
