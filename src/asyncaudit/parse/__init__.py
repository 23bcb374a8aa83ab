"""Parse stage: bytes -> `ast.Module` for Python 3.8-3.14 code on any interpreter."""
