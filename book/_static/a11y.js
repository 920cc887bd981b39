// Accessibility repairs for markup the theme and extensions generate (found by the axe-core audit in
// tests/test_browser.py). They run before a reader (or the audit) interacts with the page.
document.addEventListener("DOMContentLoaded", () => {
  // Controls whose aria-label does not contain their visible text ("Search" on a button that reads
  // "Search Ctrl+K"; "Toggle hidden content" on a summary that reads "Show code cell source"): a speech-input
  // user says what they see, so the visible text must be the accessible name. Icon-only controls keep theirs.
  document.querySelectorAll("button[aria-label], summary[aria-label], a[aria-label]").forEach((control) => {
    const visible = control.innerText.replace(/\s+/g, " ").trim();
    const label = control.getAttribute("aria-label");
    if (visible && !label.toLowerCase().includes(visible.toLowerCase())) control.removeAttribute("aria-label");
  });
  // A display formula wider than the screen scrolls sideways (math.css): a keyboard user must be able to
  // focus it to scroll it.
  document.querySelectorAll(".math .katex-display").forEach((display) => {
    if (display.scrollWidth > display.clientWidth + 1) display.tabIndex = 0;
  });
  // sphinxcontrib-bibtex renders the bibliography as role="list" without list items.
  document.querySelectorAll('.citation-list[role="list"] > .citation').forEach((entry) => entry.setAttribute("role", "listitem"));
});
