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
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from pydantic import ConfigDict, Field, PrivateAttr, StringConstraints, ValidationError

from riskcheck import __version__
from riskcheck.case import Model
from riskcheck.conditions import Compiled, ConditionError, Msg, compile_rule, msg, template_problems, topic_problems
from riskcheck.errors import InputError, RiskcheckError
from riskcheck.i18n import languages
from riskcheck.facts import FactKind
from riskcheck.loading import Document, load
from riskcheck.validation import validate_all
from riskcheck.vocabulary import Form, Lang, Role, Severity, Stage

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", max_length=64)]
PackName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
LANGS: tuple[Lang, ...] = languages()  # type: ignore[assignment]


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
    """One rule; ``check_rule`` also type-checks its conditions, topic and texts and compiles it."""

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
    evidence: str | None = None
    """The alias of a ``when`` pattern on a ``statement`` (or a read ``document``) whose line the finding
    quotes as its evidence (``findings[].evidence``)."""
    _compiled: Compiled = PrivateAttr()

    @property
    def compiled(self) -> Compiled:
        return self._compiled


def check_rule(doc: Document, raw: Any, loc: tuple[Any, ...]) -> tuple[Rule | None, list[InputError]]:
    """Validate and compile the rule ``raw`` found at ``loc`` in ``doc``, finding every independent
    problem: a schema error in one field does not hide a bad condition, topic, text or placeholder."""
    rule, errors = validate_all(Rule, doc, raw, loc)
    problems = list(errors)
    if not isinstance(raw, dict):
        return None, problems
    texts = raw.get("text")
    conditions: list[ConditionError] = []
    if isinstance(texts, dict):
        conditions.extend(ConditionError(("text",), msg("pack.missing_texts", lang=lang))
                          for lang in LANGS if lang not in texts)
    compiled, unreadable, errors_ = _compile_patterns(raw.get("when"), raw.get("unless"))
    conditions.extend(errors_)
    if compiled is not None:
        topic = raw.get("topic")
        if isinstance(topic, str):
            conditions.extend(topic_problems(topic, compiled, ("topic",), unreadable))
        for lang, parts in (texts.items() if isinstance(texts, dict) else ()):
            for name, template in (parts.items() if isinstance(parts, dict) else ()):
                if isinstance(template, str) and name in Texts.model_fields:
                    conditions.extend(template_problems(template, compiled, ("text", lang, name), unreadable))
        conditions.extend(_evidence_problems(raw.get("evidence"), compiled, unreadable))
    problems.extend(Problem(doc.error(loc + exc.loc, ""), exc.msg) for exc in conditions)
    if rule is None or problems:
        return None, problems
    rule._compiled = compiled
    if "ja" in rule.text:
        rule.text["ja"] = rule.text["ja"].unfolded()
    return rule, problems


EVIDENCE_FACTS = ("statement", "document")
"""The fact kinds a rule's ``evidence`` may name: they carry the read document's kind and line."""


def _evidence_problems(alias: Any, compiled: Compiled, unreadable: frozenset[str]) -> list[ConditionError]:
    """A problem when ``evidence`` does not name a ``when`` alias bound to a statement or document fact."""
    if not isinstance(alias, str) or alias in unreadable or compiled.aliases.get(alias) in EVIDENCE_FACTS:
        return []
    return [ConditionError(("evidence",), msg("pack.evidence_alias", alias=alias, kinds=", ".join(EVIDENCE_FACTS)))]


def _compile_patterns(when: Any, unless: Any) -> tuple[Compiled | None, frozenset[str], list[ConditionError]]:
    """Compile a rule's readable patterns, finding every bad one: a bad ``where`` test is dropped and the
    rule compiled again; a pattern that cannot be read or compiled is left out and its alias marked
    unreadable (refs and placeholders on it are not checked). Returns the last compilation (``None``
    if the patterns are not lists, or too many), the unreadable aliases and the problems."""
    if not isinstance(when, list) or not when or not isinstance(unless, (list, type(None))):
        return None, frozenset(), []
    specs: dict[str, list[dict[str, Any] | None]] = {"when": [], "unless": []}
    unreadable: set[str] = set()
    for key, patterns in (("when", when), ("unless", unless or [])):
        for raw in patterns:
            try:
                specs[key].append(Pattern.model_validate(raw).model_dump(by_alias=True))
            except ValidationError:
                specs[key].append(None)
                if key == "when" and isinstance(raw, dict):
                    unreadable.add(str(raw.get("as") or raw.get("fact")))
    problems: list[ConditionError] = []
    while True:
        try:
            compiled = compile_rule(specs["when"], specs["unless"], frozenset(unreadable))
            return compiled, frozenset(unreadable), problems
        except ConditionError as exc:
            problems.append(exc)
            if len(exc.loc) < 2:
                return None, frozenset(unreadable), problems
            spec = specs[exc.loc[0]][exc.loc[1]]
            assert spec is not None
            if len(exc.loc) >= 4 and exc.loc[2] == "where":
                del spec["where"][exc.loc[3]]
            else:
                specs[exc.loc[0]][exc.loc[1]] = None
                if exc.loc[0] == "when":
                    unreadable.add(spec.get("as") or spec["fact"])


class PackMeta(Model):
    name: PackName
    version: str
    description: str = ""
    requires: str | None = None
    """riskcheck versions the pack works with, e.g. ``>=0.1,<1``."""
    fixtures: str | None = None
    """The pack's fixture cases: a directory relative to the pack's directory (default ``cases``)."""
    rules: list[Any] = []


class RuleFileOutline(Model):
    """A rule file of a pack directory, before ``check_rule`` checks each of its rules on its own."""

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
    fixtures: str | None = None
    """The directory of the pack's fixture cases, if it has one."""

    def same_as(self, other: RulePack) -> bool:
        """The same pack in another place (the installed copy and a checkout's): name, version, rules."""
        return (self.name, self.version) == (other.name, other.version) and \
            [r.model_dump() for r in self.rules] == [r.model_dump() for r in other.rules]


class Problem(InputError):
    """A located problem of a pack whose message is a catalogue entry; ``in_lang`` writes it in a language
    (``str()`` is English)."""

    def __init__(self, where: InputError, message: Msg):
        self.msg = message
        super().__init__(where.source, message.render("en"), where.line, where.field)

    def in_lang(self, lang: str) -> str:
        return str(InputError(self.source, self.msg.render(lang), self.line, self.field))


class RuleError(InputError):
    """A problem in one rule: an InputError that also names the rule, when it has a readable id."""

    def __init__(self, error: InputError, rule: str | None):
        self.rule = rule
        self.error = error
        super().__init__(error.source, error.message, error.line, error.field)

    def __str__(self) -> str:
        return self.in_lang("en")

    def in_lang(self, lang: str) -> str:
        text = in_lang(self.error, lang)
        if self.rule is None:
            return text
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {msg('pack.in_rule', rule=self.rule, message=text[len(where) + 2:]).render(lang)}"


def in_lang(problem: InputError, lang: str) -> str:
    """A problem as one line in ``lang`` (problems not from the pack catalogue stay as they are)."""
    return problem.in_lang(lang) if isinstance(problem, (Problem, RuleError)) else str(problem)


def localized(problem: InputError, lang: str) -> InputError:
    """A copy of ``problem`` whose ``str()`` is in ``lang``, for renderers that print problems as they are."""
    where = problem.source if problem.line is None else f"{problem.source}:{problem.line}"
    return InputError(problem.source, in_lang(problem, lang)[len(where) + 2:], problem.line)


class PackError(RiskcheckError):
    """One or more problems in rule packs; ``problems`` holds one located error each."""

    def __init__(self, problems: list[InputError], lang: str = "en"):
        self.problems = problems
        super().__init__("\n".join(in_lang(problem, lang) for problem in problems))


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


def load_packs(paths: list[str], lang: str = "en") -> list[RulePack]:
    """Load every pack under ``paths``, reporting all problems at once (as PackError, in ``lang``)."""
    packs, problems = collect_packs(paths)
    if problems:
        raise PackError(problems, lang)
    return packs


def collect_packs(paths: list[str]) -> tuple[list[RulePack], list[InputError]]:
    """Every pack under ``paths`` that has readable metadata, and every problem found on the way.

    The same pack found twice (same name, version and rules: the installed copy and a checkout's
    ``rules/``) is one pack, the copy named last; a rule id defined twice otherwise is a clash."""
    packs: list[RulePack] = []
    problems: list[InputError] = []
    for path in paths:
        roots = discover([path])
        if not roots:
            problems.append(Problem(InputError(path, ""), msg("pack.not_found")))
        for root in roots:
            pack, errors = load_pack(root)
            if pack is None:
                problems.extend(errors)
                continue
            twin = next((i for i, known in enumerate(packs) if known.same_as(pack)), None)
            if twin is None:
                problems.extend(errors)
                packs.append(pack)
            else:
                packs[twin] = pack
    seen: dict[str, tuple[str, int | None]] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                problems.append(_duplicate(rule.id, pack.locations[rule.id], seen[rule.id]))
            seen.setdefault(rule.id, pack.locations[rule.id])
    return packs, problems


def tested_packs(packs: list[RulePack], paths: list[str]) -> list[RulePack]:
    """The packs loaded from ``paths`` (not those loaded beside them, such as the shipped packs)."""
    roots = {root.resolve() for root in discover(paths)}
    return [pack for pack in packs if Path(pack.source).resolve() in roots]


def load_pack(root: Path) -> tuple[RulePack | None, list[InputError]]:
    """Load one pack (file or directory); returns the pack (if its metadata is valid) and its problems,
    those of its rules even when the metadata is not."""
    meta_path = root / "pack.yaml" if root.is_dir() else root
    try:
        meta_doc = load(str(meta_path))
    except InputError as exc:
        return None, [exc]
    meta, problems = validate_all(PackMeta, meta_doc)
    pack = RulePack(meta.name, meta.version, meta.description, str(root)) if meta else RulePack("", "", "", "")
    if meta and meta.requires:
        problem = _version_problem(meta.name, meta.requires)
        if problem:
            problems.append(Problem(meta_doc.error(("requires",), ""), problem))
    if meta and meta.fixtures is not None:
        pack.fixtures, problem = _fixtures_dir(root if root.is_dir() else root.parent, meta.fixtures)
        if problem:
            problems.append(Problem(meta_doc.error(("fixtures",), ""), problem))
    elif (root / "cases").is_dir():
        pack.fixtures = str(root / "cases")
    inline = meta.rules if meta else meta_doc.data.get("rules") if isinstance(meta_doc.data, dict) else None
    documents = [(meta_doc, inline if isinstance(inline, list) else [])]
    if root.is_dir():
        for path in sorted(root.glob("*.y*ml")):
            if path.name == "pack.yaml" or not path.is_file():
                continue
            try:
                doc = load(str(path))
            except InputError as exc:
                problems.append(exc)
                continue
            rule_file, errors = validate_all(RuleFileOutline, doc)
            problems.extend(errors)
            if rule_file is not None:
                documents.append((doc, rule_file.rules))
    for doc, raw_rules in documents:
        for i, raw in enumerate(raw_rules):
            rule_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            rule, errors = check_rule(doc, raw, ("rules", i))
            problems.extend(RuleError(error, rule_id) for error in errors)
            if rule is None:
                continue
            where = (doc.source, doc.line_of(("rules", i, "id")))
            if rule.id in pack.locations:
                problems.append(_duplicate(rule.id, where, pack.locations[rule.id]))
                continue
            pack.locations[rule.id] = where
            pack.rules.append(rule)
    return (pack if meta else None), problems


def _fixtures_dir(pack_dir: Path, fixtures: str) -> tuple[str | None, Msg | None]:
    """The fixtures directory a pack names (relative to its directory), or the problem with it."""
    relative = PurePosixPath(fixtures.replace("\\", "/"))
    if relative.is_absolute() or ":" in fixtures or not fixtures.strip():
        return None, msg("pack.fixtures_relative", path=fixtures)
    path = pack_dir / relative
    if not path.is_dir():
        return None, msg("pack.fixtures_missing", path=path)
    return str(path), None


def _duplicate(rule_id: str, where: tuple[str, int | None], first: tuple[str, int | None]) -> RuleError:
    shipped = default_packs_dir().resolve()
    key = "pack.duplicate_shipped" if any(Path(source).resolve().is_relative_to(shipped)
                                          for source in (where[0], first[0])) else "pack.duplicate"
    return RuleError(Problem(InputError(where[0], "", where[1], "id"), msg(key, rule=rule_id,
                                                                          first=f"{first[0]}:{first[1]}")), rule_id)


_AT_LEAST = r"\s*>=\s*(\d+(?:\.\d+)*)\s*"
_RELEASE = r"\d+(?:\.\d+)*"


def _version_problem(pack: str, spec: str) -> Msg | None:
    """Why this riskcheck does not satisfy a pack's ``requires`` (comma-separated comparisons), if it does not.

    The usual ``>=X.Y`` is compared here; anything else by ``packaging`` (whose import, with the
    platform tags it loads, costs a tenth of a ``check``'s start-up)."""
    at_least = re.fullmatch(_AT_LEAST, spec)
    if at_least and re.fullmatch(_RELEASE, __version__):
        ok = _release(__version__) >= _release(at_least.group(1))
    else:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            ok = SpecifierSet(spec).contains(__version__, prereleases=True)
        except InvalidSpecifier:
            return msg("pack.requires_range", pack=pack, spec=spec)
    return None if ok else msg("pack.requires_version", pack=pack, spec=spec, version=__version__)


def _release(version: str) -> tuple[int, ...]:
    """``0.10.0`` as ``(0, 10)``: numbers compared as numbers, trailing zeros not counted (as PEP 440)."""
    numbers = [int(part) for part in version.split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def pack_paths(extra: list[str], defaults: bool) -> list[str]:
    """The pack paths a command uses: the shipped packs (unless turned off) then ``--rules``."""
    return ([str(default_packs_dir())] if defaults else []) + [os.fspath(p) for p in extra]

