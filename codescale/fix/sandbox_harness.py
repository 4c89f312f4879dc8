"""The program the CI bot runs INSIDE the sandbox (standard library only).

It reads one JSON request from stdin: two base64 zip bundles, `repo` (a copy of the
repository, possibly patched) and `site` (pytest and its pure-Python dependencies), plus
what to do with them:

- `{"mode": "test", "command": ..., "timeout_s": ...}` runs the test command in the copy
  with a shell and reports its exit status, the tail of its output and, when pytest ran,
  every test's outcome from a JUnit XML report;
- `{"mode": "probe", "module": ..., "function": ..., "inputs": [JSON arrays], ...}` imports
  the module from the copy and calls the function on each argument list.

It prints exactly one JSON line. The host validates it and trusts nothing else.
"""

import base64
import importlib
import io
import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile

OUTPUT_KEEP = 12000  # characters of the test command's output reported (its tail)
TEXT_KEEP = 4000  # characters of one test's failure text reported
REPORT = "codescale-junit.xml"
_OUTCOMES = {"failure": "failed", "error": "error", "skipped": "skipped"}  # JUnit tag -> outcome


def main() -> None:
    """Unpack the bundle into the working directory, serve the request, print the reply."""
    request = json.load(sys.stdin)
    root = os.getcwd()
    repo, site = os.path.join(root, "repo"), os.path.join(root, "site")
    for folder in (repo, site):
        _unpack(request[os.path.basename(folder)], folder)
    if request["mode"] == "test":
        reply = run_tests(root, repo, site, request["command"], float(request["timeout_s"]))
    else:
        reply = probe(repo, request["module"], request["function"], request["inputs"],
                      float(request["call_timeout_s"]))
    os.write(1, (json.dumps(reply) + "\n").encode())


def _unpack(bundle: str, folder: str) -> None:
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(bundle))) as archive:
        archive.extractall(folder)


# The scratch space is mounted noexec, so `pytest` and `python` are shell functions.
COMMANDS = 'pytest() { python3 -m pytest "$@"; }\npython() { python3 "$@"; }\n'


def run_tests(root: str, repo: str, site: str, command: str, timeout_s: float) -> dict:
    """Run `command` in the copy; its status, output tail and per-test outcomes."""
    report = os.path.join(root, REPORT)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": root,
           "TMPDIR": root, "PYTHONPATH": site, "PYTHONDONTWRITEBYTECODE": "1",
           "PYTEST_ADDOPTS": f"--junitxml={report} -o junit_family=xunit1 "
                             "-p no:cacheprovider --color=no"}
    try:
        done = subprocess.run(COMMANDS + command, shell=True, cwd=repo, env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout_s)
        status, output = done.returncode, done.stdout
    except subprocess.TimeoutExpired as expired:
        status, output = None, expired.stdout or b""
    text = output.decode("utf-8", errors="replace")
    return {"exit_code": status, "output": text[-OUTPUT_KEEP:],
            "tests": _outcomes(report) if os.path.exists(report) else None}


def _outcomes(report: str) -> list[dict]:
    """Each test case of a JUnit XML report: where it is, its outcome and failure text."""
    cases = []
    for case in ElementTree.parse(report).iter("testcase"):
        outcome, text = "passed", ""
        for child in case:
            if child.tag in _OUTCOMES:
                outcome = _OUTCOMES[child.tag]
                text = f"{child.get('message') or ''}\n{child.text or ''}".strip()
                break
        cases.append({"classname": case.get("classname") or "", "name": case.get("name") or "",
                      "file": case.get("file"), "outcome": outcome, "text": text[-TEXT_KEEP:]})
    return cases


class _CallTimeout(Exception):
    pass


def _on_alarm(_signum: int, _frame: object) -> None:
    raise _CallTimeout()


def probe(repo: str, module: str, function: str, inputs: list[str],
          call_timeout_s: float) -> dict:
    """Call `module.function` on each JSON argument list; the JSON value or the error."""
    os.chdir(repo)
    sys.path.insert(0, repo)
    sys.stdout = io.StringIO()  # what the code prints must not reach the reply
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        target = getattr(importlib.import_module(module), function)
    except BaseException as error:  # noqa: BLE001 - the repository's code may raise anything
        return {"error": f"cannot import {module}.{function}: {type(error).__name__}: {error}"}
    results = []
    for text in inputs:
        signal.setitimer(signal.ITIMER_REAL, call_timeout_s)
        try:
            results.append({"value": json.dumps(target(*json.loads(text)), sort_keys=True,
                                                default=repr)})
        except _CallTimeout:
            results.append({"error": "timeout"})
        except BaseException as error:  # noqa: BLE001 - an exception is a behaviour too
            results.append({"error": f"{type(error).__name__}: {error}"[:500]})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return {"results": results}


if __name__ == "__main__":
    main()
