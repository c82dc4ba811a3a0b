"""The shipped jp-offer pack: its fixture suite, the shared examples, stage escalation, texts.

Everything runs the real pack through the real engine; no expectation here is copied from a run:
fixture expectations are written in the fixtures, and the numbers below are computed from the
cases themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from riskcheck import packtest
from riskcheck.case import Case, load_case
from riskcheck.evaluate import Checker
from riskcheck.findings import Finding
from riskcheck.i18n import typography
from riskcheck.loading import load
from riskcheck.rulepack import load_packs, pack_paths
from riskcheck.vocabulary import SEVERITIES, STAGES

from conftest import EXAMPLES, FIXTURES, ROOT

ADVISOR = ROOT / "fixtures" / "advisor"

PACK = next(pack for pack in load_packs(pack_paths([], True)) if pack.name == "jp-offer")
RULES = {rule.id: rule for rule in PACK.rules}
ESCALATING = sorted(rid for rid, rule in RULES.items() if rule.severity_by_stage)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def rank(severity: str) -> int:
    """Higher is more severe."""
    return len(SEVERITIES) - SEVERITIES.index(severity)


def read_case(path: Path, **offer: Any) -> Case:
    """A case from a file, optionally with offer fields (e.g. the stage) replaced."""
    case = load_case(load(str(path)), path.stem)
    for key, value in offer.items():
        setattr(case.offer, key, value)
    return case


def findings_of(checker: Checker, case: Case) -> list[Finding]:
    return checker.check_case(case, case.id or "case").findings


@pytest.fixture(scope="module")
def suite(checker: Checker) -> tuple[list[packtest.Fixture], list[Any], packtest.TestRun]:
    fixtures, problems = packtest.load_fixtures([str(FIXTURES)], checker.rules)
    return fixtures, problems, packtest.run(checker, fixtures, sorted(RULES))


def firing_fixtures(fixtures: list[packtest.Fixture], rule: str) -> list[packtest.Fixture]:
    return [f for f in fixtures if f.case.expect is not None and rule in f.case.expect.fire]


# ---------------------------------------------------------------------------------- fixture suite

def test_every_fixture_is_a_valid_case_with_expectations(suite) -> None:
    fixtures, problems, _ = suite
    assert not problems, "fixtures that could not be run:\n" + "\n".join(map(str, problems))
    assert len(fixtures) >= len(RULES), f"only {len(fixtures)} fixtures for {len(RULES)} rules"


def test_every_expectation_holds(suite) -> None:
    _, _, run = suite
    failures = [f"{Path(e.source).name}:{e.line}: {e.rule} should {e.expected}, "
                f"but it {'fired' if e.fired else 'stayed silent'}" for e in run.failures]
    assert not failures, "fixture expectations broken:\n" + "\n".join(failures)


def test_every_rule_has_a_firing_fixture_and_a_near_miss(suite) -> None:
    _, _, run = suite
    missing = [f"{rule}: tp={run.stats[rule].tp} fn={run.stats[rule].fn} "
               f"tn={run.stats[rule].tn} fp={run.stats[rule].fp}" for rule in run.uncovered]
    assert not missing, "rules without both a firing fixture and a near-miss:\n" + "\n".join(missing)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_is_exercised_both_ways(suite, rule: str) -> None:
    """Per rule, so a report names the rule: it fired where expected and stayed silent on a near-miss."""
    _, _, run = suite
    stats = run.stats[rule]
    assert stats.tp >= 1 and stats.fn == 0, f"{rule}: expected to fire {stats.tp + stats.fn}x, fired {stats.tp}x"
    assert stats.tn >= 1 and stats.fp == 0, f"{rule}: expected silent {stats.tn + stats.fp}x, fired {stats.fp}x"


def test_fixture_names_match_a_rule_they_exercise(suite) -> None:
    """``bonus-not-guaranteed.fires.yaml`` must name BONUS-NOT-GUARANTEED in its expect: block."""
    fixtures, _, _ = suite
    wrong = []
    for fixture in fixtures:
        stem = Path(fixture.path).name.split(".")[0].upper()
        named = set(fixture.case.expect.fire + fixture.case.expect.silent) if fixture.case.expect else set()
        if stem in RULES and stem not in named:
            wrong.append(f"{Path(fixture.path).name} does not name {stem}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------------------------- one gap, one finding

def test_a_promise_gets_at_most_one_finding(suite, checker: Checker) -> None:
    """The authority rules and PROMISE-NOT-IN-WRITING divide the work: never two findings on one promise."""
    fixtures, _, _ = suite
    cases = [f.case for f in fixtures] + [read_case(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    doubled = []
    for case in cases:
        about = Counter(f.about for f in findings_of(checker, case) if f.about and f.about.startswith("promise"))
        doubled += [f"{case.id}: {item} has {n} findings" for item, n in about.items() if n > 1]
    assert not doubled, "\n".join(doubled)


# ---------------------------------------------------------------------------------- shared examples

def test_role_promise_goes_to_the_section_manager_in_writing(checker: Checker) -> None:
    findings = findings_of(checker, read_case(EXAMPLES / "role-promise-by-department-head.yaml"))
    role = [f for f in findings if f.topic == "role"]
    assert role, [f.rule for f in findings]
    assert any("section_manager" in f.confirm_with and f.form == "written" and f.severity in ("blocker", "high")
               for f in role), [(f.rule, f.severity, f.confirm_with, f.form) for f in role]


@pytest.mark.parametrize("topic", ["bonus", "overtime", "total_compensation"])
def test_pay_taken_on_trust_is_blocker_or_high(checker: Checker, topic: str) -> None:
    findings = findings_of(checker, read_case(EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml"))
    assert any(f.topic == topic and f.severity in ("blocker", "high") for f in findings), \
        [(f.rule, f.topic, f.severity) for f in findings]


def test_everything_confirmed_has_no_blocker_or_high(checker: Checker) -> None:
    findings = findings_of(checker, read_case(EXAMPLES / "everything-confirmed.yaml"))
    serious = [(f.rule, f.severity) for f in findings if f.severity in ("blocker", "high")]
    assert not serious, serious


def test_income_shortfall_states_the_amount_in_yen(checker: Checker, checker_ja: Checker) -> None:
    case = read_case(EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml")
    # Nothing is guaranteed beyond the base salary in this example (past-record bonus, fixed
    # overtime without an amount), so the guaranteed income is 12 monthly salaries.
    assert case.terms.bonus.guaranteed_months is None and case.terms.overtime.fixed_amount is None
    shortfall = case.candidate.current_annual_income - case.terms.monthly_salary * 12
    assert shortfall > 0
    en = [f for f in findings_of(checker, case) if f.rule == "INCOME-BELOW-CURRENT"]
    ja = [f for f in findings_of(checker_ja, case) if f.rule == "INCOME-BELOW-CURRENT"]
    assert len(en) == 1 and len(ja) == 1
    assert f"JPY {shortfall:,}" in en[0].message and f"JPY {shortfall:,}" in en[0].ask
    # Japanese amounts read in 万円 (typography.yen), never as 1,234,567円.
    assert typography.yen(shortfall, "ja") in ja[0].message and typography.yen(shortfall, "ja").endswith("万円")
    assert f"{shortfall:,}円" not in ja[0].message


def test_guaranteed_bonus_and_fixed_overtime_count_towards_income(checker: Checker) -> None:
    """Only guaranteed parts count: adding a guaranteed month and fixed overtime pay closes the gap."""
    case = read_case(EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml")
    gap = case.candidate.current_annual_income - case.terms.monthly_salary * 12
    case.terms.overtime.fixed_amount = gap // 12 + 1
    assert "INCOME-BELOW-CURRENT" not in {f.rule for f in findings_of(checker, case)}
    case.terms.overtime.fixed_amount = (gap - case.terms.monthly_salary) // 12 + 1
    case.terms.bonus.guaranteed_months = 1
    assert "INCOME-BELOW-CURRENT" not in {f.rule for f in findings_of(checker, case)}
    case.terms.bonus.guaranteed_months = None
    assert "INCOME-BELOW-CURRENT" in {f.rule for f in findings_of(checker, case)}


# ---------------------------------------------------------------------------------- stage escalation

def test_same_gap_is_more_severe_at_offer_received_than_at_first_interview(checker: Checker) -> None:
    path = EXAMPLES / "role-promise-by-department-head.yaml"
    early = {(f.rule, f.about): f.severity for f in findings_of(checker, read_case(path, stage="first_interview"))}
    late = {(f.rule, f.about): f.severity for f in findings_of(checker, read_case(path, stage="offer_received"))}
    key = ("WORK-PROMISE-NOT-CONFIRMED-BY-ASSIGNER", "promises[0]")
    assert key in early and key in late
    assert rank(early[key]) < rank(late[key]), (early[key], late[key])
    assert late[key] == "blocker"
    # Nothing that was found early becomes less severe later.
    softer = [(k, early[k], late[k]) for k in early if k in late and rank(late[k]) < rank(early[k])]
    assert not softer, softer


@pytest.mark.parametrize("rule", ESCALATING)
def test_escalating_rule_never_softens_as_acceptance_nears(suite, checker: Checker, rule: str) -> None:
    """Run each firing fixture at every stage up to the offer: the rule's severity never drops, and it
    rises somewhere. (After acceptance nothing is a blocker any more: see the test below.)"""
    fixtures, _, _ = suite
    seen: list[str] = []
    for fixture in firing_fixtures(fixtures, rule):
        severities = []
        for stage in STAGES[:STAGES.index("offer_received") + 1]:
            found = [f.severity for f in findings_of(checker, read_case(Path(fixture.path), stage=stage))
                     if f.rule == rule]
            if found:
                severities.append((stage, max(found, key=rank)))
        ranks = [rank(s) for _, s in severities]
        assert ranks == sorted(ranks), f"{Path(fixture.path).name}: {severities}"
        seen.extend(s for _, s in severities)
    assert len(set(seen)) > 1, f"{rule} never changes severity across stages: {sorted(set(seen))}"


# ---------------------------------------------------------------------------------- texts

@pytest.mark.parametrize("rule", sorted(RULES))
def test_texts_render_in_both_languages(suite, checker: Checker, checker_ja: Checker, rule: str) -> None:
    fixtures, _, _ = suite
    rendered = 0
    for fixture in firing_fixtures(fixtures, rule):
        for lang, each in (("en", checker), ("ja", checker_ja)):
            for f in findings_of(each, fixture.case):
                if f.rule != rule:
                    continue
                rendered += 1
                for name in ("message", "ask", "basis", "topic"):
                    text = getattr(f, name)
                    assert text.strip(), f"{rule} {lang} {name} is empty"
                    assert not PLACEHOLDER.search(text), f"{rule} {lang} {name}: unresolved {text!r}"
                if lang == "ja":
                    for name in ("message", "ask", "basis"):
                        assert JAPANESE.search(getattr(f, name)), f"{rule} ja {name} is not Japanese"
                        assert "unknown" not in getattr(f, name), f"{rule} ja {name} shows a raw value"
    assert rendered >= 2, f"{rule}: no finding rendered from its firing fixtures"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_is_complete(rule: str) -> None:
    """Who confirms, in what form, at which meeting, and on what basis: every rule says all four."""
    r = RULES[rule]
    assert r.confirm_with and r.form in ("written", "verbal") and r.raise_at is not None
    for lang in ("ja", "en"):
        assert all(getattr(r.text[lang], name).strip() for name in ("message", "ask", "basis"))
    polite = ("でしょうか", "いただけ", "ください", "ございますでしょうか")
    assert any(p in r.text["ja"].ask for p in polite), f"{rule}: the Japanese question is not a polite request"


# ---------------------------------------------------------------------------------- language additions

def test_contains_all_needs_every_item_and_a_non_empty_list() -> None:
    """``contains_all`` (added for "a document states every required item") compiles to one test per
    item, and refuses an empty list or an unknown topic at load time."""
    from riskcheck.conditions import ConditionError, compile_rule

    def unless(covers: Any) -> list[dict[str, Any]]:
        return [{"fact": "document", "where": {"covers": {"contains_all": covers}}}]

    compiled = compile_rule([{"fact": "case"}], unless(["salary", "holidays"]))
    tests = compiled.ruleset_rule["all"][-1]["unless0$not"]["$and"]
    assert {"covers.salary": True} in tests and {"covers.holidays": True} in tests
    with pytest.raises(ConditionError, match="non-empty"):
        compile_rule([{"fact": "case"}], unless([]))
    with pytest.raises(ConditionError, match="not a valid value"):
        compile_rule([{"fact": "case"}], unless(["salary", "holiday"]))


# ---------------------------------------------------------------------------------- stage sense

def every_case(suite) -> list[Case]:
    fixtures, _, _ = suite
    advisor, problems = packtest.load_fixtures([str(ADVISOR)], RULES)
    assert not problems, problems
    return [f.case for f in fixtures + advisor] + [read_case(p) for p in sorted(EXAMPLES.glob("*.yaml"))]


def at_stage(case: Case, stage: str) -> Case:
    copy = case.model_copy(deep=True)
    copy.offer.stage = stage
    return copy


@pytest.mark.parametrize("stage", ["casual", "first_interview"])
def test_nothing_is_high_at_a_first_interview(suite, checker: Checker, stage: str) -> None:
    """Early meetings are for the role; no finding is high or a blocker, and no written statement of
    conditions is asked for yet."""
    loud = [(case.id, f.rule, f.severity) for case in every_case(suite)
            for f in findings_of(checker, at_stage(case, stage))
            if f.severity in ("high", "blocker") or f.rule in ("NO-LABOR-CONDITIONS-NOTICE", "OFFER-LETTER-NOT-A-NOTICE")]
    assert not loud, loud


BEFORE_AN_OFFER = re.compile(r"offer you received|your offer|今回いただいた内定|いただいた内定")
BEFORE_ACCEPTING = re.compile(r"before (?:you |I )?(?:accept|answer|sign|giving my answer|I give my answer)|"
                              r"承諾前|お返事|ご返答の前|署名前", re.IGNORECASE)


def test_texts_fit_the_stage(suite, checker: Checker, checker_ja: Checker) -> None:
    """No "the offer you received" before there is one; once accepted, no blocker and nothing that
    says "before accepting"."""
    wrong = []
    for case in every_case(suite):
        for lang, each in (("en", checker), ("ja", checker_ja)):
            for f in findings_of(each, at_stage(case, "second_interview")):
                text = " ".join((f.message, f.ask, f.basis))
                if BEFORE_AN_OFFER.search(text):
                    wrong.append(f"{case.id} {f.rule} {lang} (second interview): {BEFORE_AN_OFFER.search(text)[0]}")
            for f in findings_of(each, at_stage(case, "accepted")):
                text = " ".join((f.message, f.ask, f.basis))
                if f.severity == "blocker" or BEFORE_ACCEPTING.search(text):
                    wrong.append(f"{case.id} {f.rule} {lang} (accepted): {f.severity}")
    assert not wrong, "\n".join(sorted(set(wrong)))


# ---------------------------------------------------------------------------------- questions

def test_questions_never_quote_the_candidates_notes(suite, checker: Checker, checker_ja: Checker) -> None:
    """The ask is read aloud to the employer: it names the topic, never the candidate's own notes."""
    quoted = []
    for case in every_case(suite):
        notes = [p.said for p in case.promises if p.said and len(p.said) >= 4]
        for each in (checker, checker_ja):
            for f in findings_of(each, case):
                quoted += [f"{case.id} {f.rule}: {note!r}" for note in notes if note in f.ask]
    assert not quoted, "\n".join(quoted)


def test_questions_do_not_ask_hr_to_check_with_hr() -> None:
    """A question put to HR never asks HR to confirm "with HR"."""
    wrong = [rid for rid, rule in RULES.items() if "hr" in rule.confirm_with
             and ("人事" in rule.text["ja"].ask or re.search(r"\bHR\b", rule.text["en"].ask))]
    assert not wrong, wrong


def test_japanese_amounts_and_ranges_read_naturally(suite, checker_ja: Checker) -> None:
    """Amounts in 万円, ranges with 〜, never 1,760,000円 or 4–4か月."""
    bad = re.compile(r"\d{1,3}(?:,\d{3}){2,}円|\d[–-]\d|(\d+)〜\1(?!\d)")
    wrong = []
    for case in every_case(suite):
        notes = [p.said for p in case.promises if p.said]
        for f in findings_of(checker_ja, case):
            for text in (f.message, f.ask):
                for note in notes:  # the candidate's own words are quoted as written
                    text = text.replace(note, "")
                if bad.search(text):
                    wrong.append((case.id, f.rule, bad.search(text)[0]))
    assert not wrong, wrong


@pytest.mark.parametrize(("value", "ja", "en"), [
    (1_760_000, "176万円", "JPY 1,760,000"), (1_755_000, "約176万円", "JPY 1,755,000"), (55_000, "5.5万円", "JPY 55,000"),
    (8_000, "8,000円", "JPY 8,000"), (120_000_000, "1億2,000万円", "JPY 120,000,000"), (1_234_567, "約123万円", "JPY 1,234,567")])
def test_typography_yen(value: int, ja: str, en: str) -> None:
    assert typography.yen(value, "ja") == ja and typography.yen(value, "en") == en


def test_typography_months_ranges_and_dates() -> None:
    assert typography.span([4, 6], "ja") == "4〜6" and typography.span([4.0, 4], "ja") == "4"
    assert typography.span([0.5, 1], "en") == "0.5-1"
    assert typography.months(1, "en") == "1 month" and typography.months(4.5, "ja") == "4.5か月"
    assert typography.day("2027-05-01", "ja") == "2027年5月1日" and typography.day("2027-05-01", "en") == "1 May 2027"


# ---------------------------------------------------------------------------------- who and in what form

WORK_TOPICS = {"role", "training", "remote", "duties"}
PAY_TOPICS = {"salary", "bonus", "raise", "overtime", "working_hours", "holidays", "location", "start_date", "probation",
              "contract_term", "benefits", "evaluation", "retirement", "total_compensation", "assignment",
              "allowances", "side_jobs", "repayment", "documents", "authority"}
WRITTEN_BY_LAW = {"contract_term", "location", "duties", "working_hours", "overtime", "holidays", "salary", "retirement"}


def test_the_right_people_confirm(suite, checker: Checker) -> None:
    """Only people who can commit the employer close a finding; pay and placement go to HR or an
    executive, work on site to the section manager (domain notes, "who can confirm what")."""
    wrong = []
    for case in every_case(suite):
        for f in findings_of(checker, case):
            people = set(f.confirm_with)
            if people - {"hr", "executive", "section_manager"}:
                wrong.append((case.id, f.rule, f.topic, tuple(f.confirm_with)))
            if f.topic in PAY_TOPICS and not people & {"hr", "executive"}:
                wrong.append((case.id, f.rule, f.topic, tuple(f.confirm_with)))
            if f.topic in WORK_TOPICS and f.rule.startswith("WORK-") and people != {"section_manager"}:
                wrong.append((case.id, f.rule, f.topic, tuple(f.confirm_with)))
            if f.topic == "assignment" and "section_manager" in people:
                wrong.append((case.id, f.rule, f.topic, tuple(f.confirm_with)))
    assert not wrong, sorted(set(wrong))


def test_bonus_is_not_claimed_to_need_writing_by_law() -> None:
    """A bonus must be stated, not necessarily written (施行規則5条1項: only items 1 to 4, raises excepted)."""
    assert RULES["BONUS-BASIS-UNKNOWN"].form == "verbal"
    for rid in ("BONUS-BASIS-UNKNOWN", "BONUS-NOT-IN-WRITING"):
        assert "orally" in RULES[rid].text["en"].basis and "口頭" in RULES[rid].text["ja"].basis, rid
    for rule in RULES.values():
        assert "belongs in the written conditions" not in rule.text["en"].basis, rule.id


# ---------------------------------------------------------------------------------- advisor cases

def advisor_cases() -> list[packtest.Fixture]:
    fixtures, problems = packtest.load_fixtures([str(ADVISOR)], RULES)
    assert not problems, problems
    return fixtures


def advisor_score(checker: Checker) -> list[dict[str, Any]]:
    """Per advisor case: expected points caught, missed, and noise (a rule fired the advisor did not expect)."""
    rows = []
    for fixture in advisor_cases():
        assert fixture.case.expect is not None
        fired = {f.rule for f in findings_of(checker, fixture.case)}
        expected = set(fixture.case.expect.fire)
        rows.append({"case": Path(fixture.path).stem, "expected": len(expected), "caught": len(expected & fired),
                     "missed": sorted(expected - fired), "noise": sorted(fired - expected)})
    return rows


def test_advisor_cases_exist_for_every_situation() -> None:
    names = {Path(f.path).stem for f in advisor_cases()}
    assert len(names) >= 13, names


def test_advisor_cases_match_a_careful_advisor(checker: Checker) -> None:
    """Every point a careful advisor expects is caught, and nothing else fires (no noise)."""
    rows = advisor_score(checker)
    wrong = [row for row in rows if row["missed"] or row["noise"]]
    assert not wrong, wrong


@pytest.mark.parametrize(("cap", "years"), [("通算３年", 3), ("up to 5 years", 5), ("1年契約・更新2回まで", 3),
                                            ("最長3年（1年契約）", 3), ("契約期間1年、通算5年まで", 5), ("なし", None),
                                            ("更新は4回まで", None), ("unknown", None)])
def test_renewal_cap_is_read_in_years(cap: str, years: float | None) -> None:
    from riskcheck.facts import renewal_cap_years
    assert renewal_cap_years(cap) == years
