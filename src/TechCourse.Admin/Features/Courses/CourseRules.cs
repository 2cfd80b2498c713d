using System.Globalization;

namespace TechCourse.Admin.Features.Courses;

// What a course's fields must satisfy before the database is asked; the database's own CHECKs stay the last guard.
public static class CourseRules
{
    public const decimal MaxPrice = 99_999_999.99m;
    public const int MaxTitleLength = 200;
    public const int MaxReasonLength = 500;
    public const string PriceRequired = "Enter a price.";
    public const string PriceNotANumber = "Enter the price as a number, e.g. 49.99.";
    public const string PriceRange = "The price must be between 0 and 99,999,999.99.";
    public const string PriceDecimals = "The price can have at most 2 decimals.";
    public static readonly string[] Difficulties = ["Easy", "Medium", "Hard"];
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    public static string? PriceError(decimal price) =>
        price < 0 || price > MaxPrice ? PriceRange : decimal.Round(price, 2) != price ? PriceDecimals : null;

    // Parses what the user typed ("1,234.5", "$20") and says what is wrong with it, if anything.
    public static (decimal? Price, string? Error) ParsePrice(string? text)
    {
        var trimmed = text?.Trim().TrimStart('$').Trim();
        if (string.IsNullOrEmpty(trimmed)) return (null, PriceRequired);
        if (!decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, Us, out var price))
            return (null, PriceNotANumber);
        return PriceError(price) is { } error ? (null, error) : (price, null);
    }

    public static string? TitleError(string? title) =>
        string.IsNullOrWhiteSpace(title) ? "Enter a title."
        : title.Trim().Length > MaxTitleLength ? $"The title can have at most {MaxTitleLength} characters ({title.Trim().Length} now)."
        : null;

    public static string? ReasonError(string? reason) =>
        reason is not null && reason.Trim().Length > MaxReasonLength ? $"The reason can have at most {MaxReasonLength} characters." : null;

    public static string FormatPrice(decimal price) => price.ToString("C2", Us);
}
