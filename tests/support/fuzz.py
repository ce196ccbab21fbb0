"""Hypothesis strategies for fuzzing file importers: arbitrary bytes and mutated valid files.

A mutated file starts from a valid one and takes a few edits (a byte replaced, bytes
inserted or cut, a line repeated or dropped, a cell replaced with arbitrary text), so the
examples reach past the first check of an importer instead of stopping at its header.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Small, derandomised, no example database: each importer's properties run in seconds.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text that tends to break parsers: separators, quotes, line ends, BOM, NUL, non-ASCII.
TRICKY = st.sampled_from(
    [
        ",",
        ";",
        "\t",
        '"',
        '""',
        "\n",
        "\r",
        "\r\n",
        "\ufeff",
        "\x00",
        "-",
        "+1",
        " 1",
        "1e3",
        "NaN",
        "∞",
        "٣",
        "１",
        "Ә",
        "ё",
        "=1+1",
        "0x10",
        "99999999999999999999",
        "",
        " ",
    ]
)
CELL = st.one_of(TRICKY, st.text(max_size=12), st.integers().map(str))


@st.composite
def _edit(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["flip", "insert", "cut", "line", "cell"]))
    at = draw(st.integers(0, len(data)))
    if kind == "flip" and data:
        at = min(at, len(data) - 1)
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if kind == "insert":
        piece = draw(st.one_of(st.binary(max_size=8), TRICKY.map(lambda t: t.encode())))
        return data[:at] + piece + data[at:]
    if kind == "cut":
        return data[:at] + data[at + draw(st.integers(1, 20)) :]
    lines = data.split(b"\n")
    index = draw(st.integers(0, len(lines) - 1))
    if kind == "line":
        if draw(st.booleans()):
            lines.insert(index, lines[index])
        else:
            del lines[index]
        return b"\n".join(lines)
    for separator in (b",", b";", b"\t"):
        cells = lines[index].split(separator)
        if len(cells) > 1:
            cells[draw(st.integers(0, len(cells) - 1))] = draw(CELL).encode("utf-8", "replace")
            lines[index] = separator.join(cells)
            break
    return b"\n".join(lines)


@st.composite
def mutated(draw: st.DrawFn, valid: bytes, max_edits: int = 3) -> bytes:
    """``valid`` after one to ``max_edits`` random edits."""
    data = valid
    for _ in range(draw(st.integers(1, max_edits))):
        data = draw(_edit(data))
    return data


def file_bytes(valid: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, or ``valid`` as is, or ``valid`` mutated."""
    return st.one_of(st.binary(max_size=200), st.just(valid), mutated(valid))


#: A PNG, a JPEG and a PDF header and a line of text: the attachment and evidence seeds.
ATTACHMENT_SEEDS = [
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    b"\xff\xd8\xff\xe0" + b"\x00" * 40,
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "Бюллетени выданы дважды.\n".encode(),
]


def attachment_bytes() -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, or one of ``ATTACHMENT_SEEDS`` as is or mutated."""
    return st.sampled_from(ATTACHMENT_SEEDS).flatmap(file_bytes)
