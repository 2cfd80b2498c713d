window.techCourse = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone ?? null,
    // The theme the user chose, for a year: the server reads it to prerender the next page in that theme.
    rememberTheme: (name, value) => {
        document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax${location.protocol === 'https:' ? '; secure' : ''}`;
    },
    submit: (id) => document.getElementById(id)?.requestSubmit(),
    focus: (selector) => document.querySelector(selector)?.focus()
};

// While someone types, clicks or scrolls, tell the server now and then (at most every data-seconds): an open circuit
// sends no request of its own, and the session's idle timeout is enforced on the server. Only on signed-in pages.
(() => {
    const meta = document.querySelector('meta[name="techcourse-activity"]');
    if (!meta) return;
    const interval = Number(meta.content) * 1000;
    let last = Date.now();
    const beacon = () => {
        const now = Date.now();
        if (now - last < interval) return;
        last = now;
        fetch(meta.dataset.path, { method: "POST", credentials: "same-origin", headers: { "X-TechCourse-Activity": "1" } }).catch(() => { });
    };
    for (const type of ["pointerdown", "keydown", "wheel", "touchstart"]) document.addEventListener(type, beacon, { capture: true, passive: true });
})();

// A tap on the navigation button before the drawer can act on it (the page is still its prerendered HTML, or the
// drawer has not yet learnt the window's width and is about to close itself on a phone) is kept, not lost, and
// replayed once the layout marks the drawer as settled. A second early tap cancels the first.
(() => {
    const settled = () => document.querySelector('[data-testid="drawer-settled"]') !== null;
    let pending = false, watching = false;
    const replayWhenSettled = () => {
        if (watching) return;
        watching = true;
        const observer = new MutationObserver(() => {
            if (!settled()) return;
            observer.disconnect();
            watching = false;
            if (!pending) return;
            pending = false;
            document.querySelector('[data-drawer-toggle]')?.click();
        });
        observer.observe(document.body, { childList: true, subtree: true });
    };
    document.addEventListener("click", e => {
        if (!e.isTrusted || settled() || !(e.target instanceof Element) || !e.target.closest('[data-drawer-toggle]')) return;
        e.preventDefault();
        e.stopImmediatePropagation();
        pending = !pending;
        replayWhenSettled();
    }, { capture: true });
})();
