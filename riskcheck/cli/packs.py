"""``riskcheck validate``, ``riskcheck test`` and ``riskcheck schema``: rule packs as tested code."""

from __future__ import annotations

import json

import click

from riskcheck.cli.options import fail, lang_option
from riskcheck.output import open_output
from riskcheck.render import formats


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--cases", multiple=True, type=click.Path(exists=True),
              help="Fixture cases (file or directory) for the coverage check; repeatable. "
                   "Default: the directory each pack.yaml names (fixtures:), else the pack's cases/.")
@click.option("--waivers", "waiver_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Also check that this waiver file is valid and names known rules; repeatable.")
@click.option("--no-default-rules", is_flag=True, help="Do not load the shipped packs alongside PATHS.")
@lang_option("Language of messages.")
def validate(paths: tuple[str, ...], cases: tuple[str, ...], waiver_files: tuple[str, ...], no_default_rules: bool,
             lang: str) -> None:
    """Check rule packs (files, pack directories or collections; default: the shipped packs).

    Reports every problem, one line each (file:line: rule ID: field: message): schema errors,
    duplicate rule ids, conditions naming unknown fields, topics, roles or values, bad
    placeholders, missing ja/en texts, rule ids that clash with the shipped packs, a pack the
    engine cannot run, and rules without a firing and a near-miss fixture.

    Exit code: 0 all clean, 2 problems found.
    """
    from riskcheck.i18n import text
    from riskcheck.packcheck import validate_packs
    from riskcheck.rulepack import in_lang

    result = validate_packs(list(paths), list(cases) or None, list(waiver_files), not no_default_rules)
    for problem in result.problems:
        click.echo(in_lang(problem, lang))
    if result.problems:
        fail(text("pack.problems", lang, count=len(result.problems)))
    rules = sum(len(pack.rules) for pack in result.packs)
    names = ", ".join(f"{pack.name} {pack.version}" for pack in result.packs)
    click.echo(text("pack.ok", lang, packs=names, rules=rules, fixtures=result.fixtures))


@click.command("test")
@click.option("--rules", "rules", multiple=True, type=click.Path(exists=True),
              help="Rule pack to test (file or directory); repeatable. Default: the shipped packs.")
@click.option("--no-default-rules", is_flag=True, help="Do not load the shipped packs alongside --rules.")
@click.option("--cases", multiple=True, type=click.Path(exists=True),
              help="Fixture cases (file or directory); repeatable. Default: the directory each tested "
                   "pack.yaml names (fixtures:), else the pack's cases/.")
@click.option("--format", "fmt", type=click.Choice(list(formats("test"))), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout (as '>' would, but never half-written).")
@lang_option("Language of messages.")
def test_command(rules: tuple[str, ...], no_default_rules: bool, cases: tuple[str, ...], fmt: str,
                 output: str | None, lang: str) -> None:
    """Run fixture cases and check the rules they expect to fire and to stay silent.

    Reports true and false positives and negatives per rule. Every rule of the tested packs
    (--rules, or the shipped packs) needs a firing fixture and a near-miss.

    Exit code: 0 all expectations hold and every rule is covered, 1 otherwise,
    2 unreadable packs or fixtures.
    """
    from riskcheck import packtest
    from riskcheck.errors import RiskcheckError
    from riskcheck.evaluate import Checker
    from riskcheck.i18n import text
    from riskcheck.render.testreport import FORMATS
    from riskcheck.report import packs_entry
    from riskcheck.rulepack import load_packs, localized, pack_paths, tested_packs

    paths = pack_paths(list(rules), not no_default_rules)
    try:
        packs = load_packs(paths, lang)
    except RiskcheckError as exc:
        fail(exc)
    tested = tested_packs(packs, list(rules)) if rules else packs
    if not tested:
        fail(text("pack.nothing_to_test", lang))
    case_paths = list(cases) or packtest.default_case_dirs(tested)
    if not packtest.fixture_files(case_paths):
        where = ", ".join(case_paths) or text("pack.no_fixtures_default", lang)
        fail(text("pack.no_fixtures", lang, where=where))
    checker = Checker(packs)
    fixtures, errors = packtest.load_fixtures(case_paths, checker.rules)
    run = packtest.run(checker, fixtures, [rule.id for pack in tested for rule in pack.rules])
    run.errors = [localized(error, lang) for error in errors]
    with open_output(output) as out:
        FORMATS[fmt](run, out, packs_entry(packs))
    raise SystemExit(run.exit_code)


@click.command()
@click.argument("kind", type=click.Choice(["case", "rulepack", "waivers"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout (as '>' would, but never half-written).")
def schema(kind: str, output: str | None) -> None:
    """Print the JSON Schema of a case file, a rule pack file or a waiver file, for editors."""
    from riskcheck.schema import json_schema

    with open_output(output) as out:
        out.write(json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n")
