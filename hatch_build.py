"""Build hook: compile the optional C node builder gongkai/load/_cnodes.c against libyaml.

It is optional in every way: without a C compiler, without libyaml's header (yaml.h, e.g. apt-get install
libyaml-dev) or without setuptools, the wheel is built without it, pure Python, and gongkai runs the same
(only parsing YAML is slower). A regular wheel gets the compiled module and a platform tag; an editable
install (pip install -e .) compiles it in place, next to the source.

Run `python hatch_build.py` to compile it in place by hand (for working with PYTHONPATH=.).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
EXTENSION = "gongkai.load._cnodes"
SOURCE = "gongkai/load/_cnodes.c"


def compile_extension(build_lib: Path | None) -> Path | None:
    """Compile the extension into build_lib (None: in place, in the source tree); its path, or None when it
    could not be built (the reason is printed, the build goes on)."""
    try:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext
    except ImportError as e:  # pragma: no cover - setuptools is a build requirement
        print(f"gongkai: C node builder not compiled ({e}); using the pure-Python one", file=sys.stderr)
        return None
    temp = Path(tempfile.mkdtemp(prefix="gongkai-build-"))
    try:
        ext = Extension(EXTENSION, [SOURCE], libraries=["yaml"], optional=True)
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
            built = Path(cmd.get_ext_fullpath(EXTENSION))
            built = built if built.is_absolute() else ROOT / built
        finally:
            os.chdir(cwd)
    except Exception as e:  # noqa: BLE001 - never fail the installation for the optional module
        print(f"gongkai: C node builder not compiled ({e}); using the pure-Python one", file=sys.stderr)
        return None
    finally:
        shutil.rmtree(temp / "temp", ignore_errors=True)
    if not built.is_file():
        print("gongkai: C node builder not compiled (no C compiler or no yaml.h: apt-get install gcc "
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
            compile_extension(None)  # in place: the editable install imports from the source folder
            return
        self._out = Path(tempfile.mkdtemp(prefix="gongkai-ext-"))
        built = compile_extension(self._out)
        if built is None:
            return
        build_data["force_include"][str(built)] = str(built.relative_to(self._out))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._out is not None:
            shutil.rmtree(self._out, ignore_errors=True)


if __name__ == "__main__":
    built = compile_extension(None)
    print(built if built else "not built")
    sys.exit(0 if built else 1)
