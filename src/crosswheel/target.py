"""The target platform as one value: the Python the wheel is for and the machine it runs on.

A native build and a cross build differ only in the Target the plan receives: its tags, extension
suffix, FindPython hints, toolchain file and the ELF machine its binaries must have.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from . import arch as archs
from .config import Config, CrossConfig, WheelConfig, host_os
from .errors import ConfigError

_TAG = re.compile(r"^[a-z0-9_.]+$")


@dataclass(frozen=True)
class Tags:
    python: list[str]
    abi: list[str]
    platform: list[str]
    build: str | None = None

    def __str__(self) -> str:
        return "-".join(".".join(t) for t in (self.python, self.abi, self.platform))

    def expanded(self) -> list[str]:
        return [f"{p}-{a}-{pl}" for p in self.python for a in self.abi for pl in self.platform]


@dataclass(frozen=True)
class Target:
    cross: bool
    os: str  # linux | windows | mac
    implementation: str  # cp, pp
    version: str  # "311"
    abi: str  # "cp311"
    platform: str  # "linux_x86_64"
    soabi: str | None
    ext_suffix: str
    include_dir: Path | None = None
    library: Path | None = None
    sabi_library: Path | None = None
    prefix: Path | None = None
    executable: Path | None = None  # a Python that runs here and is the target (native only)
    toolchain_file: Path | None = None
    triple: str | None = None
    sysroot: Path | None = None
    generator_platform: str | None = None
    osx_architectures: str | None = None  # CMAKE_OSX_ARCHITECTURES, from ARCHFLAGS
    free_threaded: bool = False

    @property
    def python_tag(self) -> str:
        return f"{self.implementation}{self.version}"

    @property
    def version_tuple(self) -> tuple[int, int]:
        return int(self.version[0]), int(self.version[1:])

    @property
    def build_config(self) -> str:
        """Names the persistent build folder: one per target."""
        return f"{self.python_tag}-{self.abi}-{self.platform}"

    @property
    def arch(self) -> str:
        for prefix in ("linux_", "win_", "win32"):
            if self.platform.startswith(prefix):
                return self.platform[len(prefix):] or "x86"
        m = re.match(r"(?:many|musl)linux_\d+_\d+_(.+)$|macosx_\d+_\d+_(.+)$", self.platform)
        if m:
            return m.group(1) or m.group(2)
        return self.platform

    @property
    def arch_row(self) -> archs.Arch | None:
        """The architecture a Linux wheel is tagged for (None off Linux or for an unknown one)."""
        if self.os != "linux":
            return None
        try:
            return archs.for_platform(self.platform)
        except ValueError:
            return None

    @property
    def elf_machine(self) -> str | None:
        """The ELF machine every binary in the wheel must have, or None off Linux."""
        row = self.arch_row
        return row.elf_name if row else None

    @property
    def interpreter_id(self) -> str:
        return {"cp": "Python", "pp": "PyPy"}.get(self.implementation, "Python")

    def tags(self, wheel: WheelConfig) -> Tags:
        """The wheel's tags: the target's, then abi3 and the explicit overrides of [wheel]."""
        if wheel.pure_python:
            python, abi, plat = ["py3"], ["none"], ["any"]
        else:
            python, abi, plat = [self.python_tag], [self.abi], [self.platform]
            if wheel.python_abi == "none":
                abi = ["none"]
            elif wheel.python_abi == "abi3" and self.uses_abi3(wheel):
                python, abi = [f"cp{wheel.abi3_minimum_cpython_version}"], ["abi3"]
        python = [python[0] if t == "auto" else t for t in wheel.python_tag] or python
        if wheel.abi_tag:
            abi = list(wheel.abi_tag)
        if wheel.platform_tag:
            plat = [self._guess_platform() if t == "guess" else t for t in wheel.platform_tag]
        for kind, values in (("python_tag", python), ("abi_tag", abi), ("platform_tag", plat)):
            for v in values:
                if not _TAG.match(v):
                    raise ConfigError(f"wheel.{kind}: {v!r} is not a valid tag (lowercase letters, "
                                      "digits, '_' and '.')")
        for v in wheel.platform_tag or []:
            if archs.is_linux_platform(v):
                try:
                    archs.for_platform(v)
                except ValueError as e:
                    raise ConfigError(f"wheel.platform_tag: {e}") from None
        return Tags(python, abi, plat, wheel.build_tag)

    def uses_abi3(self, wheel: WheelConfig) -> bool:
        if wheel.python_abi != "abi3" or self.implementation != "cp" or self.free_threaded:
            return False
        major, minor = self.version_tuple
        wanted = wheel.abi3_minimum_cpython_version
        # 32 means 3.2 and 312 means 3.12.
        least = divmod(wanted, 100) if wanted >= 100 else divmod(wanted, 10)
        return (major, minor) >= least

    def _guess_platform(self) -> str:
        if self.cross:
            raise ConfigError("wheel.platform_tag: 'guess' is not supported when cross-compiling; "
                              "set cross.arch (or wheel.platform_tag) to the target's tag")
        from packaging import tags

        # The most specific tag this machine runs: packaging >= 26.4 lists plain linux_<arch>
        # first, older versions the newest manylinux tag.
        platforms = list(tags.platform_tags())
        return next((p for p in platforms if p.startswith(("manylinux_", "musllinux_"))),
                    platforms[0])


def native() -> Target:
    """The running interpreter, which is also the target of a native build."""
    v = sysconfig.get_config_vars()
    impl = {"cpython": "cp", "pypy": "pp"}.get(sys.implementation.name, sys.implementation.name)
    version = f"{sys.version_info[0]}{sys.version_info[1]}"
    free = bool(v.get("Py_GIL_DISABLED"))
    soabi = v.get("SOABI")
    if impl == "pp" and soabi:
        abi = "_".join(soabi.split("-")[:2])
    else:
        abi = f"{impl}{version}{'t' if free else ''}{'d' if v.get('Py_DEBUG') else ''}"
    platform = re.sub(r"[-.]", "_", sysconfig.get_platform()).lower()
    include = sysconfig.get_paths().get("include")
    t = Target(
        cross=False, os=host_os(), implementation=impl, version=version, abi=abi,
        platform=platform, soabi=soabi, ext_suffix=v.get("EXT_SUFFIX") or ".so",
        include_dir=Path(include) if include else None, prefix=Path(sys.base_prefix),
        executable=Path(sys.executable), free_threaded=free)
    return apply_environment(t, os.environ)


def apply_environment(t: Target, env: Mapping[str, str]) -> Target:
    """The variables cibuildwheel and other tools use to retarget a build on the same OS."""
    host = env.get("_PYTHON_HOST_PLATFORM")
    if host:
        t = replace(t, platform=re.sub(r"[-.]", "_", host).lower())
    flags = env.get("ARCHFLAGS", "")
    if t.os == "mac" and flags:
        archs = sorted(set(re.findall(r"-arch\s+(\S+)", flags)))
        if archs:
            arch = "universal2" if archs == ["arm64", "x86_64"] else archs[-1]
            m = re.match(r"macosx_(\d+)_(\d+)_", t.platform)
            major, minor = (int(m.group(1)), int(m.group(2))) if m else (11, 0)
            if arch in ("arm64", "universal2") and major < 11:
                major, minor = 11, 0  # the first macOS that runs on arm64
            t = replace(t, platform=f"macosx_{major}_{minor}_{arch}",
                        osx_architectures=";".join(archs))
    extra = env.get("DIST_EXTRA_CONFIG")
    if t.os == "windows" and extra:
        import configparser

        parser = configparser.ConfigParser()
        parser.read(extra, encoding="utf-8")
        plat = parser.get("build_ext", "plat_name", fallback=None)
        if plat:
            platform = plat.replace("-", "_").lower()
            t = replace(t, platform=platform, generator_platform={
                "win_arm64": "ARM64", "win_amd64": "x64", "win32": "Win32"}.get(platform))
        lib_dirs = parser.get("build_ext", "library_dirs", fallback="")
        for d in (x for x in re.split(r"[;,]", lib_dirs) if x.strip()):
            lib = Path(d.strip()) / f"python{t.version}.lib"
            t = replace(t, library=lib, sabi_library=Path(d.strip()) / "python3.lib")
    return t


def ext_suffix_for(os_name: str, soabi: str | None, python_tag: str, platform: str) -> str:
    if os_name == "windows":
        return f".{python_tag}-{platform}.pyd"
    return f".{soabi}.so" if soabi else ".so"


def read_sysconfigdata(sysroot: Path) -> dict[str, object]:
    """The target Python's build facts, parsed (never executed) from its _sysconfigdata file."""
    candidates = sorted(sysroot.glob("usr/lib/python3*/_sysconfigdata_*.py"))
    candidates += sorted(sysroot.glob("usr/local/lib/python3*/_sysconfigdata_*.py"))
    if not candidates:
        details = sorted(sysroot.glob("usr/lib/python3*/build-details.json"))
        if details:
            try:
                data = json.loads(details[0].read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                return _from_build_details(data)
            except (OSError, ValueError, RecursionError, AttributeError, TypeError) as e:
                raise ConfigError(f"cross.sysroot: cannot read {details[0]}: {_why(e)}; expected "
                                  "a PEP 739 build-details.json (a JSON object)") from None
        raise ConfigError(f"cross.sysroot: no Python found in {sysroot} (looked for "
                          "usr/lib/python3*/_sysconfigdata_*.py and build-details.json)")
    try:
        tree = ast.parse(candidates[0].read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "build_time_vars" for t in node.targets):
                return dict(ast.literal_eval(node.value))
    except (OSError, ValueError, SyntaxError, RecursionError, TypeError, MemoryError) as e:
        raise ConfigError(f"cross.sysroot: cannot read {candidates[0]}: {_why(e)}; expected a "
                          "Python file assigning build_time_vars = {...}") from None
    raise ConfigError(f"{candidates[0]}: no build_time_vars found")


def _why(e: BaseException) -> str:
    if isinstance(e, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(e, OSError):
        return e.strerror or str(e)
    if isinstance(e, RecursionError):
        return "nested too deeply"
    return f"{type(e).__name__}: {e}"


def _from_build_details(d: dict) -> dict[str, object]:  # PEP 739
    lang = d.get("language", {})
    abi = d.get("abi", {})
    suffix = abi.get("extension_suffix", "")
    return {
        "VERSION": lang.get("version", ""),
        "EXT_SUFFIX": suffix,
        "SOABI": suffix.split(".")[1] if suffix.count(".") >= 2 else None,
        "ABIFLAGS": abi.get("flags", ""),
        "INCLUDEPY": d.get("c_api", {}).get("headers"),
        "MULTIARCH": d.get("platform", "").replace("linux-", "") or None,
    }


def platform_from_triple(triple: str) -> str:
    parts = triple.split("-")
    row = archs.for_triple(triple)
    if row is not None:
        return f"linux_{row.wheel}"
    if "mingw32" in parts or "windows" in parts:
        platform = {"x86_64": "win_amd64", "aarch64": "win_arm64", "i686": "win32"}.get(parts[0])
        if platform:
            return platform
    raise ConfigError(f"cross.triple: cannot tell the wheel platform of {triple!r}; set cross.arch")


def for_config(cfg: Config) -> Target:
    """The target a configuration asks for: native, or described by its cross section."""
    t = native()
    if cfg.cross is None:
        return t
    try:
        return cross_target(cfg.cross, t)
    except ConfigError as e:
        raise in_cross_file(cfg, e) from None


def in_cross_file(cfg: Config, e: ConfigError) -> ConfigError:
    """"cross.arch: ..." -> "<the cross file that set cross.arch>: cross.arch: ..."."""
    where = cfg.provenance.get(str(e).split(":", 1)[0])
    return ConfigError(f"{where[-1]}: {e}") if where else e


def cross_target(c: CrossConfig, build: Target) -> Target:
    facts: dict[str, object] = {}
    sysroot = c.sysroot
    if c.python is not None and sysroot is None:
        # <sysroot>/usr/bin/python3.x -> <sysroot>
        sysroot = c.python.parent.parent.parent if c.python.parent.name == "bin" else None
    if sysroot is not None:
        if not sysroot.is_dir():
            raise ConfigError(f"cross.sysroot: folder {sysroot} does not exist")
        facts = read_sysconfigdata(sysroot)

    def root(p: object) -> Path | None:
        return Path(f"{sysroot}{p}") if p and sysroot else None

    version = c.version
    if version is None and facts.get("VERSION"):
        version = str(facts["VERSION"]).replace(".", "")
    implementation = c.implementation or ("cp" if facts else None)
    soabi = c.soabi or (str(facts["SOABI"]) if facts.get("SOABI") else None)
    multiarch = facts.get("MULTIARCH")
    arch = c.arch or (platform_from_triple(str(multiarch)) if multiarch else None) or (
        platform_from_triple(c.triple) if c.triple else None)
    os_name = c.os
    if os_name is None:  # from the platform tag: win32, win_amd64, macosx_*, (many|musl)linux_*
        a = arch or ""
        os_name = ("windows" if a.startswith("win") else "mac" if a.startswith("macosx") else
                   "linux" if "linux" in a else host_os())
    abi = c.abi
    if abi is None and facts:
        abi = f"cp{version}{facts.get('ABIFLAGS') or ''}"
    if abi is None and implementation and version:
        # PyPy's ABI tag names its own ABI version too; every PyPy 7.3 release uses pp73.
        abi = f"pypy{version}_pp73" if implementation == "pp" else f"{implementation}{version}"
    library = c.library
    if library is None and facts.get("LDLIBRARY") and facts.get("LIBDIR"):
        library = root(f"{facts['LIBDIR']}/{facts['LDLIBRARY']}")
    if implementation and version:
        python = (implementation, version)
    else:
        python = (build.implementation, build.version)
    for key, value in (("version", version), ("arch", arch), ("abi", abi)):
        if value is not None and not _TAG.match(value):
            raise ConfigError(f"cross.{key}: {value!r} is not a valid tag part")
    if version is not None and not re.fullmatch(r"\d\d+", version):
        raise ConfigError(f"cross.version: expected major and minor digits without a dot, like "
                          f"'311', found {version!r}")
    platform = arch or build.platform
    row = _check_linux_target(c, os_name, platform, sysroot, multiarch)
    sysroot_version = str(facts.get("VERSION") or "").replace(".", "")
    if c.version and sysroot_version and c.version != sysroot_version:
        raise ConfigError(f"cross.version: {c.version!r}, but cross.sysroot {sysroot} holds "
                          f"Python {facts['VERSION']}")
    include_dir = c.include_dir or root(facts.get("INCLUDEPY"))
    if sysroot is not None and include_dir is not None and not (include_dir / "Python.h").is_file():
        dotted = str(facts.get("VERSION") or f"{python[1][0]}.{python[1][1:]}")
        package = row.dev_package(dotted) if row else f"libpython{dotted}-dev"
        key = "include_dir" if c.include_dir else "sysroot"
        raise ConfigError(f"cross.{key}: no Python.h for Python {dotted} in {include_dir} "
                          f"(on Debian, unpack {package} into the sysroot)")
    if soabi is None and row is not None and python[0] == "cp":
        # What the target's own sysconfig would say: cpython-<version><abiflags>-<multiarch>.
        tag = f"cp{python[1]}"
        flags = (abi or "")[len(tag):] if (abi or "").startswith(tag) else ""
        soabi = f"cpython-{python[1]}{flags}-{row.multiarch}"
    return replace(
        build,
        cross=True, os=os_name, implementation=python[0], version=python[1],
        abi=abi or build.abi, platform=platform, soabi=soabi,
        ext_suffix=str(facts.get("EXT_SUFFIX") or "") or ext_suffix_for(
            os_name, soabi, f"{python[0]}{python[1]}", platform),
        include_dir=include_dir,
        library=library, sabi_library=c.sabi_library, prefix=c.prefix, executable=None,
        toolchain_file=c.toolchain_file, triple=c.triple, sysroot=sysroot,
        generator_platform=c.generator_platform, free_threaded=False)


def _check_linux_target(c: CrossConfig, os_name: str, platform: str, sysroot: Path | None,
                        multiarch: object) -> archs.Arch | None:
    """The target's architecture row; the platform tag, triple and sysroot must all agree on it."""
    if os_name != "linux":
        return None
    try:
        row = archs.for_platform(platform)
    except ValueError as e:
        raise ConfigError(f"cross.arch: {e}") from None
    triple_row = archs.for_triple(c.triple) if c.triple else None
    if multiarch and sysroot is not None:
        if c.triple and triple_row is not None and triple_row.multiarch != multiarch:
            raise ConfigError(f"cross.triple: {c.triple!r} compiles for {triple_row.wheel}, but "
                              f"cross.sysroot {sysroot} holds a Python for {multiarch}")
        if row.multiarch != multiarch:
            raise ConfigError(f"cross.arch: {platform!r} is {row.wheel}, but cross.sysroot "
                              f"{sysroot} holds a Python for {multiarch}")
    if c.triple and triple_row is not None and triple_row.multiarch != row.multiarch:
        raise ConfigError(f"cross.triple: {c.triple!r} compiles for {triple_row.wheel}, but the "
                          f"wheel is tagged {platform}")
    return row


def emulator_for(target: Target) -> list[str] | None:
    """A command that runs the target's binaries here (qemu user mode), if one is installed."""
    import shutil

    row = target.arch_row
    qemu_arch = row.qemu if row else None
    if qemu_arch is None:
        return None
    for name in (f"qemu-{qemu_arch}-static", f"qemu-{qemu_arch}"):
        exe = shutil.which(name)
        if exe:
            return [exe, "-L", str(target.sysroot)] if target.sysroot else [exe]
    return None

