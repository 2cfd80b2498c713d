using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace TechCourse.Admin.Infrastructure.Configuration;

// A group of settings read from one section of the configuration. Every property is a key (Section:Property) that
// appsettings.json lists with the property's default and README.md's configuration table documents
// (ConfigurationDocumentationTests keeps the three in step).
public interface ISettings
{
    static abstract string Section { get; }
}

public static class SettingsRegistration
{
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services) where T : class, ISettings
    {
        services.AddSingleton<IValidateOptions<T>, SettingsValidator<T>>();
        return services.AddOptions<T>().BindConfiguration(T.Section).ValidateOnStart();
    }

    // For the rare setting needed while services are registered, before any options exist: bound and checked by the
    // same rules, and a broken rule stops the start the same way.
    public static T ReadSettings<T>(this IConfiguration configuration) where T : class, ISettings, new()
    {
        var settings = configuration.GetSection(T.Section).Get<T>() ?? new T();
        var result = new SettingsValidator<T>().Validate(Options.DefaultName, settings);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(T), result.Failures) : settings;
    }
}

// Checks the data annotations of a settings record and names each broken rule by its configuration key and value,
// so an operator reads e.g. "Database:ProbeIntervalSeconds is '0': must be a number of seconds from 0.1 to 3600".
public sealed class SettingsValidator<T> : IValidateOptions<T> where T : class, ISettings
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)) return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(results.Select(result =>
        {
            var member = result.MemberNames.FirstOrDefault() ?? "";
            var value = typeof(T).GetProperty(member)?.GetValue(options);
            return $"{T.Section}:{member} is '{Convert.ToString(value, CultureInfo.InvariantCulture)}': {result.ErrorMessage}";
        }));
    }
}

public sealed class TimeZoneIdAttribute : ValidationAttribute
{
    public TimeZoneIdAttribute() : base("must be an IANA time zone id such as UTC or Europe/Berlin") { }

    public override bool IsValid(object? value) => value is string id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}

public sealed class ConnectionStringAttribute : ValidationAttribute
{
    public ConnectionStringAttribute() : base("must be empty or a PostgreSQL connection string such as Host=…;Database=…;Username=…;Password=…") { }

    public override bool IsValid(object? value)
    {
        if (value is not string text || string.IsNullOrWhiteSpace(text)) return true;
        try
        {
            return !string.IsNullOrEmpty(new Npgsql.NpgsqlConnectionStringBuilder(text).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
