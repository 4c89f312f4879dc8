"""The built-in sandbox backends, one module each (`codescale.execution.registry`)."""
