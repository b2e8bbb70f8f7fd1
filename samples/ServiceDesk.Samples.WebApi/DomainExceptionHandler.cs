using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using ServiceDesk.Engine;
using ServiceDesk.Storage;

namespace ServiceDesk.Samples.WebApi;

/// <summary>
/// Maps failures to problem details with a <c>detail</c>: a body that is not JSON or holds a wrong value 400 with the
/// JSON path (<c>path</c>); a refused route, query or body value 400 naming it as the client sent it (<c>parameter</c>
/// or <c>path</c>); unknown ticket 404; concurrency conflict 409. Anything else stays a 500.
/// </summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var details = exception switch
        {
            TicketNotFoundException => Problem(StatusCodes.Status404NotFound, "Ticket not found", exception.Message),
            ConcurrencyException => Problem(StatusCodes.Status409Conflict, "The ticket was changed by someone else", exception.Message),
            RequestValueException value => Problem(StatusCodes.Status400BadRequest, "Invalid request", value.Message, value.IsBodyPath ? "path" : "parameter", value.Name),
            BadHttpRequestException { InnerException: JsonException json } => await BodyProblemAsync(httpContext, json, cancellationToken),
            BadHttpRequestException bad => Problem(bad.StatusCode, "Invalid request", bad.Message),
            InvalidDefinitionException invalid => Problem(StatusCodes.Status400BadRequest, "Invalid definition", invalid.Message, "faults", invalid.Errors),
            ArgumentException argument => Problem(StatusCodes.Status400BadRequest, "Invalid request", WithoutParameterName(argument)),
            _ => null,
        };
        if (details is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    private static ProblemDetails Problem(int status, string title, string detail, string? extension = null, object? value = null)
    {
        var details = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (extension is not null)
        {
            details.Extensions[extension] = value;
        }

        return details;
    }

    /// <summary>The body could not be read into the endpoint's type: either it is not JSON (the reader's reason with
    /// line and position), or a value does not fit its field (the value found and what the field takes, from the
    /// endpoint's body type, so no .NET type name reaches the client).</summary>
    private static async Task<ProblemDetails> BodyProblemAsync(HttpContext httpContext, JsonException json, CancellationToken cancellationToken)
    {
        var path = json.Path ?? "$";
        var at = $"line {json.LineNumber + 1 ?? 1}, position {json.BytePositionInLine + 1 ?? 1}";
        if (await BodyJson.TryReadAsync(httpContext.Request, cancellationToken) is not { } body)
        {
            var reason = json.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd();
            return Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON", $"The request body is not valid JSON at {path} ({at}): {reason}", "path", path);
        }

        using (body)
        {
            // RespectRequiredConstructorParameters: "… was missing required properties including: 'subject', 'requester'."
            const string missingMarker = "missing required properties including: ";
            var missingAt = json.Message.IndexOf(missingMarker, StringComparison.Ordinal);
            if (missingAt >= 0)
            {
                var names = json.Message[(missingAt + missingMarker.Length)..].TrimEnd('.').Replace("'", string.Empty, StringComparison.Ordinal)
                    .Split(", ", StringSplitOptions.RemoveEmptyEntries);
                var first = path == "$" ? $"$.{names[0]}" : $"{path}.{names[0]}";
                return Problem(StatusCodes.Status400BadRequest, "Invalid request body", $"{path}: missing {string.Join(", ", names)} (required).", "path", first);
            }

            // The exception handler clears the request's endpoint before it runs; the feature keeps the one that threw.
            var expected = BodyJson.Expectation(httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint, path);
            var found = BodyJson.Find(body.RootElement, path) is { } element ? BodyJson.Describe(element) : "a value";
            var detail = expected is null
                ? $"{path}: {found} is not valid here."
                : $"{path}: {found} is not valid; {expected}.";
            return Problem(StatusCodes.Status400BadRequest, "Invalid request body", detail, "path", path);
        }
    }

    /// <summary>The SDK's message without the " (Parameter 'x')" the BCL appends: that name is the SDK's, not the client's.</summary>
    private static string WithoutParameterName(ArgumentException argument)
    {
        var message = argument.Message;
        var suffix = argument.ParamName is { } name ? $" (Parameter '{name}')" : null;
        if (suffix is not null)
        {
            var at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message.Remove(at, suffix.Length);
            }
        }

        return message;
    }
}
