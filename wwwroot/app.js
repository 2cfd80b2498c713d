window.techCourse = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone ?? null,
    // MudBlazor's md breakpoint: below it the layout's drawer opens over the page.
    isNarrow: () => window.matchMedia("(max-width: 959px)").matches
};
