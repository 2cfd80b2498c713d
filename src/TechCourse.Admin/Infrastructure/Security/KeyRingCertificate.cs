using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TechCourse.Admin.Infrastructure.Hosting;

namespace TechCourse.Admin.Infrastructure.Security;

/// The certificate whose public key encrypts every Data Protection key before it is stored in the database, and whose
/// private key (never in the database) decrypts them: DataProtection:CertificatePath (a PKCS#12 file) and
/// DataProtection:CertificatePassword. Without a path, a self-signed one is generated on first start (mode 0600) beside
/// the embedded cluster's data, or in .data/ under the content root for an external database — fine for one instance;
/// every instance sharing a database needs the same certificate, so give them one.
public static class KeyRingCertificate
{
    public const string FileName = "data-protection.pfx";

    public static X509Certificate2 Load(IConfiguration configuration, string contentRoot, bool embedded, ILogger logger)
    {
        var configured = configuration["DataProtection:CertificatePath"];
        var password = configuration["DataProtection:CertificatePassword"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(Path.Combine(contentRoot, configured));
            if (!File.Exists(path)) throw new EnvironmentProblemException($"DataProtection:CertificatePath names {path}, which does not exist.");
            return Read(path, password);
        }
        var generated = DefaultPath(configuration, contentRoot, embedded);
        if (!File.Exists(generated))
        {
            Create(generated);
            logger.LogInformation("Generated the key ring's certificate {Path} (DataProtection:CertificatePath is empty)", generated);
        }
        if (!embedded)
            logger.LogWarning("DataProtection:CertificatePath is empty: the key ring is encrypted with {Path}. Every instance sharing this database needs the same certificate: configure one.", generated);
        return Read(generated, null);
    }

    public static string DefaultPath(IConfiguration configuration, string contentRoot, bool embedded) => embedded
        ? Path.Combine(Path.GetFullPath(Path.Combine(contentRoot, configuration["EmbeddedPostgres:DataDirectory"] ?? ".data/postgres")), FileName)
        : Path.Combine(contentRoot, ".data", FileName);

    private static X509Certificate2 Read(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
                throw new EnvironmentProblemException($"The key ring's certificate {path} has no RSA private key.");
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new EnvironmentProblemException($"The key ring's certificate {path} could not be read ({e.Message}); check DataProtection:CertificatePassword.");
        }
    }

    /// Written to a temporary file only its owner may read, then moved into place: a second instance starting at the
    /// same moment keeps whichever arrived first.
    public static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
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
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
