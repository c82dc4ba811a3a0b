"""Rule packs: YAML data (never code) describing rules, loaded, validated and compiled.

A pack is one YAML file with ``name``, ``version`` and ``rules``, or a directory whose
``pack.yaml`` holds the metadata and whose other ``*.yaml`` files each hold ``rules:``.
A directory without ``pack.yaml`` is a collection: each pack inside it is loaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from riskcheck import __version__
from riskcheck.case import Model
from riskcheck.conditions import Compiled, ConditionError, check_template, check_topic, compile_rule
from riskcheck.errors import InputError, RiskcheckError
from riskcheck.facts import FactKind
from riskcheck.loading import load
from riskcheck.validation import LocatedError, validate_all
from riskcheck.vocabulary import Form, Lang, Role, Severity, Stage

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", max_length=64)]
PackName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
LANGS: tuple[Lang, ...] = ("ja", "en")


_CJK = r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]"
_FOLDED_SPACE = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})")


class Texts(Model):
    message: NonEmpty
    ask: NonEmpty
    basis: NonEmpty

    def unfolded(self) -> Texts:
        """Japanese texts without the spaces YAML line folding puts next to Japanese characters."""
        return Texts(**{name: _FOLDED_SPACE.sub("", value) for name, value in self})


class Pattern(Model):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    fact: FactKind
    as_: str | None = Field(None, alias="as")
    where: dict[str, Any] = {}


class Rule(Model):
    id: RuleId
    severity: Severity
    severity_by_stage: dict[Stage, Severity] = {}
    """From the listed stage on, this severity applies (the gap matters more as acceptance nears)."""
    topic: str
    confirm_with: list[Role] = Field(min_length=1)
    form: Form
    raise_at: Stage | None = None
    when: list[Pattern] = Field(min_length=1)
    unless: list[Pattern] = []
    text: dict[Lang, Texts]
    _compiled: Compiled = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> Rule:
        """Compile the conditions and check topic and texts against them, reporting every problem."""
        if "ja" in self.text:
            self.text["ja"] = self.text["ja"].unfolded()
        problems = [LocatedError(("text",), f"missing the '{lang}' texts (message, ask and basis are needed "
                                            "in ja and en)") for lang in LANGS if lang not in self.text]
        compiled, errors = _compile_patterns(self.when, self.unless)
        problems.extend(LocatedError(exc.loc, str(exc)) for exc in errors)
        if compiled is not None:
            self._compiled = compiled
            checks = [(check_topic, self.topic, ("topic",))] + [
                (check_template, template, ("text", lang, name))
                for lang, texts in self.text.items() for name, template in texts]
            for check, value, loc in checks:
                try:
                    check(value, compiled, loc)
                except ConditionError as exc:
                    problems.append(LocatedError(exc.loc, str(exc)))
        if problems:
            first, *rest = problems
            first.also = rest
            raise first
        return self

    @property
    def compiled(self) -> Compiled:
        return self._compiled


def _compile_patterns(when: list[Pattern], unless: list[Pattern]) -> tuple[Compiled | None, list[ConditionError]]:
    """Compile a rule's patterns; to find every bad ``where`` test, drop each one found and compile again.

    Returns the last compilation (``None`` if a problem outside ``where`` stopped it) and the problems.
    """
    specs = {"when": [p.model_dump(by_alias=True) for p in when],
             "unless": [p.model_dump(by_alias=True) for p in unless]}
    problems: list[ConditionError] = []
    while True:
        try:
            return compile_rule(specs["when"], specs["unless"]), problems
        except ConditionError as exc:
            problems.append(exc)
            if len(exc.loc) < 4 or exc.loc[2] != "where":
                return None, problems
            del specs[exc.loc[0]][exc.loc[1]]["where"][exc.loc[3]]


class PackMeta(Model):
    name: PackName
    version: str
    description: str = ""
    requires: str | None = None
    """riskcheck versions the pack works with, e.g. ``>=0.1,<1``."""
    rules: list[Any] = []


class RuleFile(Model):
    rules: list[Any]


@dataclass
class RulePack:
    name: str
    version: str
    description: str
    source: str
    rules: list[Rule] = field(default_factory=list)
    locations: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    """Rule id -> the file and the line of its ``id``."""


class RuleError(InputError):
    """A problem in one rule: an InputError that also names the rule, when it has a readable id."""

    def __init__(self, error: InputError, rule: str | None):
        self.rule = rule
        super().__init__(error.source, error.message, error.line, error.field)

    def __str__(self) -> str:
        text = super().__str__()
        if self.rule is None:
            return text
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: rule {self.rule}: {text[len(where) + 2:]}"


class PackError(RiskcheckError):
    """One or more problems in rule packs; ``problems`` holds one located error each."""

    def __init__(self, problems: list[InputError]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def default_packs_dir() -> Path:
    """The shipped packs: inside the installed package, or ``rules/`` of a source checkout."""
    installed = Path(str(resources.files("riskcheck"))) / "rules"
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "rules"


def discover(paths: list[str]) -> list[Path]:
    """The pack roots named by ``paths``: pack files, pack directories, or collections of packs."""
    roots: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not (path / "pack.yaml").is_file():
            roots.extend(sorted(p for p in path.iterdir() if not p.name.startswith(".") and (
                (p / "pack.yaml").is_file() or (p.suffix in (".yaml", ".yml") and p.is_file()))))
        else:
            roots.append(path)
    return roots


def load_packs(paths: list[str]) -> list[RulePack]:
    """Load every pack under ``paths``, reporting all problems at once (as PackError)."""
    packs, problems = collect_packs(paths)
    if problems:
        raise PackError(problems)
    return packs


def collect_packs(paths: list[str]) -> tuple[list[RulePack], list[InputError]]:
    """Every pack under ``paths`` that has readable metadata, and every problem found on the way."""
    packs: list[RulePack] = []
    problems: list[InputError] = []
    for path in paths:
        roots = discover([path])
        if not roots:
            problems.append(InputError(path, "no rule pack here (a pack is a YAML file with name, version and "
                                             "rules, or a directory with pack.yaml)"))
        for root in roots:
            pack, errors = load_pack(root)
            problems.extend(errors)
            if pack is not None:
                packs.append(pack)
    seen: dict[str, tuple[str, int | None]] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                problems.append(_duplicate(rule.id, pack.locations[rule.id], seen[rule.id]))
            seen.setdefault(rule.id, pack.locations[rule.id])
    return packs, problems


def load_pack(root: Path) -> tuple[RulePack | None, list[InputError]]:
    """Load one pack (file or directory); returns the pack (if its metadata is readable) and its problems."""
    problems: list[InputError] = []
    meta_path = root / "pack.yaml" if root.is_dir() else root
    try:
        meta_doc = load(str(meta_path))
    except InputError as exc:
        return None, [exc]
    meta, errors = validate_all(PackMeta, meta_doc)
    if meta is None:
        return None, errors
    pack = RulePack(meta.name, meta.version, meta.description, str(root))
    if meta.requires:
        problem = _version_problem(meta.requires)
        if problem:
            problems.append(meta_doc.error(("requires",), f"pack {meta.name} {problem}"))
    documents = [(meta_doc, meta.rules)]
    if root.is_dir():
        for path in sorted(root.glob("*.y*ml")):
            if path.name == "pack.yaml" or not path.is_file():
                continue
            try:
                doc = load(str(path))
            except InputError as exc:
                problems.append(exc)
                continue
            rule_file, errors = validate_all(RuleFile, doc)
            problems.extend(errors)
            if rule_file is not None:
                documents.append((doc, rule_file.rules))
    for doc, raw_rules in documents:
        for i, raw in enumerate(raw_rules):
            rule_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            rule, errors = validate_all(Rule, doc, raw, ("rules", i))
            problems.extend(RuleError(error, rule_id) for error in errors)
            if rule is None:
                continue
            where = (doc.source, doc.line_of(("rules", i, "id")))
            if rule.id in pack.locations:
                problems.append(_duplicate(rule.id, where, pack.locations[rule.id]))
                continue
            pack.locations[rule.id] = where
            pack.rules.append(rule)
    return pack, problems


def _duplicate(rule_id: str, where: tuple[str, int | None], first: tuple[str, int | None]) -> RuleError:
    return RuleError(InputError(where[0], f"duplicate rule id {rule_id} (first in {first[0]}:{first[1]})",
                                where[1], "id"), rule_id)


def _version_problem(spec: str) -> str | None:
    """Why this riskcheck does not satisfy a pack's ``requires`` (comma-separated comparisons), if it does not."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        ok = SpecifierSet(spec).contains(__version__, prereleases=True)
    except InvalidSpecifier:
        return f"requires '{spec}', which is not a version range (e.g. '>=0.1,<1')"
    return None if ok else f"needs riskcheck {spec}, this is {__version__}"


def pack_paths(extra: list[str], defaults: bool) -> list[str]:
    """The pack paths a command uses: the shipped packs (unless turned off) then ``--rules``."""
    return ([str(default_packs_dir())] if defaults else []) + [os.fspath(p) for p in extra]

