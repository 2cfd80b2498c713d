using System.Globalization;
using TechCourse.Admin.Features.Sales;

namespace TechCourse.Admin.Tests.Features.Sales;

public sealed class SalesCsvTests
{
    private static readonly SalesRange Range = new(new DateOnly(2026, 3, 29), new DateOnly(2026, 3, 30), "Europe/Berlin");

    [Fact]
    public void The_by_day_file_has_two_decimal_amounts_iso_days_with_the_zone_offset_and_a_totals_row_equal_to_the_sum()
    {
        var rows = new[]
        {
            new DaySales(new DateOnly(2026, 3, 29), 2, 1234.5m, new DateOnly(2026, 3, 27), 1, 0.1m),
            new DaySales(new DateOnly(2026, 3, 30), 1, 0.05m, new DateOnly(2026, 3, 28), 0, 0m),
        };

        var lines = SalesCsv.Days(rows, Range).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal("day,day_start,enrollments,gross_revenue,previous_day,previous_enrollments,previous_gross_revenue,revenue_change_percent,time_zone", lines[0]);
        Assert.Equal("2026-03-29,2026-03-29T00:00:00+01:00,2,1234.50,2026-03-27,1,0.10,1234400.0,Europe/Berlin", lines[1]);
        Assert.Equal("2026-03-30,2026-03-30T00:00:00+02:00,1,0.05,2026-03-28,0,0.00,,Europe/Berlin", lines[2]);
        Assert.Equal("Total,,3,1234.55,,1,0.10,,Europe/Berlin", lines[3]);
    }

    [Fact]
    public void The_file_name_says_report_range_and_zone()
    {
        Assert.Equal("sales-by-day_2026-03-29_to_2026-03-30_Europe-Berlin.csv", SalesCsv.FileName("by-day", Range, Range.TimeZone));
    }

    [Fact]
    public void The_course_file_holds_the_searched_and_sorted_rows_shown_with_their_sum()
    {
        var rows = new[] { new CourseSales(1, "SQL, the basics", "ada@x.com", 3, 30.3m), new CourseSales(2, "Go", null, 1, 9.99m), new CourseSales(3, "SQL deep", "bob@x.com", 2, 100m) };
        var shown = SalesView.Apply(rows, "sql", "course", descending: false);

        var lines = SalesCsv.Courses(shown, null, "UTC").TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal(["3,SQL deep,bob@x.com,2,100.00,,,UTC", "1,\"SQL, the basics\",ada@x.com,3,30.30,,,UTC", ",Total,,5,130.30,,,UTC"], lines.Skip(1));
        Assert.Equal(130.30m, lines.Skip(1).SkipLast(1).Sum(l => decimal.Parse(l.Split(',')[^4], CultureInfo.InvariantCulture)));
    }
}
