using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Hosting;

namespace TechCourse.Admin.Infrastructure.Security;

public sealed record KeyRingOptions : ISettings
{
    public static string Section => "DataProtection";

    // A PKCS#12 file; empty: one generated on first start (KeyRingCertificate.DefaultPath).
    public string CertificatePath { get; init; } = "";

    public string CertificatePassword { get; init; } = "";
}

// The certificate whose public key encrypts every Data Protection key before it is stored in the database, and whose
// private key (never in the database) decrypts them. Without a configured file, a self-signed one is generated on
// first start (mode 0600) beside the embedded cluster's data, or in .data/ under the content root for an external
// database: fine for one instance, but every instance sharing a database needs the same certificate.
public sealed record KeyRingCertificate(X509Certificate2 Certificate, string Path, bool Generated, bool Configured)
{
    public const string FileName = "data-protection.pfx";

    public static KeyRingCertificate Load(KeyRingOptions options, ConnectionStringsOptions connections, EmbeddedPostgresOptions embedded, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(contentRoot, options.CertificatePath));
            if (!File.Exists(path)) throw new EnvironmentProblemException($"DataProtection:CertificatePath names {path}, which does not exist.");
            return new KeyRingCertificate(Read(path, options.CertificatePassword), path, Generated: false, Configured: true);
        }
        var generated = DefaultPath(contentRoot, connections.External ? null : embedded.DataDirectory);
        var created = !File.Exists(generated) && Create(generated);
        return new KeyRingCertificate(Read(generated, null), generated, created, Configured: false);
    }

    // Beside the embedded cluster's data (embeddedDataDirectory), or in .data/ for an external database.
    public static string DefaultPath(string contentRoot, string? embeddedDataDirectory) => embeddedDataDirectory is not null
        ? System.IO.Path.Combine(System.IO.Path.GetFullPath(System.IO.Path.Combine(contentRoot, embeddedDataDirectory)), FileName)
        : System.IO.Path.Combine(contentRoot, ".data", FileName);

    private static X509Certificate2 Read(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, string.IsNullOrEmpty(password) ? null : password, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
                throw new EnvironmentProblemException($"The key ring's certificate {path} has no RSA private key.");
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new EnvironmentProblemException($"The key ring's certificate {path} could not be read ({e.Message}); check DataProtection:CertificatePassword.");
        }
    }

    // Written to a temporary file only its owner may read, then moved into place: a second instance starting at the
    // same moment keeps whichever arrived first. True when this call's file is the one in place.
    public static bool Create(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=TechCourse Admin key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temporary, options)) file.Write(certificate.Export(X509ContentType.Pkcs12));
        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }
}

public static class KeyRingServices
{
    // Data Protection's keys in PostgreSQL, encrypted with the key ring's certificate. Data Protection takes the
    // certificate itself (not a service), so it is loaded while the services are registered, from the same settings
    // records the app validates at start.
    public static void AddKeyRing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<KeyRingOptions>();
        var configuration = builder.Configuration;
        var keyRing = KeyRingCertificate.Load(configuration.ReadSettings<KeyRingOptions>(), configuration.ReadSettings<ConnectionStringsOptions>(),
            configuration.ReadSettings<EmbeddedPostgresOptions>(), builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(keyRing);
        builder.Services.AddHostedService<KeyRingStartupLog>();
        builder.Services.AddSingleton<PostgresXmlRepository>();
        builder.Services.AddDataProtection().SetApplicationName("TechCourse.Admin").ProtectKeysWithCertificate(keyRing.Certificate);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<PostgresXmlRepository>((options, repository) => options.XmlRepository = repository);
    }
}

// Says which certificate protects the key ring, and warns when instances sharing an external database would each
// use a certificate of their own.
public sealed class KeyRingStartupLog(KeyRingCertificate keyRing, DatabaseConnections connections, ILogger<KeyRingCertificate> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (keyRing.Generated) logger.LogInformation("Generated the key ring's certificate {Path} (DataProtection:CertificatePath is empty)", keyRing.Path);
        if (!keyRing.Configured && !connections.Embedded)
            logger.LogWarning("DataProtection:CertificatePath is empty: the key ring is encrypted with {Path}. Every instance sharing this database needs the same certificate: configure one.", keyRing.Path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
