using System.Security.Claims;
using System.Text;

namespace TechCourse.Admin.Infrastructure.Auth;

// The signed-in staff member on whose behalf a query or a write runs. Session is the token of their server-side
// session (sql/0019): a write sends it and the database acts as whoever that live session belongs to; without it (or
// once the session has ended) the database allows no write. UserId and Role scope what reads show.
public sealed record Actor(Guid UserId, string Email, string Role, string? Session = null)
{
    public const string SessionClaim = "techcourse:session";

    public bool IsAdmin => Role == StaffRoles.Admin;

    public static Actor? From(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
        && principal.FindFirstValue(ClaimTypes.Name) is { } email
        && principal.FindFirstValue(ClaimTypes.Role) is { } role
            ? new Actor(id, email, role, principal.FindFirstValue(SessionClaim))
            : null;

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, UserId.ToString()), new(ClaimTypes.Name, Email), new(ClaimTypes.Role, Role)];
        if (Session is not null) claims.Add(new Claim(SessionClaim, Session));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    // The session token is a credential: it stays out of logs and exception messages.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"UserId = {UserId}, Email = {Email}, Role = {Role}");
        return true;
    }
}
