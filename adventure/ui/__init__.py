"""The terminal front end: Rich rendering and prompt_toolkit input around the engine."""
