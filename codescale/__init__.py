"""codescale: test-time scaling for code generation (sample, execute, debug, select)."""

__version__ = "0.1.0"
