using MudBlazor;

namespace TechCourse.Admin.Components.Layout;

// MudBlazor's palettes with colours that keep WCAG AA contrast: text and links at least 4.5:1 on the page and on
// tinted table rows, white on the light colours and near-black on the dark ones (the defaults' chips were 2.2:1, error
// text 3.7:1 and dark-mode links 2.8:1).
public static class AppTheme
{
    public const string CookieName = "theme";

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#594AE2",
            AppbarBackground = "#594AE2",
            Secondary = "#C2185B",
            Info = "#1565C0",
            Success = "#2E7D32",
            Warning = "#B45309",
            Error = "#C62828",
            TextSecondary = "rgba(0,0,0,0.62)",
            ActionDefault = "rgba(0,0,0,0.62)",
            LinesInputs = "#8a8a8a",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#B8B0F8",
            PrimaryContrastText = "#000000",
            Secondary = "#F8BBD0",
            SecondaryContrastText = "#000000",
            Info = "#90CAF9",
            InfoContrastText = "#000000",
            Success = "#81C784",
            SuccessContrastText = "#000000",
            Warning = "#FFCC80",
            WarningContrastText = "#000000",
            Error = "#FFB4A9",
            ErrorContrastText = "#000000",
            TextPrimary = "rgba(255,255,255,0.87)",
            TextSecondary = "rgba(255,255,255,0.70)",
            ActionDefault = "rgba(255,255,255,0.75)",
            AppbarText = "rgba(255,255,255,0.87)",
            DrawerText = "rgba(255,255,255,0.87)",
            DrawerIcon = "rgba(255,255,255,0.75)",
            LinesInputs = "rgba(255,255,255,0.5)",
            TableStriped = "rgba(255,255,255,0.04)",
            TableHover = "rgba(255,255,255,0.08)",
        },
    };

    // The remembered choice from the cookie: true dark, false light, null not chosen (follow the system's preference).
    public static bool? FromCookie(string? value) => value switch { "dark" => true, "light" => false, _ => null };
}
