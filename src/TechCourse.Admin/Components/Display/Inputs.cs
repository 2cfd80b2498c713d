using MudBlazor;

namespace TechCourse.Admin.Components.Display;

// The one look and timing of every input in the app: outlined, dense, and the same pause after the last key.
public static class Inputs
{
    public const Variant Variant = MudBlazor.Variant.Outlined;
    public const Margin Margin = MudBlazor.Margin.Dense;
    public const int Debounce = 300;
    public static readonly int[] PageSizes = [15, 25, 50, 100];
}
