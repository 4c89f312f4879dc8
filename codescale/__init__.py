"""codescale: test-time scaling for code generation (sample, execute, debug, select)."""

from codescale.api import solve, solve_all
from codescale.config import Config

__version__ = "0.1.0"
__all__ = ["Config", "solve", "solve_all"]
