"""A methodology's formula terms: read safely with ``ast``, their units checked with pint, compiled once to Python.

A term (``"distance_km * ef_car"``) holds numbers, names, + - * / and brackets only: any other node of its syntax
tree is refused, so a term can call nothing, read no attribute and import nothing. When the methodologies are loaded,
``check_units`` works each term out in pint quantities and requires kg CO2e; ``compile_term`` then turns it into a
plain function of the event's quantities, with the parameters folded in as numbers and every unit conversion done
once, so that computing a reduction needs neither pint nor a tree walk (it runs for every event).

The functions raise ``TermError`` with the problem and its fix; the loader places it in the file.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Term", "TermError", "check_units", "compile_term", "names_in", "parse_term"]

Term = Callable[[Mapping[str, float]], float]  # the event's quantities -> the term in kg CO2e

MAX_TERM_CHARS = 300
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_KG = "kg_CO2e"


class TermError(ValueError):
    """A term that cannot be read, or whose units do not come out in kg CO2e; ``id`` names the kind."""

    def __init__(self, message: str, id: str, fix: str) -> None:
        super().__init__(f"{message}; {fix}")
        self.message, self.id, self.fix = message, id, fix


def parse_term(text: str) -> ast.expr:
    """The syntax tree of a term, once every node in it is one a term may hold."""
    fix = "write numbers and names with + - * / and brackets, e.g. 'distance_km * ef_car'"
    if not isinstance(text, str) or len(text) > MAX_TERM_CHARS:
        raise TermError(f"a term is a text of at most {MAX_TERM_CHARS} characters", "bad_term", fix)
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise TermError(f"{text!r} is not a formula", "bad_term", fix) from None
    for node in ast.walk(tree):
        allowed = (
            (isinstance(node, ast.BinOp) and isinstance(node.op, _OPERATORS))
            or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub))
            or isinstance(node, (ast.Name, ast.Load, *_OPERATORS, ast.UAdd, ast.USub))
            or (isinstance(node, ast.Constant) and type(node.value) in (int, float))
        )
        if not allowed:
            shown = ast.unparse(node)[:60] if isinstance(node, ast.expr) else type(node).__name__
            part = "" if shown == text.strip() else f": {shown!r}"
            raise TermError(f"{text!r}{part} is not allowed in a term", "bad_term", fix)
    return tree


def names_in(tree: ast.expr) -> list[str]:
    """The names a term uses, in order of first use."""
    return list(dict.fromkeys(node.id for node in ast.walk(tree) if isinstance(node, ast.Name)))


def _is_zero(tree: ast.expr) -> bool:
    # a term that is the number 0 is 0 kg CO2e: "nothing is emitted" needs no unit
    return isinstance(tree, ast.Constant) and tree.value == 0


def check_units(tree: ast.expr, units: Mapping[str, str], parameters: frozenset[str]) -> None:
    """Raises TermError unless the term, its names in ``units`` (name -> unit text), comes out in kg CO2e.

    ``parameters``: which names are parameters, whose unit the fix proposes to change first."""
    if _is_zero(tree):
        return
    import pint

    from lowcarbon.units import registry

    ureg = registry()
    try:
        result = _value(tree, {name: ureg.Quantity(1.0, unit) for name, unit in units.items()})
    except pint.errors.DimensionalityError as exc:
        raise TermError(
            f"{ast.unparse(tree)!r} adds or subtracts amounts of different kinds ({exc})",
            "unit_mismatch",
            "give the added amounts units of one dimension",
        ) from None
    wanted = ureg.Unit(_KG)
    shown = f"{result.units:~}" if isinstance(result, ureg.Quantity) else "a plain number"
    if isinstance(result, ureg.Quantity) and result.dimensionality == wanted.dimensionality:
        return
    fix = "give its quantities and parameters units that multiply out to kg_CO2e"
    monomial = all(
        not isinstance(node, ast.BinOp) or isinstance(node.op, ast.Mult | ast.Div) for node in ast.walk(tree)
    )
    names = sorted(names_in(tree), key=lambda name: name not in parameters)  # parameters first
    if monomial and names:
        name = names[0]
        units_of_result = result.units if isinstance(result, ureg.Quantity) else ureg.dimensionless
        needed = ureg.Unit(units[name]) * (wanted / units_of_result)
        fix = f"give {name} in {needed:~} (it is in {units[name]}), or change the term"
    raise TermError(f"{ast.unparse(tree)!r} comes out in {shown}, not kg CO2e", "unit_mismatch", fix)


def _value(node: ast.expr, values: Mapping[str, Any]) -> Any:
    """The term worked out over ``values`` (pint quantities or floats), for the unit check."""
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # parse_term let only int and float through
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        inner = _value(node.operand, values)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    left, right = _value(node.left, values), _value(node.right, values)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right


def compile_term(tree: ast.expr, units: Mapping[str, str], constants: Mapping[str, float]) -> Term:
    """The term as a function of the quantities (floats in their units) returning kg CO2e.

    ``constants``: the parameters' values in their units; every other name is read from the quantities. Each value
    is turned into SI base units here (a parameter) or by one multiplication (a quantity), and the result back into
    kg CO2e, so the function is plain float arithmetic. The term's units must have been checked."""
    if _is_zero(tree):
        return _zero
    from lowcarbon.units import registry

    ureg = registry()

    def base(value: float, unit: str) -> float:
        return float(ureg.Quantity(value, unit).to_base_units().magnitude)

    class Fold(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            if node.id in constants:
                return ast.Constant(base(constants[node.id], units[node.id]))
            read = ast.Subscript(ast.Name("q", ast.Load()), ast.Constant(node.id), ast.Load())
            scale = base(1.0, units[node.id])
            return read if scale == 1.0 else ast.BinOp(read, ast.Mult(), ast.Constant(scale))

    body = Fold().visit(ast.parse(ast.unparse(tree), mode="eval").body)  # a copy: the tree stays as it was
    to_kg = 1.0 / base(1.0, _KG)
    if to_kg != 1.0:
        body = ast.BinOp(body, ast.Mult(), ast.Constant(to_kg))
    arguments = ast.arguments(posonlyargs=[], args=[ast.arg("q")], kwonlyargs=[], kw_defaults=[], defaults=[])
    expression = ast.fix_missing_locations(ast.Expression(ast.Lambda(arguments, body)))
    # the tree holds only numbers, reads of q and + - * /: parse_term allowed nothing else
    function: Term = eval(compile(expression, "<methodology term>", "eval"), {"__builtins__": {}})
    return function


def _zero(quantities: Mapping[str, float]) -> float:
    return 0.0
