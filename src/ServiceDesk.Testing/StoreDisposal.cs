namespace ServiceDesk.Testing;

/// <summary>Disposes a store the way the conformance suites do by default.</summary>
internal static class StoreDisposal
{
    /// <summary>Disposes <paramref name="store"/> through <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>,
    /// whichever it implements (asynchronous first); does nothing otherwise.</summary>
    public static async Task DisposeAsync(object store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
