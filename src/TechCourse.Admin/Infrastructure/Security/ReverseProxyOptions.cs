using System.ComponentModel.DataAnnotations;
using System.Net;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Security;

public sealed record ReverseProxyOptions : ISettings
{
    public static string Section => "ReverseProxy";

    // Comma-separated addresses (127.0.0.1, ::1) or networks (127.0.0.0/8) of the proxies in front of the app.
    [AddressList]
    public string KnownProxies { get; init; } = "";

    public IReadOnlyList<string> Entries => KnownProxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class AddressListAttribute : ValidationAttribute
{
    public AddressListAttribute() : base("must be empty or a comma-separated list of IP addresses or networks such as 127.0.0.1, ::1, 127.0.0.0/8") { }

    public override bool IsValid(object? value) =>
        value is string text && new ReverseProxyOptions { KnownProxies = text }.Entries.All(entry => IPAddress.TryParse(entry, out _) || IPNetwork.TryParse(entry, out _));
}
