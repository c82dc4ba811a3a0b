"""日本語のメッセージ（``riskcheck/i18n/__init__.py`` を参照）: キーは領域ごとに並べる。"""

MESSAGES: dict[str, str] = {
    "cli.error": "riskcheck: エラー: {message}",
    "cli.aborted": "riskcheck: 中断しました",

    # pack.: ルールパック、その条件・フィクスチャ・検査（riskcheck validate / test。packs 担当）
    "pack.kind.enum": "決められた値のどれか",
    "pack.kind.set": "値のリスト",
    "pack.kind.bool": "true か false",
    "pack.kind.number": "数値",
    "pack.kind.text": "文字列",
    "pack.kind.date": "日付（YYYY-MM-DD）",
    "pack.kind.list": "リスト",
    "pack.kind.model": "項目のまとまり",
    "pack.none": "なし",
    "pack.field.no_fields": "'{path}' には下位の項目がありません（{kind}です）",
    "pack.field.in_path": "'{path}'",
    "pack.field.in_fact": "ファクト '{kind}'",
    "pack.field.unknown_hint": "{where} に項目 '{name}' はありません。'{hint}' のことですか？",
    "pack.field.unknown": "{where} に項目 '{name}' はありません（項目: {fields}）",
    "pack.value.one_of": "{values} のどれか",
    "pack.value.invalid": "{value} はここでは使えない値です（使えるのは{expected}）",
    "pack.any_of": "any_of には項目のまとまりのリストを指定します（例: [{{a: 1}}, {{b: 2}}]）",
    "pack.group": "'{name}' は項目のまとまりです。その中の項目を一つ指定してください（例: '{name}.<項目>'）",
    "pack.empty_test": "条件が空です",
    "pack.exists": "exists には true か false を指定します",
    "pack.needs_list": "{op} には空でないリストを指定します",
    "pack.unknown_operator": "演算子 '{op}' はありません（使える演算子: {allowed}）",
    "pack.compare": "'{op}' は数値か日付を比べます。'{path}' は{kind}です",
    "pack.set_operator": "'{path}' はリストです。contains、contains_all、lacks、lacks_any のどれかを使ってください",
    "pack.ref": "ref '{ref}' には、前にある when のパターンの名前と項目を指定します（定義済み: {bound}）",
    "pack.ref_types": "{kind}と{other}（'{ref}'）は比べられません",
    "pack.too_complex": "このパターンは durable_rules には複雑すぎます（and/or/ref の項が {terms} 個、上限 {limit} 個。"
                        "any_of、in、not_in、ne、lacks_any はそれぞれ 2、ref は 1 と数えます）。パターンかルールを分けてください",
    "pack.too_many_alternatives": "このパターンには選択肢（in、any_of、lacks_any）が {alternatives} 個あります。"
                                  "durable_rules が扱えるのは 1 パターンあたり {limit} 個までです",
    "pack.too_many_patterns": "when と unless のパターンは合わせて {most} 個までです（durable_rules の上限は 1 ルールあたり "
                              "{limit} 個）",
    "pack.alias_twice": "'{alias}' が二度使われています。パターンごとに別の as を付けてください",
    "pack.alias_name": "'{alias}' には英小文字・数字・_ だけを使ってください",
    "pack.placeholder.alias": "差し込み {placeholder} は {{名前.項目}} の形で、名前は when の名前か 'case' にしてください"
                              "（定義済み: {bound}）",
    "pack.placeholder.field": "差し込み {placeholder}: {problem}",
    "pack.placeholder.filter": "差し込み {placeholder}: フィルター '{filter}' はありません（使えるフィルター: {filters}）",
    "pack.placeholder.filter_kind": "差し込み {placeholder}: '{filter}' には{needs}の項目が必要ですが、'{path}' は{kind}です",
    "pack.placeholder.missing": "差し込み {placeholder}: '|missing' を使うには {ref} に lacks_any の条件が必要です",
    "pack.placeholder.not_scalar": "差し込み {placeholder}: '{path}' は{kind}です。文章に入れられるのは一つの項目だけです"
                                   "（例: '{path}.<項目>'）",
    "pack.topic_hint": "トピック '{topic}' はありません。'{hint}' のことですか？",
    "pack.topic": "トピック '{topic}' はありません",
    "pack.missing_texts": "'{lang}' の文章がありません（message、ask、basis を ja と en の両方に書いてください）",
    "pack.in_rule": "ルール {rule}: {message}",
    "pack.not_found": "ここにルールパックがありません（パックは name、version、rules を持つ YAML ファイルか、"
                      "pack.yaml のあるディレクトリです）",
    "pack.duplicate": "ルール ID {rule} が重複しています（最初の定義: {first}）",
    "pack.duplicate_shipped": "ルール ID {rule} が重複しています（最初の定義: {first}）。同梱のパックの代わりにこのパックを"
                              "使うには --no-default-rules を付けてください",
    "pack.requires_range": "パック {pack} の requires '{spec}' はバージョンの範囲ではありません（例: '>=0.1,<1'）",
    "pack.requires_version": "パック {pack} には riskcheck {spec} が必要です。このバージョンは {version} です",
    "pack.fixtures_relative": "'{path}' にはパックからの相対パスでディレクトリを指定してください（例: cases、"
                              "../../fixtures/cases）",
    "pack.fixtures_missing": "フィクスチャのディレクトリ {path} がありません",
    "pack.no_fixtures": "{where}にフィクスチャのケースがありません（--cases DIR で指定してください）",
    "pack.no_fixtures_default": "パックのフィクスチャのディレクトリ",
    "pack.needs_expect": "フィクスチャには、発火すべきルールと発火してはならないルールを並べた expect: が必要です",
    "pack.expect_both": "ルール '{rule}' が、発火すべきものと発火してはならないものの両方に書かれています",
    "pack.unknown_rule_hint": "ルール '{rule}' はありません。'{hint}' のことですか？",
    "pack.unknown_rule": "ルール '{rule}' はありません（読み込んだパックにありません）",
    "pack.no_firing": "このルールを発火させるフィクスチャ（expect: fire）がありません",
    "pack.no_near_miss": "このルールが発火してはならないニアミスのフィクスチャ（expect: silent）がありません",
    "pack.problems": "ルールパックに問題が {count} 件あります",
    "pack.ok": "問題なし: {packs}: ルール {rules} 件、フィクスチャ {fixtures} 件",
    "pack.nothing_to_test": "テストするルールパックがありません（--rules PATH で指定してください）",
    # waiver.: 受け入れたリスクのファイル（packs 担当）
    "waiver.redacted": "［非表示］",
}
