"""A small Sphinx extension that keeps the built site offline and accessible.

- Thebe (live code in the page) loads its JavaScript from a CDN, and the theme emits its set-up script twice
  (a console error). The book has no live-code button, so Thebe's scripts are dropped from every page.
- book/_static/a11y.js and a11y.css mend what the theme itself gets wrong in an axe-core audit.
"""


def drop_thebe(app, pagename, templatename, context, doctree):
    def is_thebe(asset):
        body = getattr(asset, "attributes", {}).get("body", "") or ""
        return "thebe" in (getattr(asset, "filename", "") or "") or "THEBE_JS_URL" in body

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not is_thebe(asset)]


def setup(app):
    app.add_js_file("a11y.js")
    app.add_css_file("a11y.css")
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
