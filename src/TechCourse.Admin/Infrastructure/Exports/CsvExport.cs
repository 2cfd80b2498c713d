using CsvHelper;

namespace TechCourse.Admin.Infrastructure.Exports;

// What every CSV download shares: one writer configuration, the response headers, and how a bad request is answered.
public static class CsvExport
{
    // Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe
    // (OWASP CSV injection). CsvHelper applies this to text only: numbers written as numbers (a negative amount, a
    // price change of -5) stay numbers, so every export writes its figures as decimal or integer values, not strings.
    public static CsvWriterOptions Options { get; } = new() { Injection = CsvInjection.Escape };

    public const string ContentType = "text/csv; charset=utf-8";

    // Headers of a CSV response, before its first byte: a download of personal data that no cache may keep.
    public static void Begin(HttpResponse response, string fileName)
    {
        response.ContentType = ContentType;
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        NoStore(response);
    }

    public static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }

    // Streams rows as a CSV download: the headers, the header row, then each row as the query yields it (one in memory).
    public static async Task<IResult> StreamAsync<T>(HttpResponse response, string fileName, IReadOnlyList<string> header, IAsyncEnumerable<T> rows,
        Action<CsvWriter, T> writeRow, CancellationToken ct)
    {
        Begin(response, fileName);
        await using var csv = CsvWriter.Create(response.Body, Options, leaveOpen: true);
        foreach (var name in header) csv.WriteField(name);
        await csv.EndRecordAsync(ct);
        await foreach (var row in rows.WithCancellation(ct))
        {
            writeRow(csv, row);
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
        return Results.Empty;
    }

    // A 400 whose body says what to change; nothing of the file has been written.
    public static IResult BadRequest(string message) => Results.Text(message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
}
