"""The closed vocabularies of case format 1, with their labels in Japanese and English."""

from __future__ import annotations

from typing import Literal, get_args

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
Lang = Literal["ja", "en"]

SEVERITIES: tuple[Severity, ...] = get_args(Severity)
STAGES: tuple[Stage, ...] = get_args(Stage)
ROLES: tuple[Role, ...] = get_args(Role)
TOPICS: tuple[Topic, ...] = get_args(Topic)

LABELS: dict[str, dict[str, str]] = {
    # roles
    "executive": {"en": "executive", "ja": "役員・社長"},
    "department_head": {"en": "department head", "ja": "部長・事業部長"},
    "section_manager": {"en": "section manager (who assigns the work)", "ja": "課長・現場責任者（仕事を割り振る人）"},
    "hr": {"en": "HR", "ja": "人事"},
    "recruiter": {"en": "recruiter", "ja": "リクルーター"},
    "agent": {"en": "recruitment agent", "ja": "転職エージェント"},
    "team_member": {"en": "team member", "ja": "チームメンバー"},
    "unknown": {"en": "unknown", "ja": "不明"},
    # stages
    "casual": {"en": "casual talk", "ja": "カジュアル面談"},
    "first_interview": {"en": "first interview", "ja": "一次面接"},
    "second_interview": {"en": "second interview", "ja": "二次面接"},
    "final_interview": {"en": "final interview", "ja": "最終面接"},
    "offer_meeting": {"en": "offer meeting", "ja": "オファー面談"},
    "offer_received": {"en": "offer received", "ja": "内定受領後"},
    "accepted": {"en": "accepted", "ja": "内定承諾後"},
    # topics
    "role": {"en": "role", "ja": "役割"},
    "assignment": {"en": "assignment", "ja": "配属部署"},
    "training": {"en": "training", "ja": "研修・育成"},
    "salary": {"en": "salary", "ja": "給与"},
    "raise": {"en": "raises", "ja": "昇給"},
    "bonus": {"en": "bonus", "ja": "賞与"},
    "overtime": {"en": "overtime", "ja": "残業・残業代"},
    "working_hours": {"en": "working hours", "ja": "労働時間"},
    "holidays": {"en": "holidays and leave", "ja": "休日・休暇"},
    "location": {"en": "work location", "ja": "就業場所"},
    "remote": {"en": "remote work", "ja": "リモートワーク"},
    "start_date": {"en": "start date", "ja": "入社日"},
    "probation": {"en": "probation", "ja": "試用期間"},
    "contract_term": {"en": "contract period", "ja": "契約期間"},
    "benefits": {"en": "benefits", "ja": "福利厚生"},
    "evaluation": {"en": "evaluation", "ja": "評価制度"},
    "retirement": {"en": "retirement and dismissal", "ja": "退職・解雇"},
    "total_compensation": {"en": "total compensation", "ja": "年収総額"},
    "documents": {"en": "documents", "ja": "書面"},
    "authority": {"en": "authority", "ja": "決裁権限"},
    "duties": {"en": "duties", "ja": "業務内容"},
    "allowances": {"en": "allowances", "ja": "手当"},
    "side_jobs": {"en": "side jobs", "ja": "副業"},
    "repayment": {"en": "repayment clauses", "ja": "返還条項"},
    # relocation (転勤)
    "within_commute": {"en": "within commuting distance", "ja": "通勤圏内のみ"},
    "possible": {"en": "transfers possible", "ja": "転勤の可能性あり"},
    "nationwide": {"en": "anywhere in the country", "ja": "全国転勤あり"},
    "overseas": {"en": "including overseas", "ja": "海外転勤あり"},
    # side jobs (副業)
    "allowed": {"en": "allowed", "ja": "可"},
    "with_permission": {"en": "with permission", "ja": "許可制"},
    "prohibited": {"en": "prohibited", "ja": "禁止"},
    # repayment and quoted income parts
    "relocation": {"en": "relocation costs", "ja": "転居費用"},
    "signing_bonus": {"en": "signing bonus", "ja": "入社一時金"},
    "other": {"en": "other", "ja": "その他"},
    "base": {"en": "base pay", "ja": "基本給"},
    "fixed_overtime": {"en": "fixed overtime pay", "ja": "固定残業代"},
    "overtime_estimate": {"en": "estimated overtime pay", "ja": "残業代の見込み"},
    # overtime schemes and bonus bases
    "actual_hours": {"en": "paid per hour worked", "ja": "実労働時間に応じて支給"},
    "fixed": {"en": "fixed overtime pay", "ja": "固定残業代（みなし残業）"},
    "deemed": {"en": "deemed working hours", "ja": "みなし労働時間制"},
    "discretionary": {"en": "discretionary", "ja": "裁量"},
    "manager_exempt": {"en": "treated as an exempt manager", "ja": "管理監督者扱い"},
    "guaranteed": {"en": "guaranteed", "ja": "保証あり"},
    "formula": {"en": "by formula", "ja": "算定式あり"},
    "past_record": {"en": "past record only", "ja": "過去実績のみ"},
    "none": {"en": "none", "ja": "なし"},
    # yes / no / unknown answers
    "yes": {"en": "yes", "ja": "あり"},
    "no": {"en": "no", "ja": "なし"},
    # document kinds
    "job_posting": {"en": "job posting", "ja": "求人票"},
    "offer_letter": {"en": "offer letter", "ja": "内定通知書"},
    "labor_conditions_notice": {"en": "written statement of working conditions", "ja": "労働条件通知書"},
    "employment_contract": {"en": "employment contract", "ja": "雇用契約書"},
    "work_rules": {"en": "work rules", "ja": "就業規則"},
    "email": {"en": "email", "ja": "メール"},
    "memo": {"en": "memo", "ja": "メモ"},
    # severities and forms
    "blocker": {"en": "blocker", "ja": "承諾前に必須"},
    "high": {"en": "high", "ja": "高"},
    "medium": {"en": "medium", "ja": "中"},
    "low": {"en": "low", "ja": "低"},
    "written": {"en": "in writing", "ja": "書面で"},
    "verbal": {"en": "verbally", "ja": "口頭で"},
}


def label(value: str, lang: str) -> str:
    """The human label of a vocabulary value, or the value itself when it has none."""
    return LABELS.get(value, {}).get(lang, value)
