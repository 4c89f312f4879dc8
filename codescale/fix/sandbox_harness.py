"""The program the CI bot runs INSIDE the sandbox to probe one function (standard library only).

Usage: `python3 harness.py REQUEST RESULTS`. REQUEST is a JSON file: `{"repo": the folder of
the repository copy (possibly patched), "module", "function", "inputs": [JSON arrays],
"call_timeout_s"}`. It imports the module from the copy, calls the function on each argument
list, and writes RESULTS: `{"results": [{"value": JSON} or {"error": "..."}, ...]}`, or
`{"error": "..."}` when the function cannot be imported. The host validates that file and
trusts nothing else.
"""

import importlib
import json
import os
import signal
import sys


class _CallTimeout(Exception):
    pass


def _on_alarm(_signum: int, _frame: object) -> None:
    raise _CallTimeout()


def probe(repo: str, module: str, function: str, inputs: list[str],
          call_timeout_s: float) -> dict:
    """Call `module.function` on each JSON argument list; the JSON value or the error."""
    os.chdir(repo)
    sys.path.insert(0, repo)
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


def main() -> None:
    """Serve the request file named first; write the results file named second."""
    request_path, results_path = map(os.path.abspath, sys.argv[1:3])
    with open(request_path, encoding="utf-8") as request_file:
        request = json.load(request_file)
    reply = probe(os.path.abspath(request["repo"]), request["module"], request["function"],
                  request["inputs"], float(request["call_timeout_s"]))
    with open(results_path, "w", encoding="utf-8") as results_file:
        json.dump(reply, results_file)


if __name__ == "__main__":
    main()
