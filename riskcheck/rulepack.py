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
from riskcheck.validation import LocatedError, validate
from riskcheck.vocabulary import Form, Lang, Role, Severity, Stage

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", max_length=64)]
PackName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=64)]
LANGS: tuple[Lang, ...] = ("ja", "en")


_CJK = r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]"
_FOLDED_SPACE = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})")


class Texts(Model):
    message: str
    ask: str
    basis: str

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
        if "ja" in self.text:
            self.text["ja"] = self.text["ja"].unfolded()
        missing = [lang for lang in LANGS if lang not in self.text]
        if missing:
            raise LocatedError(("text",), f"rule {self.id}: missing the '{missing[0]}' texts "
                                          "(message, ask and basis are needed in ja and en)")
        try:
            self._compiled = compile_rule([p.model_dump(by_alias=True) for p in self.when],
                                          [p.model_dump(by_alias=True) for p in self.unless])
            check_topic(self.topic, self._compiled, ("topic",))
            for lang, texts in self.text.items():
                for name, template in texts:
                    check_template(template, self._compiled, ("text", lang, name))
        except ConditionError as exc:
            raise LocatedError(exc.loc, f"rule {self.id}: {exc}") from None
        return self

    @property
    def compiled(self) -> Compiled:
        return self._compiled


class PackMeta(Model):
    name: PackName
    version: str
    description: str = ""
    requires: str | None = None
    """riskcheck versions the pack works with, e.g. ``>=0.1,<1``."""
    rules: list[dict[str, Any]] = []


class RuleFile(Model):
    rules: list[dict[str, Any]]


@dataclass
class RulePack:
    name: str
    version: str
    description: str
    source: str
    rules: list[Rule] = field(default_factory=list)


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
            roots.extend(sorted(p for p in path.iterdir() if (p / "pack.yaml").is_file() or
                                (p.suffix in (".yaml", ".yml") and p.is_file())))
        else:
            roots.append(path)
    return roots


def load_packs(paths: list[str]) -> list[RulePack]:
    """Load every pack under ``paths``, reporting all problems at once (as PackError)."""
    packs: list[RulePack] = []
    problems: list[InputError] = []
    for root in discover(paths):
        pack, errors = load_pack(root)
        problems.extend(errors)
        if pack is not None:
            packs.append(pack)
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                problems.append(InputError(pack.source, f"rule id {rule.id} is also defined in {seen[rule.id]}",
                                           field=rule.id))
            seen.setdefault(rule.id, pack.source)
    if problems:
        raise PackError(problems)
    return packs


def load_pack(root: Path) -> tuple[RulePack | None, list[InputError]]:
    """Load one pack (file or directory); returns the pack (if its metadata is readable) and its problems."""
    problems: list[InputError] = []
    meta_path = root / "pack.yaml" if root.is_dir() else root
    try:
        meta_doc = load(str(meta_path))
        meta = validate(PackMeta, meta_doc)
    except InputError as exc:
        return None, [exc]
    pack = RulePack(meta.name, meta.version, meta.description, str(root))
    if meta.requires and not _version_ok(meta.requires):
        problems.append(meta_doc.error(("requires",), f"pack {meta.name} needs riskcheck {meta.requires}, "
                                                      f"this is {__version__}"))
    documents = [(meta_doc, meta.rules)]
    if root.is_dir():
        for path in sorted(root.glob("*.y*ml")):
            if path.name == "pack.yaml" or not path.is_file():
                continue
            try:
                doc = load(str(path))
                documents.append((doc, validate(RuleFile, doc).rules))
            except InputError as exc:
                problems.append(exc)
    ids: dict[str, str] = {}
    for doc, raw_rules in documents:
        for i, raw in enumerate(raw_rules):
            try:
                rule = validate(Rule, doc, raw, ("rules", i))
            except InputError as exc:
                problems.append(exc)
                continue
            if rule.id in ids:
                problems.append(doc.error(("rules", i, "id"), f"duplicate rule id {rule.id} (first in {ids[rule.id]})"))
                continue
            ids[rule.id] = f"{doc.source}:{doc.line_of(('rules', i))}"
            pack.rules.append(rule)
    return pack, problems


def _version_ok(spec: str) -> bool:
    """Whether this riskcheck satisfies a pack's ``requires`` (comma-separated comparisons)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(spec).contains(__version__, prereleases=True)
    except InvalidSpecifier:
        return False


def pack_paths(extra: list[str], defaults: bool) -> list[str]:
    """The pack paths a command uses: the shipped packs (unless turned off) then ``--rules``."""
    return ([str(default_packs_dir())] if defaults else []) + [os.fspath(p) for p in extra]

