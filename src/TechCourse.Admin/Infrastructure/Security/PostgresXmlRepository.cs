using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Infrastructure.Security;

// Data Protection's key ring in the data_protection_keys table, each key encrypted with the key ring's certificate
// (KeyRingCertificate) before it gets here. The runtime login reads the ring; new keys are written through the schema
// owner's connection, since a login that could insert a key it knows could forge cookies. While the database is
// unreachable the last ring read is served and new keys wait in memory; they are written on the next successful read,
// so nothing is lost.
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource, DatabaseConnections connections, ILogger<PostgresXmlRepository> logger) : IXmlRepository
{
    private readonly Lock gate = new();
    private readonly List<(string Name, string Xml)> pending = [];
    private IReadOnlyCollection<XElement> lastRead = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        try
        {
            FlushPending();
            using var connection = dataSource.OpenConnection();
            var rows = connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name");
            var elements = rows.Select(xml => XElement.Parse(xml)).ToList();
            lock (gate)
            {
                elements.AddRange(pending.Select(p => XElement.Parse(p.Xml)));
                lastRead = elements;
            }
            return elements;
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning("Data protection keys could not be read from the database ({Problem}); using the last key ring read", e.Message);
            lock (gate) return [.. lastRead, .. pending.Select(p => XElement.Parse(p.Xml))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var xml = element.ToString(SaveOptions.DisableFormatting);
        try
        {
            Insert(friendlyName, xml);
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning("Data protection key {Name} kept in memory until the database answers ({Problem})", friendlyName, e.Message);
            lock (gate) pending.Add((friendlyName, xml));
        }
    }

    private void FlushPending()
    {
        (string Name, string Xml)[] toWrite;
        lock (gate) toWrite = [.. pending];
        foreach (var (name, xml) in toWrite)
        {
            Insert(name, xml);
            lock (gate) pending.Remove((name, xml));
        }
    }

    private void Insert(string name, string xml)
    {
        using var owner = new NpgsqlConnection(connections.Migrations);
        owner.Open();
        owner.Execute("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml) ON CONFLICT (friendly_name) DO NOTHING", new { name, xml });
    }
}
