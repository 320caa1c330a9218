"""Million Miles: a YAML-driven text adventure engine and the story it ships with.

Typical use::

    from adventure.story.loader import load_story
    from adventure.run import engine

    story = load_story("scenes")
    state, events = engine.new_run(story, seed=7)
    for offer in engine.offers(story, state):
        print(offer.choice.id, offer.enabled, offer.reason)
"""

__version__ = "1.0.0"
