using System.Globalization;
using CsvHelper;

namespace TechCourse.Admin.Features.Sales;

// CSV files of the sales reports: amounts with two decimals and a dot, days as ISO-8601 with the zone's offset.
public static class SalesCsv
{
    public static string FileName(string report, SalesRange? range, string zone) =>
        $"sales-{report}_{(range is null ? "all-time" : $"{Iso(range.From)}_to_{Iso(range.To)}")}_{zone.Replace('/', '-')}.csv";

    public static string Courses(IReadOnlyList<CourseSales> rows, SalesRange? range, string zone) => Write(csv =>
    {
        Header(csv, "course_id", "course", "instructor", "enrollments", "gross_revenue", "from", "to", "time_zone");
        foreach (var row in rows)
            Record(csv, row.CourseId.ToString(CultureInfo.InvariantCulture), row.Title, row.InstructorEmail ?? "", Count(row.Enrollments), Money(row.GrossRevenue),
                range is null ? "" : Start(range.From, zone), range is null ? "" : Start(range.To.AddDays(1), zone), zone);
        var total = SalesTotals.Of(rows, r => r.Enrollments, r => r.GrossRevenue);
        Record(csv, "", "Total", "", Count(total.Enrollments), Money(total.GrossRevenue), "", "", zone);
    });

    public static string Instructors(IReadOnlyList<InstructorSales> rows, SalesRange range) => Write(csv =>
    {
        Header(csv, "instructor", "courses", "enrollments", "gross_revenue", "from", "to", "time_zone");
        foreach (var row in rows)
            Record(csv, row.InstructorEmail ?? "(no instructor)", Count(row.Courses), Count(row.Enrollments), Money(row.GrossRevenue),
                Start(range.From, range.TimeZone), Start(range.To.AddDays(1), range.TimeZone), range.TimeZone);
        var total = SalesTotals.Of(rows, r => r.Enrollments, r => r.GrossRevenue);
        Record(csv, "Total", "", Count(total.Enrollments), Money(total.GrossRevenue), "", "", range.TimeZone);
    });

    public static string Days(IReadOnlyList<DaySales> rows, SalesRange range) => Write(csv =>
    {
        Header(csv, "day", "day_start", "enrollments", "gross_revenue", "previous_day", "previous_enrollments", "previous_gross_revenue", "revenue_change_percent", "time_zone");
        foreach (var row in rows)
            Record(csv, Iso(row.Day), Start(row.Day, range.TimeZone), Count(row.Enrollments), Money(row.GrossRevenue), Iso(row.PreviousDay),
                Count(row.PreviousEnrollments), Money(row.PreviousRevenue), row.RevenueChangePercent?.ToString("F1", CultureInfo.InvariantCulture) ?? "", range.TimeZone);
        var total = SalesTotals.Of(rows, r => r.Enrollments, r => r.GrossRevenue);
        var previous = SalesTotals.Of(rows, r => r.PreviousEnrollments, r => r.PreviousRevenue);
        Record(csv, "Total", "", Count(total.Enrollments), Money(total.GrossRevenue), "", Count(previous.Enrollments), Money(previous.GrossRevenue), "", range.TimeZone);
    });

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Count(long count) => count.ToString(CultureInfo.InvariantCulture);

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Local midnight starting the day, with the zone's offset at that instant.
    public static string Start(DateOnly day, string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (tz.IsInvalidTime(local)) local = local.AddMinutes(15);
        return new DateTimeOffset(local, tz.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    private static void Header(CsvWriter csv, params string[] names) => Record(csv, names);

    private static void Record(CsvWriter csv, params string[] fields)
    {
        foreach (var field in fields) csv.WriteField(field);
        csv.EndRecord();
    }

    private static string Write(Action<CsvWriter> body)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions(), true))
        {
            body(csv);
            csv.Flush();
        }
        return text.ToString();
    }
}
