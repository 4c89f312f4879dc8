"""A safe evaluator for the constant expressions benchmark files write test data with.

Accepts literals, arithmetic on them, a few pure builtins (`tuple`, `list`, `str`, ...)
and names bound by the caller. Anything else raises `NotConstant`; nothing is executed.
"""

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any


class NotConstant(ValueError):
    """The expression is not a constant this evaluator can compute safely."""


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
_PURE_BUILTINS: dict[str, Callable[..., Any]] = {
    "tuple": tuple, "list": list, "str": str, "int": int, "float": float,
    "abs": abs, "len": len, "range": range,
}
_MAX_POWER = 4096
_MAX_SEQUENCE_REPEAT = 100_000


def constant_value(node: ast.expr, names: Mapping[str, Any] | None = None) -> Any:
    """Evaluate `node` if it is a safe constant expression, else raise `NotConstant`."""
    bound = names or {}
    match node:
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name) if name in bound:
            return bound[name]
        case ast.List(elts=items):
            return [constant_value(item, bound) for item in items]
        case ast.Tuple(elts=items):
            return tuple(constant_value(item, bound) for item in items)
        case ast.Set(elts=items):
            return {constant_value(item, bound) for item in items}
        case ast.Dict(keys=keys, values=values) if None not in keys:
            return {constant_value(k, bound): constant_value(v, bound)  # type: ignore[arg-type]
                    for k, v in zip(keys, values, strict=True)}
        case ast.UnaryOp(op=op, operand=operand) if type(op) in _UNARY:
            return _UNARY[type(op)](constant_value(operand, bound))
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
            return _binary(op, constant_value(left, bound), constant_value(right, bound))
        case ast.Call(func=ast.Name(id=name), args=args, keywords=[]) if name in _PURE_BUILTINS:
            return _PURE_BUILTINS[name](*(constant_value(arg, bound) for arg in args))
    raise NotConstant(ast.unparse(node))


def _binary(op: ast.operator, left: Any, right: Any) -> Any:
    if isinstance(op, ast.Pow) and isinstance(right, int | float) and abs(right) > _MAX_POWER:
        raise NotConstant("exponent too large")
    if isinstance(op, ast.Mult) and any(
        isinstance(a, str | list | tuple) and isinstance(b, int) and b > _MAX_SEQUENCE_REPEAT
        for a, b in ((left, right), (right, left))
    ):
        raise NotConstant("sequence repeat too large")
    try:
        return _BINARY[type(op)](left, right)
    except (TypeError, ArithmeticError) as error:
        raise NotConstant(str(error)) from error
