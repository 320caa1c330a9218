"""The loaded story: an immutable model built once from YAML, and its loader."""
