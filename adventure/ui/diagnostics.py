"""A story diagnostic as the author reads it: code, place, message, the source line, a hint.

One renderer for ``check``, the CLI's load-error report and ``play --watch`` (which shows
a broken save's errors on the game screen), so they always look the same.
"""

from __future__ import annotations

from rich.text import Text

from adventure.errors import Diagnostic


def render_diagnostic(diag: Diagnostic) -> Text:
    """``error MM402 file:line:col``, the message, the source line with a caret, a hint."""
    colour = "red" if diag.severity == "error" else "yellow"
    text = Text()
    text.append(f"{diag.severity} {diag.code}", style=f"bold {colour}")
    text.append(f"  {diag.where}\n", style="bold")
    text.append(f"  {diag.message}\n")
    excerpt = diag.excerpt()
    if excerpt is not None:
        source, caret = excerpt
        gutter = str(diag.line)
        text.append(f"  {gutter} │ ", style="dim")
        text.append(source + "\n")
        text.append(f"  {' ' * len(gutter)} │ ", style="dim")
        text.append(" " * caret + "^\n", style=colour)
    if diag.hint:
        text.append("  hint: ", style="cyan")
        text.append(diag.hint + "\n")
    return text
