using System.Data;
using Dapper;

namespace TechCourse.Admin.Infrastructure.Database;

// Npgsql reads timestamptz as a UTC DateTime and writes DateTimeOffset only at offset 0: rows get DateTimeOffset,
// parameters are sent in UTC whatever offset the caller used.
internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset offset => offset,
        _ => throw new DataException($"Cannot read {value.GetType()} as DateTimeOffset."),
    };

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.DateTimeOffset;
        parameter.Value = value.ToUniversalTime();
    }
}
