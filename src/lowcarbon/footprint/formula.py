"""Amounts written as formulas of the model's parameters: numbers, parameter names, + - * / and brackets only.

A formula is parsed with ``ast`` and walked node by node; nothing is ever evaluated by Python itself, so a formula
can call nothing, read no attribute and import nothing. ``evaluate("distance_km * 0.5", {"distance_km": 120})``
is 60.0.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping

__all__ = ["NAME_PATTERN", "FormulaError", "evaluate", "names_in"]

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"  # a parameter's name: what a formula can spell
MAX_FORMULA_CHARS = 500

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """A formula that cannot be read or computed; ``id`` names the kind for translations."""

    def __init__(self, message: str, id: str) -> None:
        super().__init__(message)
        self.id = id


def _parse(formula: str) -> ast.expr:
    if len(formula) > MAX_FORMULA_CHARS:
        raise FormulaError(f"a formula has at most {MAX_FORMULA_CHARS} characters", "formula_too_long")
    try:
        return ast.parse(formula.strip(), mode="eval").body
    except SyntaxError:
        raise FormulaError(
            f"{formula!r} is not a formula: write numbers and parameter names with + - * / and brackets, "
            "e.g. 'distance_km * 0.5'",
            "bad_formula",
        ) from None


def names_in(formula: str) -> list[str]:
    """The parameter names a formula uses, in order of first use; FormulaError when it is not a formula."""
    names: dict[str, None] = {}
    for node in ast.walk(_parse(formula)):
        if isinstance(node, ast.Name):
            names[node.id] = None
    return list(names)


def evaluate(formula: str, parameters: Mapping[str, float]) -> float:
    """The value of ``formula`` with ``parameters``; FormulaError naming what is wrong and how to fix it."""
    value = _value(_parse(formula), parameters, formula)
    if not math.isfinite(value):
        raise FormulaError(f"{formula!r} is not a finite number with these parameter values", "formula_not_finite")
    return value


def _value(node: ast.expr, parameters: Mapping[str, float], formula: str) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in parameters:
            known = ", ".join(sorted(parameters)) or "none"
            raise FormulaError(
                f"{formula!r} uses {node.id!r}, which is not a parameter of the model (its parameters: {known}); "
                "declare it under parameters or correct its spelling",
                "unknown_parameter",
            )
        return float(parameters[node.id])
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        inner = _value(node.operand, parameters, formula)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _value(node.left, parameters, formula), _value(node.right, parameters, formula)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise FormulaError(f"{formula!r} divides by zero with these parameter values", "formula_not_finite")
        return left / right
    shown = re.sub(r"\s+", " ", ast.unparse(node))[:60]
    raise FormulaError(
        f"{formula!r}: {shown!r} is not allowed; a formula holds only numbers, parameter names, + - * / and brackets",
        "bad_formula",
    )
