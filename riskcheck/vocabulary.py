"""The closed vocabularies of case format 1; their labels are in the message catalogue (``label.<value>``)."""

from __future__ import annotations

from typing import Literal, get_args

from riskcheck.i18n import FALLBACK, languages, messages

Role = Literal["executive", "department_head", "section_manager", "hr", "recruiter", "agent",
               "team_member", "unknown"]
Stage = Literal["casual", "first_interview", "second_interview", "final_interview", "offer_meeting",
                "offer_received", "accepted"]
EmploymentType = Literal["regular", "contract", "dispatch", "part_time", "other"]
DocumentKind = Literal["job_posting", "offer_letter", "labor_conditions_notice", "employment_contract",
                       "work_rules", "email", "memo"]
Channel = Literal["verbal", "email", "chat", "document"]
Topic = Literal["role", "assignment", "training", "salary", "raise", "bonus", "overtime", "working_hours",
                "holidays", "location", "remote", "start_date", "probation", "contract_term", "benefits",
                "evaluation", "retirement", "total_compensation", "documents", "authority", "duties",
                "allowances", "side_jobs", "repayment"]
BonusBasis = Literal["guaranteed", "formula", "past_record", "discretionary", "none", "unknown"]
OvertimeScheme = Literal["actual_hours", "fixed", "deemed", "discretionary", "manager_exempt", "unknown"]
YesNoUnknown = Literal["yes", "no", "unknown"]
Relocation = Literal["none", "within_commute", "possible", "nationwide", "overseas", "unknown"]
SideJobs = Literal["allowed", "with_permission", "prohibited", "unknown"]
RepaymentFor = Literal["relocation", "signing_bonus", "training", "other"]
IncomePart = Literal["base", "allowances", "fixed_overtime", "bonus", "overtime_estimate", "other"]
Severity = Literal["blocker", "high", "medium", "low"]
Form = Literal["written", "verbal"]
Lang = Literal[languages()]  # type: ignore[valid-type]
"""The languages of the message catalogue (one ``riskcheck/i18n/<code>.py`` each), Japanese first."""

SEVERITIES: tuple[Severity, ...] = get_args(Severity)
STAGES: tuple[Stage, ...] = get_args(Stage)
ROLES: tuple[Role, ...] = get_args(Role)
TOPICS: tuple[Topic, ...] = get_args(Topic)


def label(value: str, lang: str) -> str:
    """The human label of a vocabulary value (catalogue key ``label.<value>``), or the value itself."""
    return messages(lang).get("label." + value) or messages(FALLBACK).get("label." + value) or value
