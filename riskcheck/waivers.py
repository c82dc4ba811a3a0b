"""Waivers: a risk someone accepted. The finding stays in the report, marked as waived, until the
waiver expires; an expired waiver no longer applies and the finding says so.

A waiver names a rule and optionally a case id (without one it covers every case). It applies
up to and including its ``expires`` date. When several waivers cover a finding, a live one wins;
otherwise the one that expired last is reported. With ``--redact`` the reason and who accepted
the risk (free text, often a name) are replaced by the catalogue's ``waiver.redacted``.
"""

from __future__ import annotations

from datetime import date

from riskcheck.case import Model, Waiver
from riskcheck.findings import Finding
from riskcheck.i18n import text
from riskcheck.loading import load
from riskcheck.validation import validate


class WaiverFile(Model):
    """A file of accepted risks: ``waivers: [{rule, case, reason, accepted_by, expires}, ...]``."""

    waivers: list[Waiver]


def load_waivers(path: str) -> list[Waiver]:
    """Read a waiver file."""
    return validate(WaiverFile, load(path)).waivers


def apply(findings: list[Finding], waivers: list[Waiver], case_id: str, today: date, redact: bool = False,
          lang: str = "en") -> None:
    """Mark each finding covered by a live waiver for this case as waived, else note its expired waiver;
    with ``redact``, without the waiver's free text."""
    if not waivers:
        return
    hidden = text("waiver.redacted", lang) if redact else None
    for finding in findings:
        covering = [w for w in waivers if w.rule == finding.rule and w.case in (None, case_id)]
        if not covering:
            continue
        latest = max(covering, key=lambda w: w.expires)
        entry = {"reason": hidden or latest.reason, "accepted_by": hidden or latest.accepted_by,
                 "expires": latest.expires.isoformat()}
        if latest.expires >= today:
            finding.waived = entry
        else:
            finding.waiver_expired = entry
