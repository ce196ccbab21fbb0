"""Election-forensics statistics as pure functions of a station table (NumPy/SciPy only).

Formulas follow ``reference/forensics-methods.md``; ``docs/integrity.md`` documents
each method, its caveats and its validated tolerances.
"""
