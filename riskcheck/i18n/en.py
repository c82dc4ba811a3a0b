"""English messages (see ``riskcheck/i18n/__init__.py``): keys sorted by area."""

MESSAGES: dict[str, str] = {
    "cli.error": "riskcheck: error: {message}",
    "cli.aborted": "riskcheck: stopped (interrupted)",

    # pack.: rule packs, their conditions, fixtures and checks (riskcheck validate / test; packs helper)
    "pack.kind.enum": "an enum",
    "pack.kind.set": "a set",
    "pack.kind.bool": "a bool",
    "pack.kind.number": "a number",
    "pack.kind.text": "a text",
    "pack.kind.date": "a date (YYYY-MM-DD)",
    "pack.kind.list": "a list",
    "pack.kind.model": "a model (a group of fields)",
    "pack.none": "none",
    "pack.field.no_fields": "'{path}' has no fields (it is {kind})",
    "pack.field.in_path": "'{path}'",
    "pack.field.in_fact": "fact '{kind}'",
    "pack.field.unknown_hint": "{where} has no field '{name}'; did you mean '{hint}'?",
    "pack.field.unknown": "{where} has no field '{name}' (fields: {fields})",
    "pack.value.one_of": "one of: {values}",
    "pack.value.invalid": "{value} is not a valid value here; expected {expected}",
    "pack.any_of": "any_of takes a list of field groups, e.g. [{{a: 1}}, {{b: 2}}]",
    "pack.group": "'{name}' is a group of fields; test one of them, e.g. '{name}.<field>'",
    "pack.empty_test": "empty test",
    "pack.exists": "exists takes true or false",
    "pack.needs_list": "{op} takes a non-empty list",
    "pack.unknown_operator": "unknown operator '{op}' (operators: {allowed})",
    "pack.compare": "'{op}' compares numbers or dates; '{path}' is {kind}",
    "pack.set_operator": "'{path}' is a list; use contains, contains_all, lacks or lacks_any",
    "pack.ref": "ref '{ref}' must name an earlier `when` pattern and a field (bound so far: {bound})",
    "pack.ref_types": "cannot compare {kind} with {other} '{ref}'",
    "pack.too_complex": "this pattern is too complex for durable_rules ({terms} and/or/ref terms, at most {limit}: "
                        "each any_of, in, not_in, ne and lacks_any adds 2, each ref 1); split it or the rule",
    "pack.too_many_alternatives": "this pattern has {alternatives} alternatives (in, any_of, lacks_any); "
                                  "durable_rules handles at most {limit} per pattern",
    "pack.too_many_patterns": "at most {most} patterns in when and unless together (durable_rules' limit is "
                              "{limit} per rule)",
    "pack.alias_twice": "'{alias}' is bound twice; give each pattern its own `as`",
    "pack.alias_name": "'{alias}' must be lowercase letters, digits and _",
    "pack.placeholder.alias": "placeholder {placeholder} must be {{alias.field}} with an alias of `when` or 'case' "
                              "(bound: {bound})",
    "pack.placeholder.field": "placeholder {placeholder}: {problem}",
    "pack.placeholder.filter": "placeholder {placeholder}: unknown filter '{filter}' (filters: {filters})",
    "pack.placeholder.filter_kind": "placeholder {placeholder}: '{filter}' needs {needs}, '{path}' is {kind}",
    "pack.placeholder.missing": "placeholder {placeholder}: '|missing' needs a lacks_any test on {ref}",
    "pack.placeholder.not_scalar": "placeholder {placeholder}: '{path}' is {kind}; a text can show one field "
                                   "only (e.g. '{path}.<field>')",
    "pack.topic_hint": "unknown topic '{topic}'; did you mean '{hint}'?",
    "pack.topic": "unknown topic '{topic}'",
    "pack.missing_texts": "missing the '{lang}' texts (message, ask and basis are needed in ja and en)",
    "pack.in_rule": "rule {rule}: {message}",
    "pack.not_found": "no rule pack here (a pack is a YAML file with name, version and rules, or a directory "
                      "with pack.yaml)",
    "pack.duplicate": "duplicate rule id {rule} (first in {first})",
    "pack.duplicate_shipped": "duplicate rule id {rule} (first in {first}); to use this pack instead of the "
                              "shipped one, add --no-default-rules",
    "pack.requires_range": "pack {pack} requires '{spec}', which is not a version range (e.g. '>=0.1,<1')",
    "pack.requires_version": "pack {pack} needs riskcheck {spec}, this is {version}",
    "pack.fixtures_relative": "'{path}' must be a directory relative to the pack (e.g. cases or "
                              "../../fixtures/cases)",
    "pack.fixtures_missing": "the fixtures directory {path} does not exist",
    "pack.no_fixtures": "no fixture cases found in {where} (use --cases DIR)",
    "pack.no_fixtures_default": "the packs' fixture directories",
    "pack.needs_expect": "a fixture needs an expect: block listing the rules that must fire and those that must "
                         "stay silent",
    "pack.expect_both": "rule '{rule}' is expected both to fire and to stay silent",
    "pack.unknown_rule_hint": "unknown rule '{rule}'; did you mean '{hint}'?",
    "pack.unknown_rule": "unknown rule '{rule}' (not in the loaded packs)",
    "pack.no_firing": "no firing fixture (expect: fire) exercises this rule",
    "pack.no_near_miss": "no near-miss fixture (expect: silent) exercises this rule",
    "pack.problems": "{count} problem(s) in rule packs",
    "pack.ok": "ok: {packs}: {rules} rule(s), {fixtures} fixture(s)",
    "pack.nothing_to_test": "no rule packs to test (use --rules PATH)",
    # waiver.: waiver files (packs helper)
    "waiver.redacted": "[redacted]",
}
