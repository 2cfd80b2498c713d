using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Security;

// Data Protection's key ring in the data_protection_keys table. While the database is unreachable the last ring read
// is served and new keys wait in memory; they are written on the next successful read, so nothing is lost.
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource, ILogger<PostgresXmlRepository> logger) : IXmlRepository
{
    private readonly Lock gate = new();
    private readonly List<(string Name, string Xml)> pending = [];
    private IReadOnlyCollection<XElement> lastRead = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        try
        {
            using var connection = dataSource.OpenConnection();
            FlushPending(connection);
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
            using var connection = dataSource.OpenConnection();
            Insert(connection, friendlyName, xml);
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning("Data protection key {Name} kept in memory until the database answers ({Problem})", friendlyName, e.Message);
            lock (gate) pending.Add((friendlyName, xml));
        }
    }

    private void FlushPending(NpgsqlConnection connection)
    {
        (string Name, string Xml)[] toWrite;
        lock (gate) toWrite = [.. pending];
        foreach (var (name, xml) in toWrite)
        {
            Insert(connection, name, xml);
            lock (gate) pending.Remove((name, xml));
        }
    }

    private static void Insert(NpgsqlConnection connection, string name, string xml) =>
        connection.Execute("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml) ON CONFLICT (friendly_name) DO NOTHING", new { name, xml });
}
