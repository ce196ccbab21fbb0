// The ODK XPath subset of checklists (relevant, constraint, calculation), as in
// psephos/observation/rules/xpath.py: the same grammar, the same values and the same
// comparisons, so the phone and the server agree on what is asked and what is allowed.
// Both are tested against observation/tests/xpath_cases.json.
(function (root) {
  "use strict";

  const TOKEN = /\s*(?:(\d+(?:\.\d*)?|\.\d+)|('[^']*'|"[^"]*")|(\$\{[^}]*\})|(!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)|([A-Za-z_][A-Za-z0-9_-]*(?::[A-Za-z_][A-Za-z0-9_-]*)?)|(\.))/y;
  const KINDS = ["number", "string", "ref", "op", "name", "dot"];
  const WORD_OPS = ["and", "or", "div", "mod"];
  const FUNCTIONS = {
    "selected": [2, 2], "count-selected": [1, 1], "string-length": [1, 1], "not": [1, 1],
    "true": [0, 0], "false": [0, 0], "if": [3, 3], "concat": [1, null], "coalesce": [2, 2],
    "number": [1, 1], "int": [1, 1], "string": [1, 1], "round": [1, 2],
  };
  const BINARY = [["or"], ["and"], ["=", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "div", "mod"]];

  class ExpressionError extends Error {
    constructor(message, position) { super(message); this.position = position; }
  }

  function tokens(text) {
    const out = [];
    let pos = 0;
    while (pos < text.length) {
      if (text.slice(pos).trim() === "") break;
      TOKEN.lastIndex = pos;
      const m = TOKEN.exec(text);
      if (!m || TOKEN.lastIndex === pos) {
        const start = text.length - text.slice(pos).trimStart().length;
        throw new ExpressionError("cannot read “" + text.slice(start, start + 10) + "”", start);
      }
      const i = m.slice(1).findIndex((g) => g !== undefined);
      let kind = KINDS[i];
      const tok = m[i + 1];
      const start = TOKEN.lastIndex - tok.length;
      if (kind === "name" && WORD_OPS.includes(tok)) kind = "op";
      out.push([kind, tok, start]);
      pos = TOKEN.lastIndex;
    }
    out.push(["end", "", text.length]);
    return out;
  }

  function parse(text) {
    if (!text.trim()) throw new ExpressionError("the expression is empty", 0);
    const toks = tokens(text);
    let i = 0;
    const peek = () => toks[i];
    const take = () => toks[i++];
    const isOp = (t, op) => t[0] === "op" && t[1] === op;
    function expect(op) {
      const t = take();
      if (!isOp(t, op)) throw new ExpressionError("“" + op + "” expected at “" + (t[1] || "the end") + "”", t[2]);
    }
    function binary(level) {
      if (level === BINARY.length) return unary();
      let left = binary(level + 1);
      for (;;) {
        const t = peek();
        if (t[0] === "op" && BINARY[level].includes(t[1])) {
          take();
          left = { kind: t[1], args: [left, binary(level + 1)] };
        } else return left;
      }
    }
    function unary() {
      if (isOp(peek(), "-")) { take(); return { kind: "neg", args: [unary()] }; }
      return primary();
    }
    function primary() {
      const [kind, tok, pos] = take();
      if (kind === "number") return { kind: "num", value: parseFloat(tok), args: [] };
      if (kind === "string") return { kind: "str", value: tok.slice(1, -1), args: [] };
      if (kind === "ref") {
        const name = tok.slice(2, -1).trim();
        if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new ExpressionError("“" + tok + "” is not a question reference", pos);
        return { kind: "ref", value: name, args: [] };
      }
      if (kind === "dot") return { kind: "dot", args: [] };
      if (kind === "op" && tok === "(") { const inner = binary(0); expect(")"); return inner; }
      if (kind === "name") {
        if (!(tok in FUNCTIONS)) throw new ExpressionError("function “" + tok + "” is not supported", pos);
        expect("(");
        const args = [];
        if (!isOp(peek(), ")")) {
          args.push(binary(0));
          while (isOp(peek(), ",")) { take(); args.push(binary(0)); }
        }
        expect(")");
        const [lo, hi] = FUNCTIONS[tok];
        if (args.length < lo || (hi !== null && args.length > hi)) {
          throw new ExpressionError(tok + "() takes " + (hi === lo ? lo : lo + "–" + (hi || lo)) + " argument(s), not " + args.length, pos);
        }
        return { kind: "call", value: tok, args };
      }
      throw new ExpressionError("unexpected “" + (tok || "end") + "”", pos);
    }
    const tree = binary(0);
    if (peek()[0] !== "end") throw new ExpressionError("unexpected “" + peek()[1] + "”", peek()[2]);
    return tree;
  }

  // Values: strings, numbers and booleans, as XPath 1.0.
  function toNumber(v) {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v;
    const text = v.trim();
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (d) {
      const ms = Date.UTC(+d[1], +d[2] - 1, +d[3]);
      const back = new Date(ms);
      if (back.getUTCFullYear() !== +d[1] || back.getUTCMonth() !== +d[2] - 1 || back.getUTCDate() !== +d[3]) return NaN;
      return ms / 86400000;
    }
    if (/^-?(\d+(\.\d*)?|\.\d+)$/.test(text)) return parseFloat(text);
    return NaN;
  }
  function toBoolean(v) {
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return !(v === 0 || Number.isNaN(v));
    return v !== "";
  }
  function numberText(v) {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    return String(v === 0 ? 0 : v);
  }
  function toString(v) {
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") return numberText(v);
    return v;
  }
  function equal(a, b, negate) {
    let same;
    if (typeof a === "boolean" || typeof b === "boolean") same = toBoolean(a) === toBoolean(b);
    else if (typeof a === "number" || typeof b === "number") {
      const x = toNumber(a), y = toNumber(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return negate;
      same = x === y;
    } else same = a === b;
    return negate ? !same : same;
  }
  function div(x, y) {
    if (y === 0) {
      if (x === 0 || Number.isNaN(x)) return NaN;
      return x > 0 ? Infinity : -Infinity;
    }
    return x / y;
  }
  function mod(x, y) {
    if (y === 0 || Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x)) return NaN;
    return x % y;
  }
  const COMPARE = { "<": (x, y) => x < y, "<=": (x, y) => x <= y, ">": (x, y) => x > y, ">=": (x, y) => x >= y };
  const ARITHMETIC = { "+": (x, y) => x + y, "-": (x, y) => x - y, "*": (x, y) => x * y, "div": div, "mod": mod };

  function ev(node, answers, current) {
    const k = node.kind;
    if (k === "num") return node.value;
    if (k === "str") return node.value;
    if (k === "ref") return Object.prototype.hasOwnProperty.call(answers, node.value) ? answers[node.value] : "";
    if (k === "dot") return current;
    const arg = (i) => ev(node.args[i], answers, current);
    if (k === "or") return toBoolean(arg(0)) || toBoolean(arg(1));
    if (k === "and") return toBoolean(arg(0)) && toBoolean(arg(1));
    if (k === "=" || k === "!=") return equal(arg(0), arg(1), k === "!=");
    if (k in COMPARE) return COMPARE[k](toNumber(arg(0)), toNumber(arg(1)));
    if (k in ARITHMETIC) return ARITHMETIC[k](toNumber(arg(0)), toNumber(arg(1)));
    if (k === "neg") return -toNumber(arg(0));
    return call(node, answers, current);
  }

  function call(node, answers, current) {
    const name = node.value;
    if (name === "if") return ev(node.args[toBoolean(ev(node.args[0], answers, current)) ? 1 : 2], answers, current);
    const args = node.args.map((a) => ev(a, answers, current));
    switch (name) {
      case "selected": return toString(args[0]).split(/\s+/).filter(Boolean).includes(toString(args[1]).trim());
      case "count-selected": return toString(args[0]).split(/\s+/).filter(Boolean).length;
      case "string-length": return Array.from(toString(args[0])).length;
      case "not": return !toBoolean(args[0]);
      case "true": return true;
      case "false": return false;
      case "concat": return args.map(toString).join("");
      case "coalesce": { const first = toString(args[0]); return first !== "" ? first : toString(args[1]); }
      case "number": return toNumber(args[0]);
      case "int": { const x = toNumber(args[0]); return Number.isFinite(x) ? Math.trunc(x) : x; }
      case "string": return toString(args[0]);
      default: {  // round
        const x = toNumber(args[0]);
        const digits = args.length === 1 ? 0 : Math.trunc(toNumber(args[1]));
        if (!Number.isFinite(x)) return x;
        const f = Math.pow(10, digits);
        return Math.floor(x * f + 0.5) / f;
      }
    }
  }

  const cache = new Map();
  function compiled(text) {
    if (!cache.has(text)) cache.set(text, parse(text));
    return cache.get(text);
  }
  function evaluate(text, answers, current) { return ev(compiled(text), answers, current === undefined ? "" : current); }
  function holds(text, answers, current) { return toBoolean(evaluate(text, answers, current)); }

  root.PsephosXPath = { parse, evaluate, holds, toString, toBoolean, numberText, ExpressionError };
})(typeof window !== "undefined" ? window : self);
