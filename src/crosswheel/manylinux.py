"""The manylinux (PEP 600) or musllinux (PEP 656) platform tag, proven from the wheel's binaries.

The policy data is auditwheel's (its manylinux-policy.json and musllinux-policy.json, read at
build time, never its probing of the build machine): per level and architecture, the symbol
versions (GLIBC_, GLIBCXX_, CXXABI_, GCC_, ...) a binary may need and the system libraries it
may link. Levels are auditwheel's discrete ones, so the tag crosswheel writes is the tag
`auditwheel show` reports for the same wheel. libc and architecture come from the Target.

`check(facts, policy)` is the whole decision and is pure; `verify` is the build step around it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BuildError, ConfigError

if TYPE_CHECKING:
    from .config import Config
    from .elfdeps import Dynamic
    from .target import Tags, Target
    from .wheel import Entry

# What the backend asks for when a check is wanted: 6.4 is the first auditwheel that reads a
# foreign architecture's wheel correctly, so `auditwheel show` can confirm what we tag.
REQUIREMENT = "auditwheel>=6.4"
# The values wheel.manylinux accepts; config validation uses it too.
SETTING = re.compile(r"off|auto|manylinux_\d+_\d+|manylinux1|manylinux2010|manylinux2014|"
                     r"musllinux_\d+_\d+")
# A platform tag that claims a level: manylinux_2_17_x86_64, manylinux2014_aarch64, ...
_CLAIM = re.compile(r"(manylinux_\d+_\d+|manylinux1|manylinux2010|manylinux2014|"
                    r"musllinux_\d+_\d+)_(.+)")
_MAX_SHOWN = 20
# auditwheel's musllinux whitelist says "libc.so"; the loader is named per architecture.
_MUSL_LIBC = {"i686": "libc.musl-x86.so.1", "armv7l": "libc.musl-armv7.so.1"}


@dataclass(frozen=True)
class Issue:
    arcname: str
    rule: str  # libc | symbol-version | library | blacklisted-symbol | purelib | isa
    detail: str

    def __str__(self) -> str:
        return f"{self.arcname} {self.detail}"


@dataclass(frozen=True)
class Facts:
    """One ELF file of the wheel: its path in the wheel and what it needs to load."""

    arcname: str
    dynamic: Dynamic


@dataclass(frozen=True)
class Policy:
    name: str  # manylinux_2_17, musllinux_1_2
    aliases: tuple[str, ...]  # manylinux2014
    priority: int  # higher = older = more compatible
    libc: str  # glibc | musl
    symbol_versions: Mapping[str, frozenset[str]]  # for one architecture: GLIBC -> {"2.17", ...}
    whitelist: frozenset[str]
    blacklist: Mapping[str, frozenset[str]]
    arch: str = ""

    def tags(self, arch: str) -> list[str]:
        """The PEP 600 tag first, then the legacy alias, as auditwheel writes them."""
        return [f"{n}_{arch}" for n in (self.name, *self.aliases)]


def _vkey(version: str) -> tuple[Any, ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[._]", version))


def libc_of(binary: Dynamic) -> str | None:
    """glibc or musl, from the loader or the libc a binary links; None if it names neither."""
    names = [Path(binary.interpreter).name] if binary.interpreter else []
    names += binary.needed
    if any(n.startswith(("ld-musl-", "libc.musl-")) for n in names):
        return "musl"
    if any(n == "libc.so.6" or n.startswith(("ld-linux", "ld64.so.")) for n in names):
        return "glibc"
    return None


def check(facts: Sequence[Facts], policy: Policy) -> list[Issue]:
    """Everything in the wheel's binaries that the policy does not allow; [] if it fits."""
    issues = []
    # A library the wheel carries itself is not the system's business.
    provided = {f.arcname.rsplit("/", 1)[-1] for f in facts}
    provided |= {f.dynamic.soname for f in facts if f.dynamic.soname}
    for f in facts:
        d = f.dynamic
        if re.match(r"[^/]+\.data/purelib/", f.arcname):
            issues.append(Issue(f.arcname, "purelib", "is a binary in the purelib folder; "
                                "binaries belong in platlib"))
        isa = d.x86_isa_needed & ~1  # bit 0 is the baseline every x86_64 machine has
        if policy.arch == "x86_64" and isa:
            level = 4 if isa & 8 else 3 if isa & 4 else 2 if isa & 2 else 0
            name = f"x86-64-v{level}" if level else f"x86 ISA bits {isa:#x}"
            issues.append(Issue(f.arcname, "isa", f"needs {name} instructions (its GNU property "
                                "note says so); no manylinux level allows more than the "
                                "x86-64 baseline"))
        libc = libc_of(d)
        if libc is not None and libc != policy.libc:
            issues.append(Issue(f.arcname, "libc", f"links {libc}, but {policy.name} is a "
                                f"{policy.libc} platform"))
        for lib in d.needed:
            if (lib in policy.whitelist or lib in provided
                    or lib.startswith(("ld-linux", "ld64.so.", "ld-musl-"))):
                continue
            issues.append(Issue(f.arcname, "library", f"needs {lib}, which is not among the "
                                f"system libraries {policy.name} allows (ship it in the wheel "
                                "or link it statically)"))
        for lib, version, symbols in sorted(d.version_needs, key=lambda v: _vkey(v[1]),
                                            reverse=True):
            if lib.startswith(("ld-linux", "ld64.so.")):
                continue  # the loader's own versions follow libc's
            prefix, _, number = version.partition("_")
            allowed = policy.symbol_versions.get(prefix)
            if allowed is None or number in allowed:
                continue  # a prefix the policy does not govern, like auditwheel
            newest = max(allowed, key=_vkey, default=None)
            limit = f"allows up to {prefix}_{newest}" if newest else f"allows no {prefix}_"
            used = f" ({', '.join(symbols[:3])}{', ...' if len(symbols) > 3 else ''})" \
                if symbols else ""
            issues.append(Issue(f.arcname, "symbol-version",
                                f"needs {version}{used}, {policy.name} {limit}"))
        for lib in sorted(set(d.needed) & set(policy.blacklist)):
            bad = sorted(policy.blacklist[lib] & d.undefined)
            if bad:
                issues.append(Issue(f.arcname, "blacklisted-symbol",
                                    f"uses {', '.join(bad)} from {lib}, which {policy.name} "
                                    "forbids"))
    return issues


def most_compatible(facts: Sequence[Facts],
                    policies: Sequence[Policy]) -> tuple[Policy | None, list[Issue]]:
    """The oldest policy the binaries fit; else None and what the newest policy refuses."""
    issues: list[Issue] = []
    for policy in sorted(policies, key=lambda p: p.priority, reverse=True):
        issues = check(facts, policy)
        if not issues:
            return policy, []
    return None, issues


def _policy_file(libc: str) -> Path:
    from importlib import resources

    try:
        root = resources.files("auditwheel")
    except ModuleNotFoundError:
        raise BuildError(f"a manylinux check needs auditwheel's policy data, and auditwheel is "
                         f"not installed here: pip install '{REQUIREMENT}' (isolated builds get "
                         "it automatically)") from None
    path = Path(str(root / "policy" / f"{'manylinux' if libc == 'glibc' else 'musllinux'}"
                                      "-policy.json"))
    if not path.is_file():
        raise BuildError(f"{path}: auditwheel's policy data is missing; install "
                         f"'{REQUIREMENT}'")
    return path


def parse_policies(data: Any, libc: str, arch: str, source: str) -> list[Policy]:
    """The levels auditwheel defines for one architecture, oldest first, checked for order."""
    try:
        levels = sorted((p for p in data if p["name"] != "linux"), key=lambda p: -p["priority"])
        out = []
        for p in levels:
            by_arch = p["symbol_versions"].get(arch)
            if by_arch is None:
                continue
            whitelist = frozenset(
                (_MUSL_LIBC.get(arch, f"libc.musl-{arch}.so.1") if n == "libc.so" and
                 libc == "musl" else n) for n in p["lib_whitelist"])
            out.append(Policy(
                name=p["name"], aliases=tuple(p.get("aliases", ())), priority=p["priority"],
                libc=libc, symbol_versions={k: frozenset(v) for k, v in by_arch.items()},
                whitelist=whitelist,
                blacklist={k: frozenset(v) for k, v in p.get("blacklist", {}).items()},
                arch=arch))
    except (TypeError, KeyError, AttributeError) as e:
        raise BuildError(f"{source}: not in the shape crosswheel reads ({e!r})") from None
    # Choosing the oldest level that fits assumes each newer level allows all an older one does.
    for older, newer in zip(out, out[1:]):
        for prefix, versions in older.symbol_versions.items():
            if not versions <= newer.symbol_versions.get(prefix, frozenset()):
                raise BuildError(f"{source}: {newer.name} allows fewer {prefix} versions than "
                                 f"{older.name} for {arch}")
        if not older.whitelist <= newer.whitelist:
            raise BuildError(f"{source}: {newer.name} allows fewer libraries than {older.name}")
    return out


def load_policies(libc: str, arch: str) -> list[Policy]:
    path = _policy_file(libc)
    return parse_policies(json.loads(path.read_text(encoding="utf-8")), libc, arch, str(path))


def target_libc(t: Target) -> str:
    """The target's C library, from what describes the target (never the build machine)."""
    hints = [t.platform, t.triple or "", t.soabi or ""]
    return "musl" if any("musl" in h for h in hints) else "glibc"


def claims(platform_tags: Iterable[str]) -> list[tuple[str, str]]:
    """(level, arch) for each platform tag that names a manylinux or musllinux level."""
    return [(m.group(1), m.group(2)) for t in platform_tags if (m := _CLAIM.fullmatch(t))]


def requirements(cfg: Config) -> list[str]:
    """auditwheel (for its data) when this build will check a level; nothing otherwise."""
    tags = list(cfg.wheel.platform_tag or []) + ([cfg.cross.arch] if cfg.cross and
                                                  cfg.cross.arch else [])
    # 'guess' becomes this interpreter's manylinux tag, a claim like any other.
    if cfg.wheel.pure_python or (cfg.wheel.manylinux == "off" and not claims(tags)
                                 and "guess" not in tags):
        return []
    return [REQUIREMENT]


def _where(cfg: Config, key: str) -> str:
    found = cfg.provenance.get(key)
    return f"{found[-1]}: {key}" if found else key


def _by_name(policies: Sequence[Policy], level: str, key: str, arch: str) -> Policy:
    for p in policies:
        if level == p.name or level in p.aliases:
            return p
    known = ", ".join(n for p in policies for n in (p.name, *p.aliases))
    raise ConfigError(f"{key}: {level!r} is not a level auditwheel's policy data defines for "
                      f"{arch} (known: {known or 'none'}); a newer auditwheel may know it")


class Refused(BuildError):
    """The binaries do not fit a required level; `issues` holds every misfit, not just those shown."""

    def __init__(self, what: str, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        lines = [f"  {i}" for i in issues[:_MAX_SHOWN]]
        if len(issues) > _MAX_SHOWN:
            lines.append(f"  ... and {len(issues) - _MAX_SHOWN} more")
        super().__init__(f"{what}, but the wheel's binaries do not fit it (no wheel was "
                         "written):\n" + "\n".join(lines))


def declared(cfg: Config, target: Target, tags: Tags) -> Tags:
    """The tags a required level gives, known before building (prepare_metadata's WHEEL).

    "auto" cannot know its answer before the binaries exist: its prepared WHEEL file says
    linux_<arch> and the built wheel may say more.
    """
    setting = cfg.wheel.manylinux
    if cfg.wheel.pure_python or setting in ("off", "auto") or target.os != "linux":
        return tags
    family = "musl" if setting.startswith("musllinux") else "glibc"
    what = f"{_where(cfg, 'wheel.manylinux')} = {setting!r}"
    policy = _by_name(load_policies(family, target.arch), setting, what, target.arch)
    return replace(tags, platform=policy.tags(target.arch))


def verify(entries: Sequence[Entry], target: Target, cfg: Config, tags: Tags,
           log: Callable[[str], None]) -> Tags:
    """The wheel's tags once its binaries have been checked against the level asked for.

    wheel.manylinux = "auto" picks the oldest level that fits (or keeps linux_<arch> and says
    why); a level refuses the build listing every misfit; "off" checks only a level the
    platform tag already claims (cross.arch or wheel.platform_tag), which is never trusted.
    """
    setting = cfg.wheel.manylinux
    claimed = claims(tags.platform)
    if cfg.wheel.pure_python or (setting == "off" and not claimed):
        return tags
    key = _where(cfg, "wheel.manylinux")
    if target.os != "linux":
        raise ConfigError(f"{key}: manylinux and musllinux tags are for Linux, but the target is "
                          f"{target.platform}")
    from . import elfdeps

    facts = []
    for e in entries:
        if e.source is not None and elfdeps.is_elf(e.source):
            try:
                facts.append(Facts(e.arcname, elfdeps.read(e.source)))
            except elfdeps.Unreadable as err:
                raise BuildError(f"{e.arcname}: starts like an ELF file but cannot be read "
                                 f"as one ({err}), so its manylinux level is unknown") from None
    arch, libc = target.arch, target_libc(target)
    if setting == "auto":
        if not facts:
            log("wheel.manylinux: the wheel holds no ELF files; keeping its tag")
            return tags
        if libc == "musl":
            # auditwheel takes the musl version from the running machine; a cross target's
            # is unknown here, and any level would be a guess.
            log(f"wheel.manylinux = 'auto': keeping linux_{arch}: the target's musl version "
                "is unknown; ask for a level such as 'musllinux_1_2'")
            return replace(tags, platform=[f"linux_{arch}"])
        policy, issues = most_compatible(facts, load_policies(libc, arch))
        if policy is None:
            more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
            log(f"wheel.manylinux = 'auto': keeping linux_{arch}, no level fits: "
                f"{issues[0] if issues else 'no level is defined for ' + arch}{more}")
            return replace(tags, platform=[f"linux_{arch}"])
        log(f"wheel.manylinux = 'auto': {'.'.join(policy.tags(arch))}")
        return replace(tags, platform=policy.tags(arch))
    if setting != "off":
        policy = _required(facts, setting, arch, libc, f"{key} = {setting!r}", target)
        return replace(tags, platform=policy.tags(arch))
    # wheel.platform_tag, when set, replaces the tag cross.arch gives.
    source = _where(cfg, "wheel.platform_tag" if cfg.wheel.platform_tag else "cross.arch")
    for level, claimed_arch in claimed:
        _required(facts, level, claimed_arch, libc, f"{source} claims {level}_{claimed_arch}",
                  target)
    return tags


def _required(facts: Sequence[Facts], level: str, arch: str, libc: str, what: str,
              target: Target) -> Policy:
    """The policy of a level the user asked for, once the binaries are proven to fit it."""
    family = "musl" if level.startswith("musllinux") else "glibc"
    if family != libc:
        raise ConfigError(f"{what}: a {family} level, but the target {target.platform} uses "
                          f"{libc}")
    policy = _by_name(load_policies(family, arch), level, what, arch)
    issues = check(facts, policy)
    if issues:
        raise Refused(what, issues)
    return policy
