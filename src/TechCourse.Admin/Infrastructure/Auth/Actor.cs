using System.Security.Claims;

namespace TechCourse.Admin.Infrastructure.Auth;

// The signed-in staff member on whose behalf a write runs.
public sealed record Actor(Guid UserId, string Email, string Role)
{
    public bool IsAdmin => Role == StaffRoles.Admin;

    public static Actor? From(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
        && principal.FindFirstValue(ClaimTypes.Name) is { } email
        && principal.FindFirstValue(ClaimTypes.Role) is { } role
            ? new Actor(id, email, role)
            : null;

    public ClaimsPrincipal ToPrincipal(string authenticationType) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, UserId.ToString()), new Claim(ClaimTypes.Name, Email), new Claim(ClaimTypes.Role, Role)],
        authenticationType, ClaimTypes.Name, ClaimTypes.Role));
}
