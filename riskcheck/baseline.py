"""Baselines: last month's report, so an audit shows what is new (``audit --baseline PREVIOUS.json``).

A finding is known by its case id, its rule and the case item it is about (``about``); the
message is not part of the key, so a reworded pack or another language still matches. Each
finding of the new report is marked ``baseline: new`` or ``unchanged``, and each case lists the
findings of the baseline that are gone (``resolved``). A baseline from another pack version works:
a rule it has and the current pack lacks simply shows as resolved.
"""

from __future__ import annotations

import json
from typing import Any

from riskcheck.errors import InputError
from riskcheck.vocabulary import SEVERITIES

Key = tuple[str, str | None]
"""A finding within one case: (rule, about)."""


class Baseline:
    """The findings of a previous ``--format json`` report, by case id."""

    def __init__(self, findings: dict[str, list[Key]]):
        self.findings = findings

    @classmethod
    def load(cls, path: str) -> Baseline:
        """Read a previous report; anything that is not report format 1 is an InputError."""
        try:
            with open(path, "rb") as handle:
                report = json.loads(handle.read())
        except OSError as exc:
            raise InputError(path, exc.strerror or str(exc)) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(path, f"not a JSON report ({exc}); give a report written by "
                                   "`riskcheck audit --format json`") from None
        if not isinstance(report, dict) or report.get("riskcheck") != 1 or not isinstance(report.get("cases"), list):
            raise InputError(path, "not a riskcheck report (format 1); give a report written by "
                                   "`riskcheck audit --format json`")
        findings: dict[str, list[Key]] = {}
        for number, case in enumerate(report["cases"], 1):
            if not isinstance(case, dict) or not isinstance(case.get("id"), str):
                raise InputError(path, f"case {number} of the report has no id", field=f"cases[{number - 1}]")
            keys = findings.setdefault(case["id"], [])
            for finding in case.get("findings") or []:
                if isinstance(finding, dict) and isinstance(finding.get("rule"), str):
                    keys.append((finding["rule"], finding.get("about")))
        return cls(findings)

    def mark(self, entry: dict[str, Any], fail_on: str, only_new: bool = False) -> dict[str, Any]:
        """Mark ``entry``'s findings new or unchanged, list the resolved ones, and base its status on the
        new findings only (so the exit code counts only what is new); ``only_new`` drops the unchanged.
        In place; returned."""
        before = list(self.findings.get(entry["id"], ()))
        for finding in entry["findings"]:
            key = (finding["rule"], finding.get("about"))
            if key in before:
                before.remove(key)
                finding["baseline"] = "unchanged"
            else:
                finding["baseline"] = "new"
        if only_new:
            entry["findings"] = [f for f in entry["findings"] if f["baseline"] == "new"]
        if entry.get("error") is None:
            threshold = SEVERITIES.index(fail_on)
            loud = any(f["baseline"] == "new" and "waived" not in f and SEVERITIES.index(f["severity"]) <= threshold
                       for f in entry["findings"])
            entry["status"] = "findings" if loud else "ok"
            entry["resolved"] = [{"rule": rule, "about": about} for rule, about in sorted(before, key=_order)]
        return entry


def prepare_marked(baseline: Baseline, only_new: bool, renderer_class: Any, fail_on: str, entry: dict[str, Any],
                   lang: str = "en") -> Any:
    """``render.prepare`` after marking the entry against the baseline (what ``audit``'s workers run)."""
    from riskcheck.render import prepare

    return prepare(renderer_class, fail_on, baseline.mark(entry, fail_on, only_new), lang)


def _order(key: Key) -> tuple[str, str]:
    return key[0], key[1] or ""
