"""Story analysis: exhaustive exploration of reachable states, and the scene graph."""
