"""The prompt_toolkit reader in process: Tab completion, and ``wake()`` from another thread.

``tests/test_play.py`` drives the same reader through a pipe for a line, Ctrl-C and
Ctrl-D; these cover what ``play --watch`` and a player's Tab key rely on, without a
pseudo-terminal: prompt_toolkit's own habit (``create_pipe_input()`` and ``DummyOutput()``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from adventure.ui.prompt import TerminalReader, Woken

WORDS = ["Pick an apple", "Go home"]
TIMEOUT = 10.0


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    """The reader's input; should a read never end, Enter is sent after :data:`TIMEOUT` (the test then fails)."""
    with create_pipe_input() as made:
        watchdog = threading.Timer(TIMEOUT, made.send_text, ("\r",))
        watchdog.start()
        yield made
        watchdog.cancel()


def test_tab_completes_a_label_from_a_word_inside_it(pipe: PipeInput) -> None:
    read = TerminalReader(input=pipe, output=DummyOutput())
    assert _completed(read, pipe, "hom", WORDS) == "Go home"  # a word from the middle of the label


def test_tab_offers_the_labels_of_this_prompt_only(pipe: PipeInput) -> None:
    read = TerminalReader(input=pipe, output=DummyOutput())
    assert _completed(read, pipe, "app", WORDS) == "Pick an apple"
    # the next prompt's labels only: with the last one's too, two would match and none be put on the line
    assert _completed(read, pipe, "app", ["Apple cart", "Go home"]) == "Apple cart"


def _completed(read: TerminalReader, pipe: PipeInput, typed: str, words: list[str]) -> str:
    """Type, press Tab, and Enter once the menu is open (completions are found off the key loop, so a
    Tab and Enter sent together would race); one completion is put on the line as the menu opens."""
    pipe.send_text(typed + "\t")
    helper = threading.Thread(target=_when(lambda: _menu(read) > 0, lambda: pipe.send_text("\r")))
    helper.start()
    line = read("> ", words)
    helper.join(TIMEOUT)
    return line


def test_a_wake_before_the_prompt_ends_the_next_read(pipe: PipeInput) -> None:
    read = TerminalReader(input=pipe, output=DummyOutput())
    read.wake()  # the story changed before the prompt was up: the pre-run hook sees it
    with pytest.raises(Woken):
        read("> ", WORDS)
    pipe.send_text("go home\r")  # woken once only: the next read reads
    assert read("> ", WORDS) == "go home"


def test_a_wake_from_another_thread_keeps_what_was_typed(pipe: PipeInput) -> None:
    read = TerminalReader(input=pipe, output=DummyOutput())
    pipe.send_text("go h")
    waker = threading.Thread(target=_when(lambda: _typed(read) == "go h", read.wake))
    waker.start()
    with pytest.raises(Woken):
        read("> ", WORDS)
    waker.join(TIMEOUT)
    pipe.send_text("ome\r")  # the next prompt starts with "go h" already on the line
    assert read("> ", WORDS) == "go home"


def _typed(read: TerminalReader) -> str | None:
    """The text on the line being read, once prompt_toolkit is running (else ``None``)."""
    session = read._made
    if session is None or not session.app.is_running:
        return None
    return session.default_buffer.text


def _menu(read: TerminalReader) -> int:
    """How many completions the open menu offers (0: none open yet)."""
    session = read._made
    state = session.default_buffer.complete_state if session is not None and session.app.is_running else None
    return len(state.completions) if state is not None else 0


def _when(ready: Callable[[], bool], action: Callable[[], None]) -> Callable[[], None]:
    """Do ``action`` as soon as ``ready()`` holds: a condition waited on, not a guessed delay."""
    def run() -> None:
        deadline = time.monotonic() + TIMEOUT
        while not ready():
            if time.monotonic() > deadline:
                break  # the read then waits for input that never comes: the test times out and says so
            time.sleep(0.005)
        action()
    return run
