"""The bubblewrap command line the local backend's workers and workspace jobs share.

New user, PID, network, IPC, UTS and cgroup namespaces; the host's /usr (and the /bin, /lib
links or folders) read-only; fresh /proc and /dev; an empty environment; and never the host's
root user: a root caller runs bubblewrap as `UNPRIVILEGED_UID`.
"""

import os
from collections.abc import Mapping, Sequence

UNPRIVILEGED_UID = 65534  # the host uid that runs bubblewrap when this process is root


def bwrap_line(uid: int, options: Sequence[str], workdir: str, env: Mapping[str, str],
               command: Sequence[str]) -> list[str]:
    """Run `command` as `uid` in `workdir` with `env`; `options` add mounts and flags, before
    the root is made read-only."""
    line = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", str(uid), "--gid", str(uid), "--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{link}"):
            line += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
        elif os.path.isdir(f"/{link}"):
            line += ["--ro-bind", f"/{link}", f"/{link}"]
    line += ["--proc", "/proc", "--dev", "/dev", *options,
             "--remount-ro", "/", "--chdir", workdir, "--clearenv"]
    for name, value in env.items():
        line += ["--setenv", name, value]
    line += command
    if os.geteuid() == 0:  # never map the sandbox onto the host's root
        line = ["setpriv", f"--reuid={UNPRIVILEGED_UID}", f"--regid={UNPRIVILEGED_UID}",
                "--clear-groups", *line]
    return line
