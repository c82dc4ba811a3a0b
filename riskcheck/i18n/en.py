"""English messages (see ``riskcheck/i18n/__init__.py``): keys sorted by area."""

MESSAGES: dict[str, str] = {
    "cli.error": "riskcheck: error: {message}",
    # --- cli. output. batch.: the command line's own words (process helper) ---
    "cli.aborted": "riskcheck: stopped (interrupted)",
    "cli.interrupted": "riskcheck: interrupted ({signal})",
    "cli.interrupted_unwritten": "riskcheck: interrupted ({signal}); no output file written, {path} is as it was",
    "cli.internal_error": "riskcheck: internal error (a bug in riskcheck, please report it): {error}; "
                          "set RISKCHECK_DEBUG=1 to see the traceback",
    "cli.warning": "riskcheck: warning: {message}",
    "cli.no_packs": "no rule packs loaded (use --rules PATH, or drop --no-default-rules)",
    "cli.no_packs_to_test": "no rule packs to test (use --rules PATH)",
    "cli.no_fixtures": "no fixture cases found in {where} (use --cases DIR)",
    "cli.pack_problems": "{count} problem(s) in rule packs",
    "output.cannot_write": "cannot write {path}: {reason}",
    "output.errno.ENOENT": "the directory does not exist",
    "output.errno.EACCES": "permission denied",
    "output.errno.EPERM": "permission denied",
    "output.errno.EROFS": "the file system is read-only",
    "output.errno.ENOSPC": "no space left on the device",
    "output.errno.EDQUOT": "the disk quota is used up",
    "output.errno.EFBIG": "the file is too large for the file system",
    "output.errno.EISDIR": "it is a directory",
    "output.errno.ENOTDIR": "a part of the path is not a directory",
    "output.errno.ELOOP": "too many levels of symbolic links",
    "output.errno.ENAMETOOLONG": "the file name is too long",
    "batch.died_twice": "{source}: not evaluated: the worker process died twice on this case ({why})",
    "batch.timed_out": "{source}: not evaluated: no result within {seconds} s (--case-timeout); "
                       "its worker process was stopped and replaced",
    "batch.workers_cannot_start": "worker processes die while starting ({why}); nothing was evaluated by them",
    "batch.killed_by": "killed by {signal}",
    "batch.exit_code": "exit code {code}",
    "batch.deaths": "{count} worker process(es) died and were replaced; their cases were retried once",
    "batch.timeouts": "{count} case(s) took longer than --case-timeout ({seconds} s) and are reported as errors",
}
