using System.Text;
using System.Text.Json;
using Bogus;

namespace TechCourse.Admin.Infrastructure.DemoData;

// Deterministic demo data: the same seed, scale and end date always give the same rows.
public sealed class DemoDataGenerator
{
    private static readonly string[] Levels = ["Easy", "Medium", "Hard"];
    private static readonly string[] Adjectives =
        ["Advanced", "Practical", "Modern", "Complete", "Hands-on", "Essential", "Professional", "Applied", "Effective", "Pragmatic",
         "Beginner's", "Intermediate", "Expert", "Real-World", "Fast-Track", "Deep-Dive", "Production", "Fundamental", "Intensive", "Mastering"];
    private static readonly string[] Topics =
        ["PostgreSQL", "SQL Query Tuning", "C#", ".NET", "Blazor", "ASP.NET Core", "Kubernetes", "Docker", "Linux", "Git",
         "Python", "Data Engineering", "Machine Learning", "Statistics", "Rust", "Go", "TypeScript", "React", "Web Security", "Networking",
         "Cloud Architecture", "Distributed Systems", "Event Sourcing", "Domain-Driven Design", "Unit Testing", "DevOps", "Terraform", "Bash Scripting", "Data Visualization", "Excel",
         "Product Management", "UX Design", "Accessibility", "GraphQL", "REST API Design", "Microservices", "Redis", "Kafka", "Elasticsearch", "Observability",
         "Site Reliability", "Algorithms", "Data Structures", "Compilers", "Operating Systems", "Cryptography", "Mobile Development", "Game Development", "Embedded C", "Spreadsheets"];
    private static readonly string[] Kinds =
        ["Masterclass", "Bootcamp", "Fundamentals", "Workshop", "in Practice", "Crash Course", "for Professionals", "from Scratch", "Deep Dive", "Essentials",
         "Cookbook", "Patterns", "Lab", "Certification Prep", "Handbook"];
    private static readonly decimal[] StartingPrices = [0m, 9.99m, 14.99m, 19.99m, 29.99m, 39.99m, 49.99m, 59.99m, 79.99m, 99.99m, 129.99m, 149.99m, 199.99m];

    // The demo's instructor sign-in (Development only) belongs to this generated instructor, so it has courses.
    public const string FirstInstructorEmail = "instructor@techcourse.com";

    private readonly int seed;
    private readonly DateTimeOffset until;
    private readonly DateTimeOffset historyStart;
    private readonly Lazy<StudentDirectory> students;
    private readonly Lazy<CourseCatalog> catalog;

    public DemoDataGenerator(DataScale scale, int seed, DateTimeOffset until)
    {
        Scale = scale;
        this.seed = seed;
        this.until = Microseconds(until.ToUniversalTime());
        historyStart = this.until.AddDays(-scale.HistoryDays);
        Instructors = GenerateInstructors();
        students = new Lazy<StudentDirectory>(GenerateStudentDirectory);
        catalog = new Lazy<CourseCatalog>(GenerateCatalog);
    }

    public DataScale Scale { get; }
    public IReadOnlyList<GeneratedUser> Instructors { get; }
    public IReadOnlyList<GeneratedCourse> Courses => catalog.Value.Courses;

    public IEnumerable<GeneratedUser> Students()
    {
        var directory = students.Value;
        var faker = new Faker { Random = new Randomizer(Stream(2)) };
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Scale.Students; i++)
        {
            var email = UniqueEmail(taken, faker.Name.FirstName(), faker.Name.LastName(), faker.PickRandom(StudentDomains), i);
            yield return new GeneratedUser(directory.Ids[i], email, "Student", directory.CreatedAt[i]);
        }
    }

    public IEnumerable<GeneratedPriceChange> PriceChanges()
    {
        var histories = catalog.Value.Histories;
        for (var c = 0; c < histories.Length; c++)
        {
            var history = histories[c];
            for (var i = 1; i < history.Prices.Length; i++)
                yield return new GeneratedPriceChange(c + 1, history.Prices[i - 1], history.Prices[i], history.Times[i]);
        }
    }

    public IEnumerable<GeneratedEnrollment> Enrollments()
    {
        var directory = students.Value;
        var (courses, histories, published) = catalog.Value;
        if (published.Length == 0 || Scale.Enrollments == 0) yield break;
        var random = new Random(Stream(5));
        var perStudent = Scale.Enrollments / Scale.Students;
        var extra = Scale.Enrollments % Scale.Students;
        var picked = new int[64];
        for (var s = 0; s < Scale.Students; s++)
        {
            var count = Math.Min(perStudent + (s < extra ? 1 : 0), Math.Min(picked.Length, published.Length));
            var windowStart = directory.CreatedAt[s] > historyStart ? directory.CreatedAt[s] : historyStart;
            var windowTicks = (until - windowStart).Ticks;
            for (var k = 0; k < count; k++)
            {
                int course;
                do course = published[(int)(published.Length * Math.Pow(random.NextDouble(), 1.6))];
                while (Array.IndexOf(picked, course, 0, k) >= 0);
                picked[k] = course;
                var at = Microseconds(windowStart.AddTicks((long)(random.NextDouble() * windowTicks)));
                yield return new GeneratedEnrollment(directory.Ids[s], courses[course].CourseId, histories[course].PriceAt(at), at);
            }
        }
    }

    private static readonly string[] StudentDomains = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com", "fastmail.com", "example.org"];

    private List<GeneratedUser> GenerateInstructors()
    {
        var faker = new Faker { Random = new Randomizer(Stream(1)) };
        var taken = new HashSet<string>(StringComparer.Ordinal);
        return Enumerable.Range(0, Scale.Instructors).Select(i =>
        {
            var email = UniqueEmail(taken, faker.Name.FirstName(), faker.Name.LastName(), "techcourse.com", i);
            if (i == 0) email = FirstInstructorEmail;
            var createdAt = Microseconds(historyStart.AddDays(-faker.Random.Int(30, 900)).AddSeconds(faker.Random.Int(0, 86_399)));
            return new GeneratedUser(NewGuid(faker.Random), email, "Instructor", createdAt);
        }).ToList();
    }

    private StudentDirectory GenerateStudentDirectory()
    {
        var random = new Randomizer(Stream(3));
        var ids = new Guid[Scale.Students];
        var createdAt = new DateTimeOffset[Scale.Students];
        var span = TimeSpan.FromDays(Scale.HistoryDays + 365).Ticks;
        var earliest = until.AddDays(-(Scale.HistoryDays + 365));
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = NewGuid(random);
            createdAt[i] = Microseconds(earliest.AddTicks((long)(random.Double() * (span - TimeSpan.TicksPerDay))));
        }
        return new StudentDirectory(ids, createdAt);
    }

    private CourseCatalog GenerateCatalog()
    {
        var random = new Random(Stream(4));
        var titleCount = Adjectives.Length * Topics.Length * Kinds.Length;
        var titleOrder = Enumerable.Range(0, titleCount).ToArray();
        random.Shuffle(titleOrder);
        var changesPerCourse = Scale.PriceChanges / Scale.Courses;
        var extraChanges = Scale.PriceChanges % Scale.Courses;
        var courses = new GeneratedCourse[Scale.Courses];
        var histories = new PriceHistory[Scale.Courses];
        for (var c = 0; c < courses.Length; c++)
        {
            histories[c] = GenerateHistory(random, changesPerCourse + (c < extraChanges ? 1 : 0));
            courses[c] = new GeneratedCourse(
                CourseId: c + 1,
                InstructorId: Instructors[random.Next(Instructors.Count)].UserId,
                Title: Title(titleOrder[c % titleCount], c / titleCount),
                Price: histories[c].Prices[^1],
                IsPublished: random.NextDouble() < 0.85,
                QuizMetadata: QuizMetadata(random));
        }
        var published = Enumerable.Range(0, courses.Length).Where(c => courses[c].IsPublished).ToArray();
        return new CourseCatalog(courses, histories, published);
    }

    private PriceHistory GenerateHistory(Random random, int changes)
    {
        var prices = new decimal[changes + 1];
        var times = new DateTimeOffset[changes + 1];
        prices[0] = StartingPrices[random.Next(StartingPrices.Length)];
        times[0] = historyStart;
        var offsets = Enumerable.Range(0, changes).Select(_ => random.NextDouble()).Order().ToArray();
        for (var i = 1; i <= changes; i++)
        {
            times[i] = Microseconds(historyStart.AddTicks((long)(offsets[i - 1] * (until - historyStart).Ticks)));
            prices[i] = NextPrice(random, prices[i - 1]);
        }
        return new PriceHistory(times, prices);
    }

    private static decimal NextPrice(Random random, decimal old)
    {
        var candidate = old == 0m ? 19.99m : Math.Max(0.99m, Math.Round(old * (decimal)(0.6 + random.NextDouble() * 0.8)) - 0.01m);
        return candidate == old ? old + 10m : candidate;
    }

    private static string? QuizMetadata(Random random)
    {
        var roll = random.NextDouble();
        if (roll < 0.12) return null;
        var metadata = new Dictionary<string, object>();
        if (roll < 0.20)
        {
            metadata["questions"] = random.Next(5, 120);
            return JsonSerializer.Serialize(metadata);
        }
        metadata["questions"] = random.Next(5, 120);
        metadata["difficulty"] = Levels[random.Next(Levels.Length)];
        metadata["passing_score"] = random.Next(10, 20) * 5;
        if (random.NextDouble() < 0.3) metadata["time_limit_minutes"] = random.Next(2, 13) * 10;
        if (random.NextDouble() < 0.2) metadata["retakes_allowed"] = random.Next(0, 4);
        return JsonSerializer.Serialize(metadata);
    }

    private static string Title(int index, int round)
    {
        var kind = Kinds[index % Kinds.Length];
        var topic = Topics[index / Kinds.Length % Topics.Length];
        var adjective = Adjectives[index / (Kinds.Length * Topics.Length)];
        var title = $"{adjective} {topic} {kind}";
        return round == 0 ? title : $"{title}, Vol. {round + 1}";
    }

    private static string UniqueEmail(HashSet<string> taken, string first, string last, string domain, int index)
    {
        var local = $"{Slug(first)}.{Slug(last)}";
        var email = $"{local}@{domain}";
        if (!taken.Add(email))
        {
            email = $"{local}{index}@{domain}";
            taken.Add(email);
        }
        return email;
    }

    private static string Slug(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var ch in name.ToLowerInvariant())
            if (ch is >= 'a' and <= 'z') builder.Append(ch);
        return builder.Length == 0 ? "user" : builder.ToString();
    }

    private static Guid NewGuid(Randomizer random)
    {
        var bytes = random.Bytes(16);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static DateTimeOffset Microseconds(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);

    private int Stream(int part) => unchecked(seed * 7919 + part * 104_729);

    private sealed record StudentDirectory(Guid[] Ids, DateTimeOffset[] CreatedAt);

    private sealed record CourseCatalog(GeneratedCourse[] Courses, PriceHistory[] Histories, int[] Published);

    private sealed record PriceHistory(DateTimeOffset[] Times, decimal[] Prices)
    {
        public decimal PriceAt(DateTimeOffset at)
        {
            var index = Array.BinarySearch(Times, at);
            return Prices[index >= 0 ? index : Math.Max(0, ~index - 1)];
        }
    }
}
