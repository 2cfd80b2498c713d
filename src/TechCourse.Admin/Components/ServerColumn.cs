using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace TechCourse.Admin.Components;

/// A MudDataGrid column for server-side data, identified (and sorted on the server) by Key. MudBlazor's PropertyColumn
/// compiles its property expression in every instance it creates (a fresh expression tree on every render): about a
/// third of the courses page's prerender time and a DynamicMethod per column per circuit. The cell template renders
/// the value instead.
public sealed class ServerColumn<T> : TemplateColumn<T>
{
    [Parameter, EditorRequired] public string Key { get; set; } = "";

    public override string PropertyName => Key;
}
