// What a reader meets on a phone and in the search (issue 20; see book/_ext/offline_site.py).
//
// 1. The sidebar buttons. pydata-sphinx-theme 0.17 binds the contents drawer and the outline drawer to the
//    FIRST .primary-toggle / .secondary-toggle in the page (document.querySelector), and
//    sphinx-book-theme binds its desktop "collapse the sidebar" behaviour to the same first button. That
//    first button is the theme's own, hidden by sphinx-book-theme; the buttons a reader sees (in the
//    article header) get no listener, so tapping them did nothing (pydata/pydata-sphinx-theme#2451).
//    A click on any other toggle of the same kind is handed to the first one, whose listeners do the work
//    (open the drawer on a narrow screen, collapse the sidebar on a wide one).
// 2. Search snippets. Sphinx makes each result's snippet from the page's text; a formula typeset by KaTeX
//    holds its text three times (the visible glyphs, the MathML for screen readers, and the TeX source in
//    the MathML's annotation), so a snippet read "f:Rn→Rmf: \mathbb{R}^n ...". The MathML copy is left out
//    of the text the snippet is made from (the visible glyphs stay), and so are the page's header buttons
//    and outline.
(() => {
  const forwardToggles = () => {
    for (const kind of ["primary-toggle", "secondary-toggle"]) {
      const buttons = Array.from(document.querySelectorAll(`.${kind}`));
      const bound = buttons[0];  // the one the themes listen to
      buttons.slice(1).forEach((button) => {
        button.addEventListener("click", (event) => {
          event.preventDefault();
          event.stopPropagation();
          bound.click();
          button.blur();  // the tooltip would stay up over the drawer
        });
      });
    }
  };

  const cleanSearchSnippets = () => {
    const search = window.Search || (typeof Search !== "undefined" ? Search : null);  // eslint-disable-line no-undef
    if (!search || typeof search.htmlToText !== "function" || search._bookMathOnce) return;
    const htmlToText = search.htmlToText.bind(search);
    search.htmlToText = (htmlString, anchor) => {
      const page = new DOMParser().parseFromString(htmlString, "text/html");
      // and the page's buttons and outline, which are not its text ("... .ipynb .md .pdf Contents ...")
      const notText = [".katex-mathml", ".bd-header-article", ".bd-sidebar-secondary", "#jb-print-docs-body",
        ".prev-next-area"];
      page.querySelectorAll(notText.join(", ")).forEach((node) => node.remove());
      return htmlToText(page.documentElement.outerHTML, anchor);
    };
    search._bookMathOnce = true;
  };

  const ready = () => {
    forwardToggles();
    cleanSearchSnippets();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
