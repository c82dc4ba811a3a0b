"""Waivers: a risk someone accepted. The finding stays in the report, marked as waived, until the
waiver expires; an expired waiver no longer applies and the finding says so."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from riskcheck.case import Waiver
from riskcheck.findings import Finding
from riskcheck.loading import load
from riskcheck.validation import validate


class WaiverFile(BaseModel):
    model_config = {"extra": "forbid"}
    waivers: list[Waiver]


def load_waivers(path: str) -> list[Waiver]:
    """Read a waiver file (``waivers: [{rule, case, reason, accepted_by, expires}, ...]``)."""
    return validate(WaiverFile, load(path)).waivers


def apply(findings: list[Finding], waivers: list[Waiver], case_id: str, today: date) -> None:
    """Mark each finding covered by a waiver for this case as waived, or its waiver as expired."""
    for finding in findings:
        for waiver in waivers:
            if waiver.rule != finding.rule or waiver.case not in (None, case_id):
                continue
            entry = {"reason": waiver.reason, "accepted_by": waiver.accepted_by, "expires": waiver.expires.isoformat()}
            if waiver.expires >= today:
                finding.waived = entry
                break
            finding.waiver_expired = entry
