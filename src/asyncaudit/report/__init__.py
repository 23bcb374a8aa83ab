"""Render stage: pure functions of an `AnalysisResult` to text, JSON and SARIF."""

from __future__ import annotations

from collections.abc import Callable

from asyncaudit.model import AnalysisResult
from asyncaudit.report import github, json_format, sarif, text

FORMATTERS: dict[str, Callable[[AnalysisResult], str]] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
}
