"""The command line's one memory setting: freeze the loaded story out of the collector.

A loaded story is hundreds of thousands of long-lived objects that never form garbage.
Every full collection would walk them all again; exploring a 50,000-scene story took
10.5 s with them in the collector and 3.0 s without. So, once a command has loaded its
story, the shell collects what loading left behind and moves everything that survives
into the permanent generation (:func:`gc.freeze`). This is a process-wide decision, so
it is taken here, at the edge, never inside a library function.

Typical use::

    story = load_story(folder)
    settle(story)
"""

from __future__ import annotations

import gc

from adventure.story.model import Story


def settle(story: Story) -> Story:
    """Collect loading's garbage, then freeze the survivors (the story) out of later collections."""
    gc.collect()
    gc.freeze()
    return story
