"""The built-in generator backends, one module each (`codescale.llm.registry`)."""
