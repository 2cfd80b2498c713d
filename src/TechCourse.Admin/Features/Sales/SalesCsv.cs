using System.Globalization;
using CsvHelper;
using TechCourse.Admin.Infrastructure.Exports;

namespace TechCourse.Admin.Features.Sales;

// CSV files of the sales reports: amounts with two decimals and a dot, days as ISO-8601 with the zone's offset. Text
// (titles, emails) is neutralised against formulas by the shared options; figures are written as numbers, so a
// negative change stays a number.
public static class SalesCsv
{
    public static string FileName(string report, SalesRange? range, string zone) =>
        $"sales-{report}_{(range is null ? "all-time" : $"{Iso(range.From)}_to_{Iso(range.To)}")}_{zone.Replace('/', '-')}.csv";

    public static string Courses(IReadOnlyList<CourseSales> rows, SalesRange? range, string zone) => Write(csv =>
    {
        Header(csv, "course_id", "course", "instructor", "enrollments", "gross_revenue", "from", "to", "time_zone");
        foreach (var row in rows)
        {
            csv.WriteField(row.CourseId, default);
            Text(csv, row.Title, row.InstructorEmail ?? "");
            Figures(csv, row.Enrollments, row.GrossRevenue);
            Text(csv, range is null ? "" : Start(range.From, zone), range is null ? "" : Start(range.To.AddDays(1), zone), zone);
            csv.EndRecord();
        }
        var total = SalesTotals.Of(rows, r => r.Enrollments, r => r.GrossRevenue);
        Text(csv, "", "Total", "");
        Figures(csv, total.Enrollments, total.GrossRevenue);
        Text(csv, "", "", zone);
        csv.EndRecord();
    });

    public static string Instructors(IReadOnlyList<InstructorSales> rows, SalesRange range) => Write(csv =>
    {
        Header(csv, "instructor", "courses", "enrollments", "gross_revenue", "from", "to", "time_zone");
        foreach (var row in rows)
        {
            Text(csv, row.InstructorEmail ?? "(no instructor)");
            csv.WriteField(row.Courses, default);
            Figures(csv, row.Enrollments, row.GrossRevenue);
            Text(csv, Start(range.From, range.TimeZone), Start(range.To.AddDays(1), range.TimeZone), range.TimeZone);
            csv.EndRecord();
        }
        var total = SalesTotals.Of(rows, r => r.Enrollments, r => r.GrossRevenue);
        Text(csv, "Total", "");
        Figures(csv, total.Enrollments, total.GrossRevenue);
        Text(csv, "", "", range.TimeZone);
        csv.EndRecord();
    });

    public static string Days(IReadOnlyList<DaySales> rows, SalesRange range) => Write(csv =>
    {
        Header(csv, "day", "day_start", "enrollments", "gross_revenue", "previous_day", "previous_enrollments", "previous_gross_revenue", "revenue_change_percent", "time_zone");
        foreach (var row in rows)
        {
            Text(csv, Iso(row.Day), Start(row.Day, range.TimeZone));
            Figures(csv, row.Enrollments, row.GrossRevenue);
            Text(csv, Iso(row.PreviousDay));
            Figures(csv, row.PreviousEnrollments, row.PreviousRevenue);
            csv.WriteField(row.RevenueChangePercent, "F1");
            Text(csv, range.TimeZone);
            csv.EndRecord();
        }
        var total = SalesTotals.Of(rows, r => r.Enrollments, r => r.GrossRevenue);
        var previous = SalesTotals.Of(rows, r => r.PreviousEnrollments, r => r.PreviousRevenue);
        Text(csv, "Total", "");
        Figures(csv, total.Enrollments, total.GrossRevenue);
        Text(csv, "");
        Figures(csv, previous.Enrollments, previous.GrossRevenue);
        Text(csv, "", range.TimeZone);
        csv.EndRecord();
    });

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Local midnight starting the day, with the zone's offset at that instant.
    public static string Start(DateOnly day, string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (tz.IsInvalidTime(local)) local = local.AddMinutes(15);
        return new DateTimeOffset(local, tz.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    private static void Figures(CsvWriter csv, long enrollments, decimal revenue)
    {
        csv.WriteField(enrollments, default);
        csv.WriteField(revenue, "0.00");
    }

    private static void Text(CsvWriter csv, params string[] fields)
    {
        foreach (var field in fields) csv.WriteField(field);
    }

    private static void Header(CsvWriter csv, params string[] names)
    {
        Text(csv, names);
        csv.EndRecord();
    }

    private static string Write(Action<CsvWriter> body)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, CsvExport.Options, true))
        {
            body(csv);
            csv.Flush();
        }
        return text.ToString();
    }
}
