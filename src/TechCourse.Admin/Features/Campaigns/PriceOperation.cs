using System.Globalization;
using TechCourse.Admin.Features.Courses;

namespace TechCourse.Admin.Features.Campaigns;

public enum PriceOperationKind { Set, Percent, Amount }

// What a bulk change does to each course's price; the database computes the result (price_campaign_price), so the
// preview, the apply and the audit trigger's check agree to the cent. Ending: round to the nearest price ending in
// .99, .49 or .00 (halfway: the lower one), or null.
public sealed record PriceOperation(PriceOperationKind Kind, decimal Amount, decimal? Ending = null)
{
    public const decimal MinPercent = -100m;
    public const decimal MaxPercent = 1000m;
    public static readonly decimal[] Endings = [0.99m, 0.49m, 0.00m];
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    public string DatabaseName => Kind switch
    {
        PriceOperationKind.Set => "set",
        PriceOperationKind.Percent => "percent",
        _ => "amount",
    };

    public static PriceOperationKind KindOf(string databaseName) => databaseName switch
    {
        "set" => PriceOperationKind.Set,
        "percent" => PriceOperationKind.Percent,
        "amount" => PriceOperationKind.Amount,
        _ => throw new ArgumentOutOfRangeException(nameof(databaseName), databaseName, "not a campaign operation"),
    };

    // What is wrong with the amount for this kind of operation, if anything.
    public string? Error => Kind switch
    {
        PriceOperationKind.Set => CourseRules.PriceError(Amount),
        PriceOperationKind.Percent when Amount == 0 => "Enter a percentage other than 0.",
        PriceOperationKind.Percent when Amount < MinPercent || Amount > MaxPercent => "The percentage must be between −100 and +1,000.",
        PriceOperationKind.Percent when decimal.Round(Amount, 2) != Amount => "The percentage can have at most 2 decimals.",
        PriceOperationKind.Amount when Amount == 0 => "Enter an amount other than 0.",
        PriceOperationKind.Amount when Math.Abs(Amount) > CourseRules.MaxPrice => "The amount must be between −99,999,999.99 and +99,999,999.99.",
        PriceOperationKind.Amount when decimal.Round(Amount, 2) != Amount => CourseRules.PriceDecimals,
        _ when Ending is { } ending && !Endings.Contains(ending) => "Round to .99, .49 or .00.",
        _ => null,
    };

    public string Describe()
    {
        var what = Kind switch
        {
            PriceOperationKind.Set => $"set to {CourseRules.FormatPrice(Amount)}",
            PriceOperationKind.Percent => $"{(Amount < 0 ? "−" : "+")}{Math.Abs(Amount).ToString("0.##", Us)} %",
            _ => $"{(Amount < 0 ? "−" : "+")}{CourseRules.FormatPrice(Math.Abs(Amount))}",
        };
        return Ending is { } ending ? $"{what}, rounded to ….{(ending * 100).ToString("00", Us)}" : what;
    }
}
