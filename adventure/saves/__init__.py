"""Saves and replays: run files, the save folder, and replay verification."""
