using System.ComponentModel.DataAnnotations;
using System.Net;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Infrastructure.Security;

namespace TechCourse.Admin.Infrastructure.Observability;

public sealed record ObservabilityOptions : ISettings
{
    public static string Section => "Observability";

    // The port of a listener of its own that serves only GET /metrics (Prometheus text); 0: no scrape endpoint. Never
    // the app's port: a proxy in front of the pages would otherwise hand the metrics to anyone.
    [Range(0, 65_535, ErrorMessage = "must be 0 (off) or a TCP port from 1 to {2}")]
    public int PrometheusPort { get; init; }

    // Who may scrape: comma-separated addresses or networks; anyone else gets 404. Loopback only unless widened, and
    // the listener binds to loopback unless an entry is not a loopback address.
    [AddressList]
    public string PrometheusAllowedAddresses { get; init; } = "127.0.0.1,::1";

    // Where metrics and traces are pushed over OTLP (e.g. http://127.0.0.1:4317 for gRPC, or …:4318 with
    // OtlpProtocol HttpProtobuf); empty: nothing is sent anywhere.
    [AbsoluteHttpUrl]
    public string OtlpEndpoint { get; init; } = "";

    [EnumDataType(typeof(OtlpProtocol), ErrorMessage = "must be Grpc or HttpProtobuf")]
    public OtlpProtocol OtlpProtocol { get; init; } = OtlpProtocol.Grpc;

    // One JSON object per log line on the console (the framework's JsonConsoleFormatter) instead of the plain text.
    public bool JsonLogs { get; init; }

    public bool Prometheus => PrometheusPort != 0;
    public bool Otlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    public IReadOnlyList<IPNetwork> AllowedNetworks => new ReverseProxyOptions { KnownProxies = PrometheusAllowedAddresses }.Entries
        .Select(entry => IPAddress.TryParse(entry, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8) : IPNetwork.Parse(entry))
        .ToList();
}

public enum OtlpProtocol { Grpc, HttpProtobuf }

public sealed class AbsoluteHttpUrlAttribute : ValidationAttribute
{
    public AbsoluteHttpUrlAttribute() : base("must be empty or an absolute http(s) URL such as http://127.0.0.1:4317") { }

    public override bool IsValid(object? value) =>
        value is not string text || string.IsNullOrWhiteSpace(text)
        || Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
