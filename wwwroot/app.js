window.techCourse = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone ?? null
};
