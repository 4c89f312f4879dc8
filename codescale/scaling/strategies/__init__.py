"""The built-in selection strategies, one module each; each registers itself on import
(`codescale.scaling.registry`)."""
