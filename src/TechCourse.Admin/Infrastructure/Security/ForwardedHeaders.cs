using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Security;

// Behind a TLS proxy the scheme (secure cookies, HSTS) and the client address (sign-in limits and lockout) come from
// X-Forwarded-Proto and X-Forwarded-For, but only on connections from ReverseProxy:KnownProxies: anyone else's headers
// are ignored. X-Forwarded-Host is never read, and redirects are relative (SessionCookieEvents), so no Host a client
// sends is written back.
public static class ForwardedHeaders
{
    public static void AddForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<ReverseProxyOptions>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((options, proxies) =>
        {
            options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; only the configured proxies are trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var entry in proxies.Value.Entries)
            {
                if (IPAddress.TryParse(entry, out var address)) options.KnownProxies.Add(address);
                else options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            }
        });
    }

    public static void UseForwardedHeadersFromKnownProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ReverseProxyOptions>>().Value.Entries.Count > 0) app.UseForwardedHeaders();
    }
}
