using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TechCourse.Admin.Components.Display;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Features.Campaigns;

// A bulk price change for the courses picked in the grid (or every course matching its filter): the operation, the
// reason, now or at a start (and an optional end) picked in the viewer's zone, a preview, then apply or schedule it.
// With a CampaignId it edits that upcoming campaign instead.
public sealed partial class CampaignEditorPage : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly Dictionary<string, string> errors = [];
    private Actor? actor;
    private CourseSelection? selection;
    private string selectionText = "";
    private string? pageError, formError, version;
    private PriceOperationKind kind = PriceOperationKind.Percent;
    private decimal? amount;
    private string ending = "";
    private string? reason;
    private bool later, hasEnd, busy;
    private DateTime? startDate, endDate;
    private TimeSpan? startTime, endTime;
    private RepeatedTime startChoice, endChoice;
    private TimeZoneInfo zone = TimeZoneInfo.Utc;
    private CampaignTimes? times;
    private CampaignPreview? preview;
    private string? previewedWith;
    private IReadOnlyList<PriceMoved>? moved;
    // An edited campaign's start and end, shown in the viewer's zone once it is known.
    private (DateTimeOffset Start, DateTimeOffset? End) loaded;

    [Inject] private CampaignPreviews Previews { get; set; } = null!;
    [Inject] private CampaignsStore Store { get; set; } = null!;
    [Inject] private CampaignsQueries Queries { get; set; } = null!;
    [Inject] private ViewerTimeZone Zone { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private ILogger<CampaignEditorPage> Logger { get; set; } = null!;
    [CascadingParameter] private Task<AuthenticationState>? Authentication { get; set; }

    [Parameter] public int? CampaignId { get; set; }

    private string Heading => CampaignId is { } id ? $"Edit campaign #{id}" : "Change prices";

    private string AmountLabel => kind switch
    {
        PriceOperationKind.Percent => "Percent (−30 = 30 % off)",
        PriceOperationKind.Amount => "Amount in $ (−5 = $5 off)",
        _ => "New price in $",
    };

    private string? AmountHelp => kind == PriceOperationKind.Set ? null : "A minus sign lowers prices.";

    private string ApplyLabel => (later, preview?.ChangingCount ?? 0) switch
    {
        (_, 0) => "Nothing would change",
        (true, 1) => "Schedule for 1 course",
        (true, var n) => $"Schedule for {Shown.Count(n)} courses",
        (false, 1) => "Apply to 1 course now",
        (false, var n) => $"Apply to {Shown.Count(n)} courses now",
    };

    private string ApplyNote => later
        ? "At the start the change applies to each course's price then, with your rights at that moment."
        : "All of them or none: if a price changed since this preview, nothing is applied.";

    // The preview answers exactly the form as it is now.
    private bool PreviewIsCurrent => preview is not null && previewedWith == FormKey();

    protected override async Task OnInitializedAsync()
    {
        if (Authentication is not null) actor = Actor.From((await Authentication).User);
        if (actor is null) return;
        if (CampaignId is { } id)
        {
            await LoadCampaignAsync(id);
            return;
        }
        later = false;
        selection = CourseSelectionQuery.Parse(new Uri(Navigation.Uri).Query);
        if (selection is null) pageError = "No courses are selected. Pick them on the courses page, then choose Change prices.";
        else selectionText = CourseSelectionQuery.Describe(selection);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        var viewer = await Zone.GetAsync(cancellation.Token);
        if (viewer.Id == zone.Id) return;
        zone = viewer;
        if (CampaignId is not null) ShowInZone();
        Resolve();
        StateHasChanged();
    }

    private async Task LoadCampaignAsync(int id)
    {
        try
        {
            var campaign = await Queries.FindAsync(actor!, id, cancellation.Token);
            if (campaign is null || !campaign.CanEdit(actor!.UserId))
            {
                pageError = campaign is null ? CampaignsStore.NotFoundMessage
                    : campaign.Summary.CampaignState == CampaignState.Scheduled ? "Only the person who scheduled this campaign can edit it (you can cancel it)."
                    : CampaignsStore.StartedMessage;
                return;
            }
            var courses = await Queries.CoursesAsync(actor, id, cancellation.Token);
            var summary = campaign.Summary;
            (version, reason, kind, amount) = (campaign.Version, summary.Reason, summary.PriceOperation.Kind, summary.Amount);
            ending = summary.PriceEnding?.ToString("0.00", CultureInfo.InvariantCulture) ?? "";
            (later, hasEnd) = (true, summary.EndsAt is not null);
            loaded = (summary.StartsAt, summary.EndsAt);
            ShowInZone();
            selection = CourseSelection.Of([.. courses.Select(c => c.CourseId)]);
            selectionText = CourseSelectionQuery.Describe(selection);
            Resolve();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            pageError = PageErrors.Describe(Logger, e, "the campaign cannot be shown", CampaignsStore.ConstraintMessages);
        }
    }

    private void ShowInZone()
    {
        var start = TimeZoneInfo.ConvertTime(loaded.Start, zone);
        (startDate, startTime) = (start.Date, start.TimeOfDay);
        if (loaded.End is { } end)
        {
            var local = TimeZoneInfo.ConvertTime(end, zone);
            (endDate, endTime) = (local.Date, local.TimeOfDay);
        }
    }

    private string? Error(string field) => errors.GetValueOrDefault(field);

    private PriceOperation Operation() =>
        new(kind, amount ?? 0, ending == "" ? null : decimal.Parse(ending, CultureInfo.InvariantCulture));

    private string FormKey() => string.Join("|", kind, amount, ending, reason?.Trim(), later, hasEnd, times?.StartsAt?.UtcTicks, times?.EndsAt?.UtcTicks);

    private void KindChanged(PriceOperationKind value) { kind = value; errors.Remove("amount"); }
    private void AmountChanged(decimal? value) { amount = value; errors.Remove("amount"); }
    private void EndingChanged(string value) => ending = value;
    private void ReasonChanged(string? value) { reason = value; errors.Remove(CampaignsStore.ReasonField); }

    private void LaterChanged(bool value)
    {
        later = value;
        if (later && startDate is null)
        {
            var tomorrow = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date.AddDays(1);
            (startDate, startTime) = (tomorrow, TimeSpan.Zero);
        }
        Resolve();
    }

    private void HasEndChanged(bool value)
    {
        hasEnd = value;
        if (hasEnd && endDate is null)
        {
            var from = later && startDate is { } s ? s.Add(startTime ?? TimeSpan.Zero) : TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime;
            var end = from.Date.AddDays(from.TimeOfDay == TimeSpan.Zero ? 3 : 4).AddMinutes(-1);
            (endDate, endTime) = (end.Date, end.TimeOfDay);
        }
        Resolve();
    }

    private void StartChanged((DateTime? Date, TimeSpan? Time, RepeatedTime Choice) value)
    {
        (startDate, startTime, startChoice) = value;
        Resolve();
    }

    private void EndChanged((DateTime? Date, TimeSpan? Time, RepeatedTime Choice) value)
    {
        (endDate, endTime, endChoice) = value;
        Resolve();
    }

    private void Resolve()
    {
        static DateTime? At(DateTime? date, TimeSpan? time) => date is { } d ? d.Date + (time ?? TimeSpan.Zero) : null;
        times = new CampaignTiming(later ? At(startDate, startTime) : null, hasEnd ? At(endDate, endTime) : null, zone.Id, startChoice, endChoice)
            .Resolve(DateTimeOffset.UtcNow);
        if (later && startDate is null) times = times with { StartError = "Pick the day the change starts." };
        if (hasEnd && endDate is null) times = times with { EndError = "Pick the day the prices return." };
    }

    // Checks the form; false (with the messages set) when something must be fixed before a preview.
    private bool Validate()
    {
        errors.Clear();
        formError = null;
        Resolve();
        if (amount is null) errors["amount"] = kind == PriceOperationKind.Set ? "Enter the new price." : "Enter how much to change the prices by.";
        else if (Operation().Error is { } operation) errors["amount"] = operation;
        if (string.IsNullOrWhiteSpace(reason)) errors[CampaignsStore.ReasonField] = "Enter a reason: it goes with every price change of the campaign.";
        else if (CourseRules.ReasonError(reason) is { } tooLong) errors[CampaignsStore.ReasonField] = tooLong;
        return errors.Count == 0 && times is { Valid: true };
    }

    private async Task PreviewAsync()
    {
        moved = null;
        if (!Validate() || actor is null || selection is null) return;
        busy = true;
        try
        {
            preview = await Previews.PreviewAsync(actor, selection, Operation(), later ? times!.StartsAt : null, times!.EndsAt, cancellation.Token, CampaignId);
            previewedWith = FormKey();
            if (selection.Filter is not null) selectionText = CourseSelectionQuery.Describe(selection, preview.Rows.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            formError = PageErrors.Describe(Logger, e, "the preview could not be made", CampaignsStore.ConstraintMessages);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task ApplyAsync()
    {
        if (!PreviewIsCurrent || actor is null || busy) return;
        Resolve();
        if (!Validate()) return;
        busy = true;
        try
        {
            var plan = new CampaignPlan(reason!, Operation(), zone.Id, later ? times!.StartsAt : null, times!.EndsAt);
            var result = CampaignId is { } id ? await Store.RescheduleAsync(actor, id, version!, preview!, plan, cancellation.Token)
                : later ? await Store.ScheduleAsync(actor, preview!, plan, cancellation.Token)
                : await Store.ApplyNowAsync(actor, preview!, plan, cancellation.Token);
            switch (result.Outcome)
            {
                case CampaignOutcome.Done:
                    Snackbar.Add(CampaignId is not null ? "The campaign is saved." : later ? "The campaign is scheduled." : "The new prices are applied.", Severity.Success);
                    Navigation.NavigateTo($"/campaigns/{result.CampaignId}");
                    break;
                case CampaignOutcome.PricesMoved:
                    (moved, preview) = (result.Moved, null);
                    break;
                case CampaignOutcome.Invalid when result.Field is { } field:
                    errors[field] = result.Message!;
                    break;
                default:
                    formError = result.Message;
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            formError = PageErrors.Describe(Logger, e, "nothing was changed", CampaignsStore.ConstraintMessages);
        }
        finally
        {
            busy = false;
        }
    }


    public void Dispose()
    {
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
