"""A story diagnostic as the author reads it: code, place, message, the source line, a hint.

One renderer for ``check``, the CLI's load-error report and ``play --watch`` (which shows
a broken save's errors on the game screen), so they always look the same.
"""

from __future__ import annotations

from rich.text import Text

from adventure.base.errors import Diagnostic


def render_diagnostic(diag: Diagnostic) -> Text:
    """``error MM402 file:line:col``, the message, the source line with a caret, a hint."""
    kind = "error" if diag.severity == "error" else "warning"
    text = Text()
    text.append(f"{diag.severity} {diag.code}", style=f"diagnostic.{kind}")
    text.append(f"  {diag.where}\n", style="heading")
    text.append(f"  {diag.message}\n")
    excerpt = diag.excerpt()
    if excerpt is not None:
        source, caret = excerpt
        gutter = str(diag.line)
        text.append(f"  {gutter} │ ", style="muted")
        text.append(source + "\n")
        text.append(f"  {' ' * len(gutter)} │ ", style="muted")
        text.append(" " * caret + "^\n", style=f"diagnostic.caret.{kind}")
    if diag.hint:
        text.append("  hint: ", style="diagnostic.hint")
        text.append(diag.hint + "\n")
    return text
