using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace TechCourse.Admin.Infrastructure.DemoData;

// The sales rollups (sql/0010) of the enrollments a bulk load copies, counted while they stream to COPY, so the load
// writes the rollups in its own transaction instead of recomputing them from every enrollment afterwards. Same
// shapes as sales_rollups_rebuild(): per course, per course title, per UTC day (running totals per quarter hour),
// per course and UTC month (running totals per day), the grand total (then sales_difficulty from the courses and
// the per-course totals); money in cents.
internal sealed class SalesTally
{
    private const int QuartersPerDay = 96;
    private const int DaysPerMonth = 31;
    private const long TicksPerQuarter = TimeSpan.TicksPerMinute * 15;

    // One entry per enrollment, appended in arrival order and sorted once at the end: (course, UTC day, quarter hour)
    // packed in a key, and its cents. Sequential writes instead of a random cell per row in 100 MB of per-course,
    // per-month arrays, whose cache and TLB misses cost more than the COPY itself.
    private long[] keys = new long[1 << 16];
    private long[] amounts = new long[1 << 16];
    private int count;

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
        if (count == keys.Length)
        {
            Array.Resize(ref keys, count * 2);
            Array.Resize(ref amounts, count * 2);
        }
        // timestamptz keeps whole microseconds (Npgsql truncates the ticks) and every quarter hour starts on one, so the
        // ticks give the stored value's UTC day and quarter hour.
        var ticks = enrollment.EnrolledAt.UtcTicks;
        var quarter = (ticks / TimeSpan.TicksPerDay) * QuartersPerDay + ticks % TimeSpan.TicksPerDay / TicksPerQuarter;
        keys[count] = ((long)enrollment.CourseId << 32) | quarter;
        // amount_paid is NUMERIC(10,2): PostgreSQL rounds half away from zero to cents on the way in.
        amounts[count] = (long)decimal.Round(enrollment.AmountPaid * 100, MidpointRounding.AwayFromZero);
        count++;
    }

    private sealed record Rollups(
        List<(int CourseId, long Enrollments, long Cents)> Courses,
        List<(DateOnly Day, long[] Cells)> Days,
        List<(DateOnly Month, int CourseId, long[] Cells)> CourseMonths);

    // One pass over the sorted entries: per course, per UTC day (quarter hours), per course and UTC month (days);
    // each row's counts in the first half of its cells, its cents in the second.
    private Rollups Fold()
    {
        Array.Sort(keys, amounts, 0, count);
        var courses = new List<(int, long, long)>();
        var days = new Dictionary<int, long[]>();
        var courseMonths = new List<(DateOnly Month, int CourseId, long[] Cells)>();
        long[]? month = null;
        var (course, monthStart, courseCount, courseCents) = (-1, -1, 0L, 0L);
        for (var i = 0; i < count; i++)
        {
            var (rowCourse, quarter) = ((int)(keys[i] >> 32), (int)(keys[i] & uint.MaxValue));
            var dayNumber = quarter / QuartersPerDay;
            var day = DateOnly.FromDayNumber(dayNumber);
            if (rowCourse != course)
            {
                if (course >= 0) courses.Add((course, courseCount, courseCents));
                (course, monthStart, courseCount, courseCents) = (rowCourse, -1, 0, 0);
            }
            courseCount++;
            courseCents += amounts[i];

            if (dayNumber - day.Day + 1 != monthStart)
            {
                monthStart = dayNumber - day.Day + 1;
                month = new long[DaysPerMonth * 2];
                courseMonths.Add((DateOnly.FromDayNumber(monthStart), course, month));
            }
            month![day.Day - 1]++;
            month[DaysPerMonth + day.Day - 1] += amounts[i];

            if (!days.TryGetValue(dayNumber, out var cells))
                days[dayNumber] = cells = new long[QuartersPerDay * 2];
            cells[quarter % QuartersPerDay]++;
            cells[QuartersPerDay + quarter % QuartersPerDay] += amounts[i];
        }
        if (course >= 0) courses.Add((course, courseCount, courseCents));
        return new Rollups(courses, days.OrderBy(d => d.Key).Select(d => (DateOnly.FromDayNumber(d.Key), d.Value)).ToList(),
            courseMonths.OrderBy(m => m.Month).ThenBy(m => m.CourseId).ToList());
    }

    // Replaces the rollups with the tally, in the load's transaction (the courses are already copied).
    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var rollups = Fold();
        await connection.ExecuteAsync(new CommandDefinition("""
            SELECT sales_rollups_clear();
            CREATE TEMP TABLE load_sales_course (course_id INT, enrollments BIGINT, cents BIGINT) ON COMMIT DROP;
            """, transaction: transaction, cancellationToken: ct));

        await using (var writer = await connection.BeginBinaryImportAsync("COPY load_sales_course FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (courseId, enrollments, cents) in rollups.Courses)
                await writer.WriteRowAsync(ct, courseId, enrollments, cents);
            await writer.CompleteAsync(ct);
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
                         "COPY sales_day (day, running_enrollments, running_cents) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (day, cells) in rollups.Days)
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
            foreach (var (month, courseId, cells) in rollups.CourseMonths)
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
            SELECT sales_difficulty_rebuild();
            """, transaction: transaction, cancellationToken: ct));
    }

    // The row's running counts, then its running cents.
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
