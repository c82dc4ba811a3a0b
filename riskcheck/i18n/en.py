"""English messages (see ``riskcheck/i18n/__init__.py``): keys sorted by area."""

MESSAGES: dict[str, str] = {
    "cli.error": "riskcheck: error: {message}",
    "cli.aborted": "riskcheck: stopped (interrupted)",
}
