"""The row checks of ``records`` over a whole batch of rows at once (Arrow and NumPy).

``batch_check`` takes the eight columns of a register extract as Arrow string
arrays and says which rows ``record_check`` accepts, with their checked values as
columns. It names no problems: the caller hands each refused row to
``record_check``, so the reasons are written once. A property test holds the two in
agreement, whitespace included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .iin import FIRST_WEIGHTS, SECOND_WEIGHTS
from .records import HEADER, NAME_MAX, STATUS_FLAGS, STATUS_SEPARATOR

# Every character ``str.strip()`` removes (none is above U+3000).
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_W1 = np.array(FIRST_WEIGHTS, dtype=np.int32)
_W2 = np.array(SECOND_WEIGHTS, dtype=np.int32)
_DIGIT_0, _DIGIT_9, _DASH = ord("0"), ord("9"), ord("-")


@dataclass(frozen=True, slots=True)
class CheckedBatch:
    """The rows of one batch: which pass, and the checked values (meaningful where ``ok``)."""

    ok: np.ndarray  # bool, one per row
    iin: np.ndarray  # uint8 (rows, 12): the IIN's ASCII digits
    surname: pa.Array
    given_name: pa.Array
    patronymic: pa.Array
    birth_date: np.ndarray  # datetime64[D]
    sex: pa.Array
    station: pa.Array
    incapacitated: np.ndarray
    prisoner: np.ndarray


def _utf8(*characters: str) -> list[bytes]:
    return [c.encode() for c in characters]


# How a whitespace character can begin a value (its first byte) or end one (its
# last one, two or three bytes) in UTF-8.
_FIRST = np.zeros(256, dtype=bool)
_FIRST[[b[0] for b in _utf8(*WHITESPACE)]] = True
_LAST = np.zeros(256, dtype=bool)
_LAST[[b[0] for b in _utf8(*WHITESPACE) if len(b) == 1]] = True
_LAST_TWO = np.zeros(1 << 16, dtype=bool)
_LAST_TWO[[b[0] << 8 | b[1] for b in _utf8(*WHITESPACE) if len(b) == 2]] = True
_LAST_THREE = np.array([b[0] << 16 | b[1] << 8 | b[2] for b in _utf8(*WHITESPACE) if len(b) == 3])
_LEAD_THREE = np.zeros(256, dtype=bool)
_LEAD_THREE[[b[0] for b in _utf8(*WHITESPACE) if len(b) == 3]] = True


def string_buffers(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (one more than values) and the UTF-8 bytes of a string array."""
    offset_type = np.int64 if pa.types.is_large_string(column.type) else np.int32
    _, offsets_buffer, data_buffer = column.buffers()
    skip = column.offset * np.dtype(offset_type).itemsize
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type, count=len(column) + 1, offset=skip)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.zeros(0, np.uint8)
    return offsets.astype(np.int64), data


def _may_have_whitespace_ends(column: pa.Array) -> bool:
    """False only if no value begins or ends with a character ``str.strip()`` removes."""
    offsets, data = string_buffers(column)
    if not len(data):
        return False
    length = np.diff(offsets)
    end = offsets[1:]

    def byte(at: np.ndarray) -> np.ndarray:  # out-of-value bytes are masked by length below
        return data.take(at, mode="clip")

    last = byte(end - 1)
    hit = (length > 0) & (_FIRST[byte(offsets[:-1])] | _LAST[last])
    hit |= (length > 1) & _LAST_TWO[byte(end - 2).astype(np.int64) << 8 | last]
    lead = (length > 2) & _LEAD_THREE[byte(end - 3)]
    if lead.any():
        at = end[lead]
        code = byte(at - 3).astype(np.int64) << 16 | byte(at - 2).astype(np.int64) << 8
        hit[lead] |= np.isin(code | byte(at - 1), _LAST_THREE)
    return bool(hit.any())


def strip(column: pa.Array) -> pa.Array:
    """``str.strip()`` on every value; a missing value reads as empty."""
    if column.null_count:
        column = pc.fill_null(column, "")
    if not _may_have_whitespace_ends(column):
        return column  # the usual case, found without rewriting the column
    return pc.utf8_trim(column, characters=WHITESPACE)


def fixed_bytes(column: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the UTF-8 bytes of values exactly ``width`` bytes long, and where that holds."""
    n = len(column)
    offsets, data = string_buffers(column)
    fits = np.diff(offsets) == width
    if fits.all():  # the usual case: the values lie back to back
        start = int(offsets[0]) if n else 0
        return data[start : start + n * width].reshape(n, width), fits
    out = np.zeros((n, width), dtype=np.uint8)
    rows = np.flatnonzero(fits)
    starts = offsets[rows].astype(np.int64)
    out[rows] = data[starts[:, None] + np.arange(width)]
    return out, fits


def _digits(raw: np.ndarray) -> np.ndarray:
    return np.all((raw >= _DIGIT_0) & (raw <= _DIGIT_9), axis=1)


def decimal(digits: np.ndarray) -> np.ndarray:
    """The decimal number written by each row of digit values (in the digits' integer type)."""
    return digits @ (10 ** np.arange(digits.shape[1] - 1, -1, -1, dtype=digits.dtype))


def real_date(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each (year, month, day) is a date of the proleptic Gregorian calendar."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_ok = (month >= 1) & (month <= 12)
    last = _DAYS[np.where(month_ok, month, 0)] + (leap & (month == 2))
    return (year >= 1) & month_ok & (day >= 1) & (day <= last)


def _iin(raw: np.ndarray, fits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (valid IIN, century digit, first year of its century) per row."""
    d = raw.astype(np.int32) - _DIGIT_0
    valid = fits & _digits(raw)
    c = d[:, 6]
    century = 1800 + ((c - 1) // 2) * 100
    valid &= (c >= 1) & (c <= 6)
    valid &= real_date(century + decimal(d[:, 0:2]), decimal(d[:, 2:4]), decimal(d[:, 4:6]))
    s1 = (d[:, :11] @ _W1) % 11
    s2 = (d[:, :11] @ _W2) % 11
    k = np.where(s1 != 10, s1, s2)
    valid &= (k != 10) & (k == d[:, 11])
    return valid, c, century


def iins_valid(raw: np.ndarray) -> np.ndarray:
    """Whether each row of ``(n, 12)`` ASCII bytes is a valid IIN (``iin_problem`` is None)."""
    return _iin(raw, np.ones(len(raw), dtype=bool))[0]


def _birth(raw: np.ndarray, fits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (valid YYYY-MM-DD, year, date) per row."""
    digit_columns = [0, 1, 2, 3, 5, 6, 8, 9]
    valid = fits & (raw[:, 4] == _DASH) & (raw[:, 7] == _DASH) & _digits(raw[:, digit_columns])
    d = raw.astype(np.int32) - _DIGIT_0
    year, month, day = decimal(d[:, 0:4]), decimal(d[:, 5:7]), decimal(d[:, 8:10])
    valid &= real_date(year, month, day)
    year_, month_, day_ = (np.where(valid, v, 1) for v in (year, month, day))
    date = (
        (year_ - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        + (month_ - 1).astype("timedelta64[M]")
    ).astype("datetime64[D]") + (day_ - 1).astype("timedelta64[D]")
    return valid, year, date


def _length_between(column: pa.Array, low: int, high: int) -> np.ndarray:
    length = pc.utf8_length(column).to_numpy(zero_copy_only=False)
    return (length >= low) & (length <= high)


def _status(column: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (valid flags, incapacitated, prisoner) per row."""
    n = len(column)
    parts = pc.split_pattern(column, STATUS_SEPARATOR)
    row = pc.list_parent_indices(parts).to_numpy()
    flag = strip(pc.list_flatten(parts))

    def rows_where(mask: pa.Array) -> np.ndarray:
        hits = row[mask.to_numpy(zero_copy_only=False)]
        return np.bincount(hits, minlength=n).astype(bool)

    known = pc.is_in(flag, value_set=pa.array(["", *sorted(STATUS_FLAGS)]))
    return (
        ~rows_where(pc.invert(known)),
        rows_where(pc.equal(flag, "incapacitated")),
        rows_where(pc.equal(flag, "prisoner")),
    )


def _equals(column: pa.Array, value: str) -> np.ndarray:
    return pc.equal(column, value).to_numpy(zero_copy_only=False)


def batch_check(columns: Sequence[pa.Array]) -> CheckedBatch:
    """Check a batch of rows given as the ``HEADER`` columns (Arrow string arrays)."""
    if len(columns) != len(HEADER):
        raise ValueError(f"expected {len(HEADER)} columns, got {len(columns)}")
    iin, surname, given, patronymic, birth, sex, station, status = (strip(c) for c in columns)
    iin_raw, iin_fits = fixed_bytes(iin, 12)
    iin_ok, c, century = _iin(iin_raw, iin_fits)
    birth_raw, birth_fits = fixed_bytes(birth, 10)
    birth_ok, year, birth_date = _birth(birth_raw, birth_fits)
    male, female = _equals(sex, "M"), _equals(sex, "F")
    status_ok, incapacitated, prisoner = _status(status)
    ok = (
        iin_ok
        & birth_ok
        & (male | female)
        & status_ok
        & _length_between(surname, 1, NAME_MAX)
        & _length_between(given, 1, NAME_MAX)
        & _length_between(patronymic, 0, NAME_MAX)
        & _length_between(station, 1, 1 << 30)
        # the IIN encodes the birth date (YYMMDD, in its century) and the sex
        & np.all(iin_raw[:, 0:6] == birth_raw[:, [2, 3, 5, 6, 8, 9]], axis=1)
        & (year >= century)
        & (year < century + 100)
        & ((c % 2 == 1) == male)
    )
    return CheckedBatch(
        ok=ok,
        iin=iin_raw,
        surname=surname,
        given_name=given,
        patronymic=patronymic,
        birth_date=birth_date,
        sex=sex,
        station=station,
        incapacitated=incapacitated,
        prisoner=prisoner,
    )
