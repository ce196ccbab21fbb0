"""The subset of ODK XPath that checklists use in ``relevant``, ``constraint`` and ``calculation``.

Grammar (XPath 1.0 precedence, lowest first)::

    or  ·  and  ·  = !=  ·  < <= > >=  ·  + -  ·  * div mod  ·  unary -  ·
    number | 'string' | "string" | ${name} | . | name(args) | ( expr )

Functions: ``selected(a, 'v')``, ``count-selected(a)``, ``string-length(s)``, ``not(x)``,
``true()``, ``false()``, ``if(c, a, b)``, ``concat(…)``, ``coalesce(a, b)``,
``number(x)``, ``int(x)``, ``string(x)``, ``round(x, n)``.

Values follow XPath 1.0 as ODK applies it: an answer is a string (empty when
unanswered or not relevant; a multiple choice is its choices joined by spaces);
``=`` and ``!=`` compare as numbers when either side is a number, as booleans when
either side is a boolean, else as strings; ``<`` … ``>=`` always compare numbers; a
string that is not a number is NaN (so every comparison with it is false), except
an ISO date, which counts as days since 1970-01-01 as in JavaRosa. The mobile form's
``static/observation/xpath.js`` implements the same rules; both are tested against
the table in ``tests/xpath_cases.json``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Value = str | float | bool


class ExpressionError(ValueError):
    """An expression cannot be read; ``position`` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<ref>\$\{[^}]*\})
      | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_-]*(?::[A-Za-z_][A-Za-z0-9_-]*)?)
      | (?P<dot>\.)
    )""",
    re.VERBOSE,
)
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")

#: Function name → (minimum, maximum) number of arguments (None: any number).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "if": (3, 3),
    "concat": (1, None),
    "coalesce": (2, 2),
    "number": (1, 1),
    "int": (1, 1),
    "string": (1, 1),
    "round": (1, 2),
}


@dataclass(frozen=True)
class Node:
    """A parsed expression: ``kind`` is num, str, ref, dot, call, neg or an operator."""

    kind: str
    value: Any = None
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Expression:
    source: str
    tree: Node

    @property
    def references(self) -> tuple[str, ...]:
        """Return the question names the expression reads (``${name}``), in order."""
        out: list[str] = []

        def walk(node: Node) -> None:
            if node.kind == "ref" and node.value not in out:
                out.append(node.value)
            for arg in node.args:
                walk(arg)

        walk(self.tree)
        return tuple(out)

    @property
    def uses_dot(self) -> bool:
        def walk(node: Node) -> bool:
            return node.kind == "dot" or any(walk(a) for a in node.args)

        return walk(self.tree)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN_RE.match(text, pos)
        if m is None or m.end() == pos:
            start = len(text) - len(text[pos:].lstrip())
            raise ExpressionError(f"cannot read “{text[start : start + 10]}”", start)
        kind = m.lastgroup or ""
        start = m.start(kind)
        tok_text = m.group(kind)
        if kind == "name" and tok_text in ("and", "or", "div", "mod"):
            kind = "op"
        out.append((kind, tok_text, start))
        pos = m.end()
    out.append(("end", "", len(text)))
    return out


_BINARY = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"))


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        kind, tok_text, pos = self.take()
        if kind != "op" or tok_text != op:
            raise ExpressionError(f"“{op}” expected at “{tok_text or 'the end'}”", pos)

    def binary(self, level: int) -> Node:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            kind, tok_text, _pos = self.peek()
            if kind == "op" and tok_text in _BINARY[level]:
                self.take()
                left = Node(tok_text, args=(left, self.binary(level + 1)))
            else:
                return left

    def unary(self) -> Node:
        kind, tok_text, _pos = self.peek()
        if kind == "op" and tok_text == "-":
            self.take()
            return Node("neg", args=(self.unary(),))
        return self.primary()

    def primary(self) -> Node:
        kind, tok_text, pos = self.take()
        if kind == "number":
            return Node("num", float(tok_text))
        if kind == "string":
            return Node("str", tok_text[1:-1])
        if kind == "ref":
            name = tok_text[2:-1].strip()
            if not _NAME_RE.match(name):
                raise ExpressionError(f"“{tok_text}” is not a question reference", pos)
            return Node("ref", name)
        if kind == "dot":
            return Node("dot")
        if kind == "op" and tok_text == "(":
            inner = self.binary(0)
            self.expect(")")
            return inner
        if kind == "name":
            if tok_text not in FUNCTIONS:
                raise ExpressionError(f"function “{tok_text}” is not supported", pos)
            self.expect("(")
            args: list[Node] = []
            if not (self.peek()[0] == "op" and self.peek()[1] == ")"):
                args.append(self.binary(0))
                while self.peek()[0] == "op" and self.peek()[1] == ",":
                    self.take()
                    args.append(self.binary(0))
            self.expect(")")
            lo, hi = FUNCTIONS[tok_text]
            if len(args) < lo or (hi is not None and len(args) > hi):
                raise ExpressionError(
                    f"{tok_text}() takes {lo if hi == lo else f'{lo}–{hi or lo}'} argument(s), "
                    f"not {len(args)}",
                    pos,
                )
            return Node("call", tok_text, tuple(args))
        raise ExpressionError(f"unexpected “{tok_text or 'end'}”", pos)


def parse(text: str) -> Expression:
    """Parse ``text``; raise ``ExpressionError`` saying what and where."""
    if not text.strip():
        raise ExpressionError("the expression is empty", 0)
    parser = _Parser(text)
    tree = parser.binary(0)
    kind, tok_text, pos = parser.peek()
    if kind != "end":
        raise ExpressionError(f"unexpected “{tok_text}”", pos)
    return Expression(text, tree)


# --- values -----------------------------------------------------------------------------

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH = dt.date(1970, 1, 1)


def to_number(v: Value) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, float):
        return v
    text = v.strip()
    if _DATE_RE.match(text):
        try:
            return float((dt.date.fromisoformat(text) - _EPOCH).days)
        except ValueError:
            return math.nan
    if re.match(r"^-?(\d+(\.\d*)?|\.\d+)$", text):
        return float(text)
    return math.nan


def to_boolean(v: Value) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return not (v == 0 or math.isnan(v))
    return v != ""


def to_string(v: Value) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return number_text(v)
    return v


def number_text(v: float) -> str:
    """Write a number as XPath's string() does (and JavaScript's String for ordinary values)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == int(v):
        return str(int(v))
    return repr(v)


def answer_text(value: Any) -> str:
    """Return a stored answer as the string an expression sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    if isinstance(value, int | float):
        return number_text(float(value))
    return str(value)


def _equal(a: Value, b: Value, negate: bool) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        same = to_boolean(a) == to_boolean(b)
    elif isinstance(a, float) or isinstance(b, float):
        x, y = to_number(a), to_number(b)
        if math.isnan(x) or math.isnan(y):
            return negate  # NaN equals nothing, itself included
        same = x == y
    else:
        same = a == b
    return not same if negate else same


def _round(x: float, digits: int) -> float:
    if math.isnan(x) or math.isinf(x):
        return x
    factor = 10.0**digits
    return math.floor(x * factor + 0.5) / factor


def evaluate(expr: Expression, answers: Mapping[str, str], current: str = "") -> Value:
    """Evaluate ``expr`` with ``answers`` (question name → answer text) and ``.`` = ``current``."""
    return _eval(expr.tree, answers, current)


def holds(expr: Expression, answers: Mapping[str, str], current: str = "") -> bool:
    """Return the expression's value as a boolean (relevant, constraint, required)."""
    return to_boolean(evaluate(expr, answers, current))


def _eval(node: Node, answers: Mapping[str, str], current: str) -> Value:
    k = node.kind
    if k == "num":
        return float(node.value)
    if k == "str":
        return str(node.value)
    if k == "ref":
        return answers.get(node.value, "")
    if k == "dot":
        return current

    def ev(i: int) -> Value:
        return _eval(node.args[i], answers, current)

    if k == "or":
        return to_boolean(ev(0)) or to_boolean(ev(1))
    if k == "and":
        return to_boolean(ev(0)) and to_boolean(ev(1))
    if k in ("=", "!="):
        return _equal(ev(0), ev(1), k == "!=")
    if k in _COMPARE:
        x, y = to_number(ev(0)), to_number(ev(1))
        return _COMPARE[k](x, y)
    if k in _ARITHMETIC:
        return _ARITHMETIC[k](to_number(ev(0)), to_number(ev(1)))
    if k == "neg":
        return -to_number(ev(0))
    return _call(node, answers, current)


def _div(x: float, y: float) -> float:
    if y == 0:
        if x == 0 or math.isnan(x):
            return math.nan
        return math.inf if x > 0 else -math.inf
    return x / y


def _mod(x: float, y: float) -> float:
    if y == 0 or math.isnan(x) or math.isnan(y) or math.isinf(x):
        return math.nan
    return math.fmod(x, y)


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}
_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "div": _div,
    "mod": _mod,
}


def _call(node: Node, answers: Mapping[str, str], current: str) -> Value:
    name = node.value
    args = [_eval(a, answers, current) for a in node.args] if name != "if" else []
    if name == "if":
        branch = 1 if to_boolean(_eval(node.args[0], answers, current)) else 2
        return _eval(node.args[branch], answers, current)
    if name == "selected":
        return to_string(args[1]).strip() in to_string(args[0]).split()
    if name == "count-selected":
        return float(len(to_string(args[0]).split()))
    if name == "string-length":
        return float(len(to_string(args[0])))
    if name == "not":
        return not to_boolean(args[0])
    if name == "true":
        return True
    if name == "false":
        return False
    if name == "concat":
        return "".join(to_string(a) for a in args)
    if name == "coalesce":
        first = to_string(args[0])
        return first if first != "" else to_string(args[1])
    if name == "number":
        return to_number(args[0])
    if name == "int":
        x = to_number(args[0])
        return x if math.isnan(x) or math.isinf(x) else float(math.trunc(x))
    if name == "string":
        return to_string(args[0])
    # round
    digits = 0 if len(args) == 1 else int(to_number(args[1]))
    return _round(to_number(args[0]), digits)
