"""Build hook: compile gongkai's optional C extensions (EXTENSIONS: the node builder gongkai/load/_cnodes.c
against libyaml, the folder walk gongkai/_cwalk.c of the unit search and the results cache, ...).

It is optional in every way: without a C compiler, without libyaml's header (yaml.h, e.g. apt-get install
libyaml-dev) or without setuptools, the wheel is built without it, pure Python, and gongkai runs the same
(only parsing YAML is slower). A regular wheel gets the compiled module and a platform tag; an editable
install (pip install -e .) compiles it in place, next to the source.

Each extension is built on its own: one that cannot be compiled leaves the others (and its pure-Python
counterpart takes over). Run `python hatch_build.py` to compile them in place by hand (for PYTHONPATH=.).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
# module name → (C source, libraries to link, what it is, for the messages)
EXTENSIONS: dict[str, tuple[str, list[str], str]] = {
    "gongkai.load._cnodes": ("gongkai/load/_cnodes.c", ["yaml"], "C node builder"),
    "gongkai._cwalk": ("gongkai/_cwalk.c", ["pthread"], "C folder walk"),
}
EXTENSION = "gongkai.load._cnodes"
SOURCE = EXTENSIONS[EXTENSION][0]


def compile_all(build_lib: Path | None) -> list[Path]:
    """Every extension of EXTENSIONS that could be compiled, into build_lib (None: in place)."""
    return [built for name in EXTENSIONS if (built := compile_extension(build_lib, name)) is not None]


def compile_extension(build_lib: Path | None, name: str = EXTENSION) -> Path | None:
    """Compile one extension into build_lib (None: in place, in the source tree); its path, or None when it
    could not be built (the reason is printed, the build goes on)."""
    source, libraries, what = EXTENSIONS[name]
    try:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext
    except ImportError as e:  # pragma: no cover - setuptools is a build requirement
        print(f"gongkai: {what} not compiled ({e}); using the pure-Python one", file=sys.stderr)
        return None
    temp = Path(tempfile.mkdtemp(prefix="gongkai-build-"))
    try:
        ext = Extension(name, [source], libraries=libraries, optional=True)
        dist = Distribution({"name": "gongkai", "ext_modules": [ext], "script_name": "hatch_build.py"})
        cmd = build_ext(dist)
        cmd.build_temp = str(temp / "temp")
        cmd.build_lib = str(build_lib if build_lib is not None else temp / "lib")
        cmd.inplace = build_lib is None
        cmd.ensure_finalized()
        cwd = Path.cwd()
        try:
            os.chdir(ROOT)  # setuptools resolves the source and the in-place target from the project folder
            cmd.run()  # optional=True: a failed compile or link is a warning, not an error
            built = Path(cmd.get_ext_fullpath(name))
            built = built if built.is_absolute() else ROOT / built
        finally:
            os.chdir(cwd)
    except Exception as e:  # noqa: BLE001 - never fail the installation for the optional module
        print(f"gongkai: {what} not compiled ({e}); using the pure-Python one", file=sys.stderr)
        return None
    finally:
        shutil.rmtree(temp / "temp", ignore_errors=True)
    if not built.is_file():
        print(f"gongkai: {what} not compiled (no C compiler or no header: apt-get install gcc "
              "libyaml-dev); using the pure-Python one", file=sys.stderr)
        return None
    return built


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # running this file by hand without hatchling
    BuildHookInterface = object  # type: ignore[assignment,misc]


class CNodesHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._out: Path | None = None
        if version == "editable":
            compile_all(None)  # in place: the editable install imports from the source folder
            return
        self._out = Path(tempfile.mkdtemp(prefix="gongkai-ext-"))
        built_all = compile_all(self._out)
        if not built_all:
            return
        for built in built_all:
            build_data["force_include"][str(built)] = str(built.relative_to(self._out))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._out is not None:
            shutil.rmtree(self._out, ignore_errors=True)


if __name__ == "__main__":
    built_all = compile_all(None)
    for built in built_all:
        print(built)
    sys.exit(0 if len(built_all) == len(EXTENSIONS) else 1)
