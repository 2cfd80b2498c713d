using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace TechCourse.Admin.Infrastructure.DemoData;

/// The sales rollups (sql/0010) of the enrollments a bulk load copies, counted while they stream to COPY, so the load
/// writes the rollups in its own transaction instead of recomputing them from every enrollment afterwards. Same
/// shapes as sales_rollups_rebuild(): per course, per course title, per UTC day (running totals per quarter hour),
/// per course and UTC month (running totals per day), the grand total; money in cents.
internal sealed class SalesTally
{
    private const int QuartersPerDay = 96;
    private const int DaysPerMonth = 31;

    private readonly Dictionary<int, (long Enrollments, long Cents)> courses = [];
    private readonly Dictionary<DateOnly, long[]> days = [];
    private readonly Dictionary<(DateOnly Month, int CourseId), long[]> courseMonths = [];

    public IEnumerable<GeneratedEnrollment> Counting(IEnumerable<GeneratedEnrollment> enrollments)
    {
        foreach (var enrollment in enrollments)
        {
            Add(enrollment);
            yield return enrollment;
        }
    }

    private void Add(GeneratedEnrollment enrollment)
    {
        // amount_paid is NUMERIC(10,2): PostgreSQL rounds half away from zero to cents on the way in.
        var cents = (long)decimal.Round(enrollment.AmountPaid * 100, MidpointRounding.AwayFromZero);
        var (count, sum) = courses.GetValueOrDefault(enrollment.CourseId);
        courses[enrollment.CourseId] = (count + 1, sum + cents);

        var utc = enrollment.EnrolledAt.UtcDateTime;
        var day = DateOnly.FromDateTime(utc);
        var perQuarter = Cells(days, day, QuartersPerDay);
        var quarter = utc.Hour * 4 + utc.Minute / 15;
        perQuarter[quarter]++;
        perQuarter[QuartersPerDay + quarter] += cents;

        var perDay = Cells(courseMonths, (new DateOnly(day.Year, day.Month, 1), enrollment.CourseId), DaysPerMonth);
        perDay[day.Day - 1]++;
        perDay[DaysPerMonth + day.Day - 1] += cents;
    }

    /// The counts (first half) and cents (second half) of one row's cells.
    private static long[] Cells<TKey>(Dictionary<TKey, long[]> rows, TKey key, int cells) where TKey : notnull
    {
        if (!rows.TryGetValue(key, out var values))
            rows[key] = values = new long[cells * 2];
        return values;
    }

    /// Replaces the rollups with the tally, in the load's transaction (the courses are already copied).
    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition("""
            SELECT sales_rollups_clear();
            CREATE TEMP TABLE load_sales_course (course_id INT, enrollments BIGINT, cents BIGINT) ON COMMIT DROP;
            """, transaction: transaction, cancellationToken: ct));

        await using (var writer = await connection.BeginBinaryImportAsync("COPY load_sales_course FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (courseId, (count, cents)) in courses)
                await writer.WriteRowAsync(ct, courseId, count, cents);
            await writer.CompleteAsync(ct);
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
                         "COPY sales_day (day, running_enrollments, running_cents) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (day, cells) in days.OrderBy(d => d.Key))
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(day, NpgsqlDbType.Date, ct);
                await WriteRunningAsync(writer, cells, QuartersPerDay, ct);
            }
            await writer.CompleteAsync(ct);
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
                         "COPY sales_course_month (month, course_id, running_enrollments, running_cents) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var ((month, courseId), cells) in courseMonths.OrderBy(m => m.Key.Month).ThenBy(m => m.Key.CourseId))
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(month, NpgsqlDbType.Date, ct);
                await writer.WriteAsync(courseId, NpgsqlDbType.Integer, ct);
                await WriteRunningAsync(writer, cells, DaysPerMonth, ct);
            }
            await writer.CompleteAsync(ct);
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sales_course s SET enrollments = t.enrollments, gross_revenue = t.cents * 0.01
            FROM load_sales_course t WHERE s.course_id = t.course_id;
            INSERT INTO sales_title (title, enrollments, gross_revenue)
            SELECT c.title, sum(s.enrollments), sum(s.gross_revenue) FROM sales_course s JOIN courses c ON c.course_id = s.course_id GROUP BY c.title;
            UPDATE sales_total SET enrollments = x.enrollments, gross_revenue = x.gross_revenue
            FROM (SELECT coalesce(sum(enrollments), 0)::bigint AS enrollments, coalesce(sum(gross_revenue), 0.00) AS gross_revenue FROM sales_course) x;
            """, transaction: transaction, cancellationToken: ct));
    }

    /// The row's running counts, then its running cents.
    private static async Task WriteRunningAsync(NpgsqlBinaryImporter writer, long[] cells, int length, CancellationToken ct)
    {
        await writer.WriteAsync(Running(cells, 0, length), NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
        await writer.WriteAsync(Running(cells, length, length), NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
    }

    private static long[] Running(long[] cells, int start, int length)
    {
        var running = new long[length];
        var sum = 0L;
        for (var i = 0; i < length; i++)
            running[i] = sum += cells[start + i];
        return running;
    }
}
