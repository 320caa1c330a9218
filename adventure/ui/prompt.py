"""Reading the player's next line: prompt_toolkit in a terminal, plain lines otherwise.

A reader is any callable ``read(prompt, words) -> str`` that raises :class:`EOFError`
at the end of input (Ctrl-D) and :class:`KeyboardInterrupt` on Ctrl-C; ``words`` are
the current choice labels, offered for completion. The play loop only ever sees this
callable, so tests drive it with a list of lines and the game can be scripted through
a pipe. prompt_toolkit is imported only when a terminal reader first reads, which keeps
piped start-up fast.

Typical use::

    read = terminal_reader() if sys.stdin.isatty() else stream_reader(sys.stdin, sys.stdout)
    line = read("> ", ["Pick an apple", "Go home"])
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from adventure.base.safetext import escape_controls
from adventure.ui.commands import translated_commands

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import CompleteEvent, Completer, Completion
    from prompt_toolkit.document import Document

Reader = Callable[[str, Sequence[str]], str]


class Woken(Exception):
    """Raised by a reader when :meth:`wake` ends a read early (the story changed under ``--watch``)."""


class LineCancelled(KeyboardInterrupt):
    """Ctrl-C after the player typed on the line: it cancels that line, and is never a second Ctrl-C.

    The play loop leaves on two Ctrl-C in a row; a player who pressed Ctrl-C once, then
    started typing, has changed their mind, so the next Ctrl-C starts the count again.
    """


COMMAND_WORDS = ("help", "status", "look", "undo", "save", "load", "quit")


def stream_reader(stream: IO[str] | None, out: IO[str] | None = None, *, echo: bool = True) -> Reader:
    """Read plain lines from ``stream``; write the prompt (and, when ``echo``, the line) to ``out``.

    Echoing makes a piped game's output read like a transcript: ``> 2`` then the scene.
    """

    def read(prompt: str, words: Sequence[str]) -> str:
        if out is not None:
            out.write(prompt)
            out.flush()
        try:  # a closed or missing stdin (``<&-``) is the end of input, like Ctrl-D
            line = stream.readline() if stream is not None else ""
        except (OSError, ValueError):
            line = ""
        if not line:
            if out is not None:
                out.write("\n")
                out.flush()
            raise EOFError
        line = line.rstrip("\r\n")
        if out is not None and echo:  # what was typed (or piped) may hold escape sequences
            out.write(escape_controls(line) + "\n")
            out.flush()
        return line

    return read


class WakeableStreamReader:
    """Plain lines from a file descriptor that :meth:`wake` can interrupt (POSIX).

    Reads the descriptor itself (no Python buffering hides lines from ``select``) and
    waits on it and on a self-pipe together, so a wake from another thread ends the
    wait at once with :class:`Woken`. Prompt and echo as :func:`stream_reader`.
    """

    def __init__(self, fd: int, out: IO[str] | None = None, *, echo: bool = True):
        self._fd, self._out, self._echo = fd, out, echo
        self._pending = b""
        self._ended = False
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)

    def __call__(self, prompt: str, words: Sequence[str]) -> str:
        self._write(prompt)
        try:
            line = self._line()
        except EOFError:
            self._write("\n")
            raise
        if self._echo:  # what was typed (or piped) may hold escape sequences
            self._write(escape_controls(line) + "\n")
        return line

    def wake(self) -> None:
        """End the current (or next) read with :class:`Woken`; safe from any thread."""
        try:
            os.write(self._wake_write, b"!")
        except (BlockingIOError, OSError):  # the pipe is full: a wake is already pending
            pass

    def _line(self) -> str:
        import select

        while b"\n" not in self._pending and not self._ended:
            try:
                ready, _, _ = select.select([self._wake_read, self._fd], [], [])
            except (OSError, ValueError):  # the input was closed under us: end of input
                self._ended = True
                break
            if self._wake_read in ready:
                os.read(self._wake_read, 4096)
                raise Woken
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:
                chunk = b""
            self._pending += chunk
            self._ended = not chunk
        if not self._pending:
            raise EOFError
        raw, _, self._pending = self._pending.partition(b"\n")
        return raw.decode("utf-8", "replace").rstrip("\r")

    def _write(self, text: str) -> None:
        if self._out is not None:
            self._out.write(text)
            self._out.flush()


def lines_reader(lines: Iterable[str | BaseException]) -> Reader:
    """A reader over given lines, for tests: an exception item is raised, the end is EOF."""
    items = iter(lines)

    def read(prompt: str, words: Sequence[str]) -> str:
        try:
            item = next(items)
        except StopIteration:
            raise EOFError from None
        if isinstance(item, BaseException):
            raise item
        return item

    return read


def matching(text: str, words: Iterable[str]) -> list[str]:
    """The labels and commands ``text`` could complete to, case-insensitively.

    Commands match by prefix; labels match anywhere (players type the word they
    remember, not the first one).
    """
    from adventure.ui.matching import contains, starts

    needle = text.strip()
    commands = [*COMMAND_WORDS, *(w for w in _translated_commands() if w not in COMMAND_WORDS)]
    found = [w for w in commands if starts(w, needle)] if needle else []
    found += [w for w in words if contains(w, needle) and w not in found]
    return found


def _translated_commands() -> list[str]:
    """The command words of the program's language (``ayuda``, ``salir``), for completion."""
    return list(translated_commands())


def make_completer(words: Callable[[], Sequence[str]]) -> Completer:
    """A completer over the current choice labels (read at each keystroke) and the commands."""
    from prompt_toolkit.completion import Completer, Completion

    class ChoiceCompleter(Completer):
        def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
            text = document.text_before_cursor
            for word in matching(text, words()):
                yield Completion(word, start_position=-len(text))

    return ChoiceCompleter()


class TerminalReader:
    """prompt_toolkit input with completion over the labels and in-memory history.

    :meth:`wake` (from any thread) ends the line being read with :class:`Woken`,
    keeping what was typed so far for the next prompt.

    prompt_toolkit is imported at the first read, not when the reader is made, so the
    game draws its first screen while the library loads: start-up is bounded by what
    the player sees. Keys typed in that gap are kept by :func:`hold_typeahead` (the
    terminal stops echoing and stops waiting for a whole line, so nothing is printed
    twice and prompt_toolkit reads the pending keys as soon as it starts).
    """

    def __init__(self, **session_options: object):
        self._words: Sequence[str] = ()
        self._woken = threading.Event()
        self._typed = ""
        self._options = session_options
        self._made: PromptSession[str] | None = None
        self._edited = False
        hold_typeahead(sys.stdin)

    @property
    def _session(self) -> PromptSession[str]:
        if self._made is None:
            from prompt_toolkit import PromptSession
            from prompt_toolkit.history import InMemoryHistory

            self._made = PromptSession(
                history=InMemoryHistory(), completer=make_completer(lambda: self._words),
                complete_while_typing=False, **self._options,  # type: ignore[arg-type]
            )
            self._made.default_buffer.on_text_changed += self._note_edit
        return self._made

    def __call__(self, prompt: str, words: Sequence[str]) -> str:
        self._words = tuple(words)
        typed, self._typed = self._typed, ""
        self._edited = bool(typed)
        try:
            return self._session.prompt(prompt, default=typed, pre_run=self._started)
        except Woken:
            self._woken.clear()
            self._typed = self._session.default_buffer.text
            raise
        except KeyboardInterrupt:
            if self._edited:  # typed (even if erased since): this Ctrl-C cancels the line only
                raise LineCancelled from None
            raise

    def _started(self) -> None:
        """The prompt is up with its default text: only keys typed from now on are edits."""
        self._edited = bool(self._session.default_buffer.text)
        self._exit_if_woken()

    def _note_edit(self, _buffer: object) -> None:
        self._edited = True

    def wake(self) -> None:
        """End the current (or next) read with :class:`Woken`; safe from any thread.

        The event closes the race with a prompt that is just starting: the pre-run hook
        sees it even when the call below finds no application running yet.
        """
        self._woken.set()
        if self._made is None:  # no prompt yet: the first one's pre-run hook sees the event
            return
        app = self._made.app
        loop = getattr(app, "loop", None)
        if loop is not None and app.is_running:
            try:
                loop.call_soon_threadsafe(self._exit_if_woken)
            except RuntimeError:  # the loop closed meanwhile: the next prompt's pre-run sees the event
                pass

    def _exit_if_woken(self) -> None:
        app = self._session.app
        if self._woken.is_set() and app.future is not None and not app.future.done():
            app.exit(exception=Woken())


def terminal_reader() -> Reader:
    """The interactive reader for a real terminal."""
    return TerminalReader()


def hold_typeahead(stream: IO[str]) -> bool:
    """Keep keys typed before the prompt starts: no echo, no line buffering, until exit.

    In the terminal's usual (canonical) mode, keys typed while the game starts are
    echoed where the cursor happens to be and held back until Enter. Switching echo
    and line mode off (``TCSANOW``: nothing pending is discarded) leaves them in the
    input queue for prompt_toolkit, which puts the terminal into its own raw mode per
    prompt and back into this one after. Signals (Ctrl-C) still work. The original
    mode is restored when the process exits. Returns whether the mode was changed.
    """
    try:
        import termios

        fd = stream.fileno()
        if not os.isatty(fd):
            return False
        original = termios.tcgetattr(fd)
        held = termios.tcgetattr(fd)
        held[3] &= ~(termios.ECHO | termios.ICANON)
        held[6][termios.VMIN] = 1
        held[6][termios.VTIME] = 0
        termios.tcsetattr(fd, termios.TCSANOW, held)
    except (ImportError, AttributeError, ValueError, OSError):  # not a terminal, or not POSIX
        return False
    atexit.register(_restore, fd, original)
    return True


def _restore(fd: int, mode: list[Any]) -> None:
    try:
        import termios

        termios.tcsetattr(fd, termios.TCSANOW, mode)
    except (ImportError, OSError, ValueError):
        pass
