"""codescale: test-time scaling for code generation (sample, execute, debug, select)."""

from codescale.api import Session, solve, solve_all
from codescale.config import Config
from codescale.errors import CodescaleError
from codescale.models import Answer, Problem
from codescale.problems import load_problems

__version__ = "0.1.0"
__all__ = ["Answer", "CodescaleError", "Config", "Problem", "Session", "load_problems", "solve",
           "solve_all"]
