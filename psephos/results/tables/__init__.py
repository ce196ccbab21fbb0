"""Station-level results tables from files: the mapping of their columns and the one reader
(CSV in UTF-8 or cp1251, any delimiter, zipped or not, or Parquet) that ``psephos
integrity run`` and ``psephos results import`` share."""
