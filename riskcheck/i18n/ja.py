"""日本語のメッセージ（``riskcheck/i18n/__init__.py`` を参照）: キーは領域ごとに並べる。"""

MESSAGES: dict[str, str] = {
    "cli.error": "riskcheck: エラー: {message}",
    "cli.aborted": "riskcheck: 中断しました",
}
