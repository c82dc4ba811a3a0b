"""日本語のメッセージ（``riskcheck/i18n/__init__.py`` を参照）: キーは領域ごとに並べる。"""

MESSAGES: dict[str, str] = {
    "cli.error": "riskcheck: エラー: {message}",
    # --- cli. output. batch.: コマンドライン自身のことば（process 担当） ---
    "cli.aborted": "riskcheck: 中断しました",
    "cli.interrupted": "riskcheck: 中断しました（{signal}）",
    "cli.interrupted_unwritten": "riskcheck: 中断しました（{signal}）。出力ファイルは書き込んでいません（{path} は元のままです）",
    "cli.internal_error": "riskcheck: 内部エラー（riskcheck の不具合です。ご報告ください）: {error}。"
                          "詳しい情報（トレースバック）は RISKCHECK_DEBUG=1 を設定すると表示されます",
    "cli.warning": "riskcheck: 警告: {message}",
    "cli.no_packs": "ルールパックが読み込まれていません（--rules でパスを指定するか、--no-default-rules を外してください）",
    "cli.no_packs_to_test": "テストするルールパックがありません（--rules でパスを指定してください）",
    "cli.no_fixtures": "{where} にフィクスチャのケースが見つかりません（--cases でフォルダーを指定してください）",
    "cli.pack_problems": "ルールパックに {count} 件の問題があります",
    "output.cannot_write": "{path} に書き込めません: {reason}",
    "output.errno.ENOENT": "フォルダーが存在しません",
    "output.errno.EACCES": "書き込む権限がありません",
    "output.errno.EPERM": "書き込む権限がありません",
    "output.errno.EROFS": "読み取り専用のファイルシステムです",
    "output.errno.ENOSPC": "ディスクの空き容量がありません",
    "output.errno.EDQUOT": "ディスク容量の上限（クォータ）に達しています",
    "output.errno.EFBIG": "ファイルシステムの上限を超える大きさです",
    "output.errno.EISDIR": "フォルダーです",
    "output.errno.ENOTDIR": "パスの途中がフォルダーではありません",
    "output.errno.ELOOP": "シンボリックリンクの段数が多すぎます（循環している可能性があります）",
    "output.errno.ENAMETOOLONG": "ファイル名が長すぎます",
    "batch.died_twice": "{source}: 評価できませんでした: このケースでワーカープロセスが2回停止しました（{why}）",
    "batch.timed_out": "{source}: 評価できませんでした: {seconds} 秒（--case-timeout）以内に結果が出なかったため、"
                       "ワーカープロセスを停止して入れ替えました",
    "batch.workers_cannot_start": "ワーカープロセスが起動中に停止します（{why}）。ケースは評価されていません",
    "batch.killed_by": "{signal} で強制終了",
    "batch.exit_code": "終了コード {code}",
    "batch.deaths": "ワーカープロセスが {count} 回停止したため入れ替え、そのケースを1回ずつ再評価しました",
    "batch.timeouts": "{count} 件のケースが --case-timeout（{seconds} 秒）を超えたため、エラーとして報告しています",
}
