"""SVG plots: escaped labels, downsampled heat map, one bar per digit."""

from __future__ import annotations

from psephos.integrity.plots import digits_svg, heatmap_svg, histogram_svg


def test_heatmap_is_downsampled_to_50_bins() -> None:
    counts = [[1] * 100 for _ in range(100)]
    svg = heatmap_svg(counts, title="t", x_label="x", y_label="y")
    assert svg.count("<rect") == 2500


def test_labels_are_escaped() -> None:
    svg = histogram_svg([1, 2, 3], title="<script>", x_label="a&b", y_label="y")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "a&amp;b" in svg


def test_digit_bars() -> None:
    svg = digits_svg([10] * 10, [0.1] * 10, title="d", x_label="digit")
    assert svg.count("<rect") == 10
