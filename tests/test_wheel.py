"""The catalogs ship inside the wheel: build it, install it into a fresh virtual environment, run from there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    src = tmp_path_factory.mktemp("src") / "gongkai"
    # build from a copy holding only tracked-style sources, so nothing local leaks into the wheel
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "dist", "build", "*.egg-info", "__pycache__",
                                                              ".venv", "artifacts", ".pytest_cache", "examples", "tests"))
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(src)],
                       capture_output=True, text=True)
    if r.returncode != 0 and "No module named" in r.stderr:
        pytest.skip(f"cannot build a wheel here: {r.stderr.strip().splitlines()[-1]}")
    assert r.returncode == 0, r.stdout + r.stderr
    (built,) = out.glob("gongkai-*.whl")
    return built


def test_wheel_contains_catalogs(wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "gongkai/catalogs/village.yaml" in names and "gongkai/catalogs/community.yaml" in names


def test_wheel_contains_every_bundled_template(wheel: Path) -> None:
    """render reads its templates from the package (the town index is put together by _town_index.*): all ship."""
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {f"gongkai/render/templates/{p.name}" for p in (ROOT / "gongkai" / "render" / "templates").iterdir()
               if p.is_file()}
    assert "gongkai/render/templates/_town_index.html" in bundled and bundled <= names


def test_installed_wheel_runs_catalog(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    bindir = _install_in_venv(wheel, env_dir)
    py = bindir / "python"
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    where = subprocess.run([str(py), "-c", "import gongkai, importlib.resources as r; print(gongkai.__file__); "
                            "print(r.files('gongkai').joinpath('catalogs', 'village.yaml').is_file())"],
                           capture_output=True, text=True, cwd=tmp_path, env=clean_env)
    assert where.returncode == 0, where.stderr
    file, packaged = where.stdout.split()
    assert Path(file).is_relative_to(env_dir) and packaged == "True"
    r = subprocess.run([str(bindir / "gongkai"), "catalog", "--format", "json"], capture_output=True, text=True,
                       cwd=tmp_path, env=clean_env)
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert len(items) == 78 and items[-1]["id"] == "community/finance/6"


def _can_compile() -> bool:
    return shutil.which("gcc") is not None and Path("/usr/include/yaml.h").is_file()


def test_wheel_holds_the_c_node_builder_when_it_can_be_compiled(wheel: Path) -> None:
    """The build hook compiles gongkai/load/_cnodes.c (gcc and libyaml-dev here); the wheel then has a platform
    tag. Without them the wheel is pure Python (see test_wheel_without_a_compiler_is_pure_python)."""
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    compiled = [n for n in names if n.startswith("gongkai/load/_cnodes.") and n.endswith((".so", ".pyd"))]
    if not _can_compile() and os.environ.get("GONGKAI_REQUIRE_C") != "1":
        pytest.skip("no gcc or no yaml.h here")
    assert len(compiled) == 1, names
    assert "gongkai/load/_cnodes.c" in names and "-py3-none-any" not in wheel.name


def test_wheel_holds_the_c_walk_when_it_can_be_compiled(wheel: Path) -> None:
    """The build hook compiles gongkai/_cwalk.c (the folder walk of the unit search and the results cache; it needs
    a C compiler only)."""
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    compiled = [n for n in names if n.startswith("gongkai/_cwalk.") and n.endswith((".so", ".pyd"))]
    if shutil.which("gcc") is None and os.environ.get("GONGKAI_REQUIRE_C") != "1":
        pytest.skip("no gcc here")
    assert len(compiled) == 1, names
    assert "gongkai/_cwalk.c" in names and "-py3-none-any" not in wheel.name


def test_wheel_without_a_compiler_is_pure_python(tmp_path: Path) -> None:
    """No C compiler: the build still succeeds, pure Python, and says why."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "dist", "build", "*.egg-info", "__pycache__",
                                                              ".venv", "artifacts", ".pytest_cache", "examples", "tests",
                                                              "*.so", "*.pyd"))
    env = {**os.environ, "CC": str(tmp_path / "no-such-compiler"), "LDSHARED": str(tmp_path / "no-such-linker")}
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "out"),
                        str(src)], capture_output=True, text=True, env=env)
    if r.returncode != 0 and "No module named" in r.stderr:
        pytest.skip(f"cannot build a wheel here: {r.stderr.strip().splitlines()[-1]}")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "C node builder not compiled" in r.stdout + r.stderr
    assert "C folder walk not compiled" in r.stdout + r.stderr
    (built,) = (tmp_path / "out").glob("gongkai-*.whl")
    assert built.name.endswith("-py3-none-any.whl")
    import zipfile

    assert not [n for n in zipfile.ZipFile(built).namelist() if n.endswith((".so", ".pyd"))]


def test_installed_wheel_checks_the_example_the_same_without_c(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    bindir = _install_in_venv(wheel, env_dir)
    py = bindir / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GONGKAI_PURE_PYTHON")}
    probe = subprocess.run([str(py), "-c", "import gongkai.load.nodes as n, gongkai.repo as r; "
                            "print(n._cbuild is not None, r._cwalk is not None)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == [str(_can_compile()), str(shutil.which("gcc") is not None)]
    args = [str(bindir / "gongkai"), "check", str(ROOT / "examples" / "huayuankou"), "--as-of", "2024-12-31",
            "--no-cache", "-f", "json"]
    fast = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, env=env)
    pure = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, env={**env, "GONGKAI_PURE_PYTHON": "1"})
    assert fast.returncode == pure.returncode and fast.returncode in (0, 1), fast.stderr + pure.stderr
    assert json.loads(fast.stdout) and fast.stdout == pure.stdout
    cached = {**env, "GONGKAI_CACHE_DIR": str(tmp_path / "cache")}  # cold, then warm, with the C walk
    for _ in range(2):
        warm = subprocess.run(args[:-3] + args[-2:], capture_output=True, text=True, cwd=tmp_path, env=cached)
        assert warm.stdout == fast.stdout, warm.stderr


def _install_in_venv(wheel: Path, env_dir: Path) -> Path:
    """A new venv at env_dir with the wheel installed; its bin folder. The dependencies come from the environment
    running the tests (no network needed): its site-packages folders are added by a .pth file, which does not run
    the .pth files inside them, so an editable install of gongkai there stays invisible; gongkai itself comes from
    the wheel."""
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    inner = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(inner, "zz_outer_site.pth").write_text("\n".join(sorted(outer)) + "\n", encoding="utf-8")
    r = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return bindir
