window.techCourse = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone ?? null,
    // The theme the user chose, for a year: the server reads it to prerender the next page in that theme.
    rememberTheme: (name, value) => {
        document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax`;
    },
    submit: (id) => document.getElementById(id)?.requestSubmit(),
    focus: (selector) => document.querySelector(selector)?.focus()
};
