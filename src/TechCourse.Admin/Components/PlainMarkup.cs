using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace TechCourse.Admin.Components;

// MudBlazor's look without a component per use, for what repeats on every grid row: each component instance keeps its
// own render-tree buffers and parameter state for the life of the circuit (a few KB each), markup costs a few frames.
// The classes and SVG are what MudButton, MudIconButton and MudChip render.
public static class PlainMarkup
{
    public const string TextButtonClass = "mud-button-root mud-button mud-button-text mud-button-text-default mud-button-text-size-small mud-ripple";
    public const string IconButtonClass = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-icon-button-size-small";
    public const string PagerButtonClass = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-flip-x-rtl";
    public const string ErrorIconButtonClass = "mud-button-root mud-icon-button mud-error-text hover:mud-error-hover mud-ripple mud-ripple-icon mud-icon-button-size-small";

    public static readonly MarkupString EditIcon = Icon(Icons.Material.Filled.Edit);
    public static readonly MarkupString AddIcon = Icon(Icons.Material.Filled.Add, "medium");
    public static readonly MarkupString FilterOffIcon = Icon(Icons.Material.Filled.FilterAltOff, "medium");
    public static readonly MarkupString EditButtonContent = IconButtonContent(Icons.Material.Filled.Edit);
    public static readonly MarkupString HistoryButtonContent = IconButtonContent(Icons.Material.Filled.History);
    public static readonly MarkupString DeleteButtonContent = IconButtonContent(Icons.Material.Filled.Delete);

    public static readonly MarkupString FirstPageIcon = IconButtonContent(Icons.Material.Filled.FirstPage, "medium");
    public static readonly MarkupString PreviousPageIcon = IconButtonContent(Icons.Material.Filled.NavigateBefore, "medium");
    public static readonly MarkupString NextPageIcon = IconButtonContent(Icons.Material.Filled.NavigateNext, "medium");
    public static readonly MarkupString LastPageIcon = IconButtonContent(Icons.Material.Filled.LastPage, "medium");

    public const string ClearButtonClass = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-icon-button-size-small mud-input-clear-button mud-icon-button-edge-margin-end";
    public static readonly MarkupString ClearButtonContent = IconButtonContent(Icons.Material.Filled.Clear);
    public static readonly MarkupString SearchAdornment = new(
        $"""<svg class="mud-icon-root mud-icon-default mud-svg-icon mud-icon-size-medium mud-input-adornment-icon" focusable="false" viewBox="0 0 24 24" aria-hidden="true" role="img">{Icons.Material.Filled.Search}</svg>""");
    public static readonly MarkupString SortAscendingIcon = Icon(Icons.Material.Filled.ArrowUpward);
    public static readonly MarkupString SortDescendingIcon = Icon(Icons.Material.Filled.ArrowDownward);
    public static readonly MarkupString LoadingBar = new("""
        <div role="progressbar" aria-busy="true" aria-label="Loading" class="mud-progress-linear mud-progress-indeterminate mud-progress-linear-small mud-progress-linear-color-primary horizontal mud-table-loading-progress"><div class="mud-progress-linear-bars mud-flip-x-rtl"><div class="mud-progress-linear-bar"></div><div class="mud-progress-linear-bar"></div></div></div>
        """);

    public static readonly MarkupString PublishedChip = Chip("Published", "mud-chip-color-success");
    public static readonly MarkupString DraftChip = Chip("Draft", "mud-chip-color-default");

    public static MarkupString Icon(string svgPaths, string size = "small") => new(
        $"""<svg class="mud-icon-root mud-svg-icon mud-icon-size-{size}" focusable="false" viewBox="0 0 24 24" aria-hidden="true" role="img">{svgPaths}</svg>""");

    public static MarkupString IconButtonContent(string svgPaths, string size = "small") => new($"""<span class="mud-icon-button-label">{Icon(svgPaths, size)}</span>""");

    private static MarkupString Chip(string text, string colorClass) => new(
        $"""<div class="mud-chip mud-chip-filled mud-chip-size-small {colorClass}"><span class="mud-chip-content">{text}</span></div>""");
}
