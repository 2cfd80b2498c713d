using Microsoft.Playwright;

namespace TechCourse.Admin.Tests.Browser;

// A keyboard-only user: Tab until the control has the focus, then type and press keys. No mouse anywhere.
public static class Keyboard
{
    public static async Task TabToAsync(IPage page, ILocator target, int maxTabs = 80)
    {
        await target.WaitForAsync();
        for (var i = 0; i < maxTabs; i++)
        {
            if (await IsFocusedAsync(target)) return;
            await page.Keyboard.PressAsync("Tab");
        }
        throw new InvalidOperationException($"{maxTabs} presses of Tab did not reach {target}.");
    }

    // Signs in with the keyboard: the email field has the focus on load; Tab to the password, Enter submits.
    public static async Task SignInAsync(IPage page, string email, string password, string returnUrl)
    {
        await page.GotoAsync($"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(password);
        await page.Keyboard.PressAsync("Enter");
        await Support.BrowserFixture.WaitUntilInteractiveAsync(page);
    }

    public static async Task<bool> IsFocusedAsync(ILocator target) =>
        await target.EvaluateAsync<bool>("e => e === document.activeElement || e.contains(document.activeElement)");
}
