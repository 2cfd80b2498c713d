using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace TechCourse.Admin.Bench;

/// Makes the app process run a full, blocking garbage collection (as dotnet-gcdump does: an EventPipe session with the
/// GCHeapCollect keyword) and returns the managed heap that survived it (bytes of live objects, all generations).
public static class ServerGc
{
    private const long GcKeyword = 0x1, GcHeapCollectKeyword = 0x800000;

    public static async Task<long> CollectAsync(int processId, CancellationToken ct)
    {
        long live = 0;
        for (var round = 0; round < 2; round++)
        {
            var client = new DiagnosticsClient(processId);
            using var session = await client.StartEventPipeSessionAsync(
                [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword | GcHeapCollectKeyword)], requestRundown: false, token: ct);
            using var source = new EventPipeEventSource(session.EventStream);
            source.Clr.GCHeapStats += e => live = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
            var reading = Task.Run(source.Process, ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            await session.StopAsync(ct);
            await reading;
        }
        return live;
    }
}
