using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace TechCourse.Admin.Components.Layout;

// MudThemeProvider whose generated stylesheet (tens of thousands of characters of CSS variables, rebuilt on every
// render) is shared by all circuits instead of copied into each circuit's render tree. One entry per distinct
// stylesheet (light, dark).
public sealed class SharedThemeProvider : MudThemeProvider
{
    private const string ChartStyle = "<style>.mud-chart-serie:hover, .mud-chart-serie-hovered { filter: url(#lighten); }</style>";
    private static readonly MarkupString Scrollbar = new(BuildMudBlazorScrollbar() + ChartStyle);
    private static readonly ConcurrentDictionary<string, string> Stylesheets = new(StringComparer.Ordinal);

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        var css = BuildTheme();
        builder.AddContent(0, Scrollbar);
        builder.AddContent(1, new MarkupString(Stylesheets.GetOrAdd(css, css)));
    }
}
