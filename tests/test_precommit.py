"""The pre-commit hook end to end: the real `pre-commit` installs this checkout's hook (.pre-commit-hooks.yaml,
`language: python`, so it builds and installs gongkai into its own environment from the commit named by `rev`)
into a temporary git repository; a commit with an error is refused, the corrected one is accepted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import UNIT, plan_yaml, write

pytestmark = pytest.mark.slow
CHECKOUT = Path(__file__).resolve().parent.parent


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def head() -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit")
    out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=CHECKOUT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("this checkout is not a git repository")
    return out.stdout.strip()


def test_bad_commit_refused_good_commit_accepted(tmp_path: Path, head: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_AUTHOR_NAME="文书", GIT_AUTHOR_EMAIL="clerk@example.org",
               GIT_COMMITTER_NAME="文书", GIT_COMMITTER_EMAIL="clerk@example.org", GIT_CONFIG_NOSYSTEM="1",
               HOME=str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    repo = tmp_path / "village"
    repo.mkdir()
    assert run(["git", "init", "-q", "-b", "main"], repo, env).returncode == 0
    write(repo, {
        ".pre-commit-config.yaml": f"""\
            repos:
              - repo: {CHECKOUT.as_posix()}
                rev: {head}
                hooks:
                  - id: gongkai-check
                    args: [--as-of, "2024-07-15"]
            """,
        "unit.yaml": UNIT,
        "plans/2024.yaml": plan_yaml([]),
        "inspections/2024.yaml": "date: 2024-06-01\n",
        "records/2024/standing/x.yaml": "item: village/system/1\npublished: 2024-02-30\n",
    })
    installed = run([sys.executable, "-m", "pre_commit", "install"], repo, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    assert run(["git", "add", "-A"], repo, env).returncode == 0
    bad = run(["git", "commit", "-q", "-m", "一季度记录"], repo, env)
    assert bad.returncode != 0, bad.stdout + bad.stderr
    out = bad.stdout + bad.stderr
    assert "gongkai check" in out and "Failed" in out
    assert "records/2024/standing/x.yaml:2:12: error[date] “2024-02-30”不是有效日期" in out
    assert run(["git", "rev-parse", "--verify", "-q", "HEAD"], repo, env).returncode != 0  # nothing committed

    (repo / "records/2024/standing/x.yaml").write_text("item: village/system/1\npublished: 2024-02-28\n", encoding="utf-8")
    assert run(["git", "add", "-A"], repo, env).returncode == 0
    good = run(["git", "commit", "-q", "-m", "一季度记录"], repo, env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout + good.stderr
    assert run(["git", "rev-parse", "--verify", "-q", "HEAD"], repo, env).returncode == 0
