"""Write N varied, realistic offer cases (about 3% of them invalid) for benchmarks and load tests.

    python benchmarks/generate_cases.py N OUTDIR [--format jsonl|yaml|csv] [--seed 1]

``jsonl`` (default) writes OUTDIR/cases.jsonl; ``yaml`` writes one file per case under OUTDIR/;
``csv`` writes OUTDIR/cases.csv in the column mapping of ``templates/offers.csv``.
The same N and seed always give the same cases.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
from typing import Any

import yaml

STAGES = ["casual", "first_interview", "second_interview", "final_interview", "offer_meeting", "offer_received",
          "accepted"]
ROLES = ["executive", "department_head", "section_manager", "hr", "recruiter", "agent", "team_member", "unknown"]
TOPICS = ["role", "assignment", "training", "salary", "raise", "bonus", "overtime", "working_hours", "holidays",
          "location", "remote", "start_date", "probation", "contract_term", "benefits", "evaluation"]
KINDS = ["job_posting", "offer_letter", "labor_conditions_notice", "employment_contract", "work_rules", "email", "memo"]
COMPANIES = ["サンプル開発株式会社", "Example Systems KK", "株式会社みらい物流", "Tokyo Fintech GK", "北海食品株式会社"]
POSITIONS = ["バックエンドエンジニア", "Project Manager", "営業職", "Data Analyst", "人事企画", "プロジェクトリーダー候補"]
NAMES = ["佐藤", "鈴木", "高橋", "Tanaka", "Watanabe", "伊藤", "山本", "Nakamura"]
SAID = {"role": "最初の1年はメンバーとして参加してよい", "bonus": "賞与は例年4〜6か月分です",
        "salary": "月給は現職より少し下がるが賞与で補える", "overtime": "残業代は固定で込みです",
        "remote": "週2日は在宅で大丈夫", "assignment": "配属は開発部の予定です", "location": "転勤はありません",
        "training": "入社後3か月は研修があります"}


def make_case(rng: random.Random, n: int) -> dict[str, Any]:
    """One plausible case; which parts are present and how they vary is drawn from ``rng``."""
    stage = rng.choice(STAGES)
    contract = rng.random() < 0.2
    people = [{"id": f"p{i}", "role": rng.choice(ROLES)} for i in range(rng.randint(1, 4))]
    for person in people:
        if rng.random() < 0.4:
            person["name"] = rng.choice(NAMES)
        if rng.random() < 0.3:
            person["assigns_work"] = rng.random() < 0.5
        if rng.random() < 0.3:
            person["decides_pay"] = rng.random() < 0.5
    documents = []
    for kind in rng.sample(KINDS, rng.randint(0, 4)):
        doc: dict[str, Any] = {"kind": kind, "covers": rng.sample(TOPICS, rng.randint(0, 8))}
        doc["received"] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.8 else False
        documents.append(doc)
    promises = []
    for _ in range(rng.randint(0, 5)):
        topic = rng.choice(TOPICS)
        promise: dict[str, Any] = {"topic": topic, "said": SAID.get(topic, "説明を受けた"),
                                   "channel": rng.choice(["verbal", "email", "chat", "document"]),
                                   "in_writing": rng.random() < 0.3, "stage": rng.choice(STAGES)}
        if rng.random() < 0.85:
            promise["by"] = rng.choice(people)["id"]
        else:
            promise["source"] = rng.choice(KINDS)
        if rng.random() < 0.3:
            promise["confirmed_by"] = [rng.choice(people)["id"]]
        promises.append(promise)
    salary = rng.randrange(220_000, 900_000, 10_000)
    basis = rng.choice(["guaranteed", "formula", "past_record", "discretionary", "none", "unknown"])
    bonus: dict[str, Any] = {"basis": basis, "in_writing": rng.random() < 0.4}
    if basis == "guaranteed":
        bonus["guaranteed_months"] = rng.choice([1, 2, 3, 4])
    if basis == "past_record":
        low = rng.randint(1, 4)
        bonus["stated_months"] = [low, low + rng.randint(0, 3)]
    scheme = rng.choice(["actual_hours", "fixed", "deemed", "discretionary", "manager_exempt", "unknown"])
    overtime: dict[str, Any] = {"scheme": scheme, "excess_paid": rng.choice(["yes", "no", "unknown"]),
                                "clause_checked": rng.random() < 0.4}
    if scheme == "fixed":
        overtime.update(fixed_hours=rng.choice([20, 30, 45, 60]), fixed_amount=rng.randrange(20_000, 120_000, 5_000))
    terms: dict[str, Any] = {"monthly_salary": salary, "bonus": bonus, "overtime": overtime,
                             "probation": {"months": rng.choice([0, 3, 6]),
                                           "conditions_differ": rng.choice(["yes", "no", "unknown"])}}
    if rng.random() < 0.6:
        terms["location"] = {"initial": "東京本社", "change_scope": rng.choice(["unknown", "東京都内の事業所"])}
    if contract:
        terms["contract"] = {"ends": "2027-03-31", "renewal_criteria": rng.choice(["unknown", "業績と勤務成績"]),
                             "renewal_cap": rng.choice(["unknown", "5年"])}
    case: dict[str, Any] = {
        "riskcheck": 1, "id": f"case-{n:07d}",
        "candidate": {"current_annual_income": rng.randrange(3_000_000, 12_000_000, 100_000),
                      "age": rng.randint(22, 60)},
        "offer": {"company": rng.choice(COMPANIES), "position": rng.choice(POSITIONS),
                  "employment_type": "contract" if contract else rng.choice(["regular", "regular", "dispatch"]),
                  "stage": stage},
        "people": people, "documents": documents, "promises": promises, "terms": terms}
    return _spoil(rng, case) if rng.random() < 0.03 else case


def _spoil(rng: random.Random, case: dict[str, Any]) -> dict[str, Any]:
    """An invalid case of the kinds users really write: a typo'd key, a bad value, a dangling reference."""
    kind = rng.randrange(3)
    if kind == 0:
        case["terms"]["bonus"]["basiss"] = case["terms"]["bonus"].pop("basis")
    elif kind == 1:
        case["offer"]["stage"] = "内定"
    else:
        case["promises"].append({"topic": "salary", "by": "nobody"})
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("outdir")
    parser.add_argument("--format", choices=["jsonl", "yaml", "csv"], default="jsonl")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    rng = random.Random(args.seed)
    cases = (make_case(rng, n) for n in range(args.n))
    if args.format == "jsonl":
        with open(os.path.join(args.outdir, "cases.jsonl"), "w", encoding="utf-8") as out:
            for case in cases:
                out.write(json.dumps(case, ensure_ascii=False) + "\n")
    elif args.format == "yaml":
        for case in cases:
            with open(os.path.join(args.outdir, f"{case['id']}.yaml"), "w", encoding="utf-8") as out:
                yaml.safe_dump(case, out, allow_unicode=True, sort_keys=False)
    else:
        write_csv(cases, os.path.join(args.outdir, "cases.csv"))


def write_csv(cases: Any, path: str) -> None:
    """Cases as CSV rows (up to 4 people, 5 promises, 4 documents per row)."""
    rows = [flatten(case) for case in cases]
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)


def flatten(case: dict[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {}

    def put(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                put(f"{prefix}.{key}" if prefix else key, inner)
        else:
            row[prefix] = ";".join(map(str, value)) if isinstance(value, list) else str(value).lower() \
                if isinstance(value, bool) else str(value)

    for key in ("id", "candidate", "offer", "terms"):
        put(key if key != "id" else "", case[key] if key != "id" else {"id": case["id"]})
    for group, prefix in (("people", "person"), ("promises", "promise"), ("documents", "document")):
        for i, item in enumerate(case.get(group, []), 1):
            put(f"{prefix}{i}", item)
    return row


if __name__ == "__main__":
    main()
