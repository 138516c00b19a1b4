"""The manylinux decision on hand-made facts and hand-made policy data: no compiler, no auditwheel."""

from __future__ import annotations

import pytest

from crosswheel.elfdeps import Dynamic
from crosswheel.errors import BuildError
from crosswheel.manylinux import Facts, Policy, check, claims, most_compatible, parse_policies


def glibc_binary(arcname: str = "pkg/_core.so", needed: tuple[str, ...] = ("libc.so.6",),
                 versions: tuple[tuple[str, str, tuple[str, ...]], ...] = (),
                 undefined: frozenset[str] = frozenset(), soname: str | None = None,
                 interpreter: str | None = None) -> Facts:
    return Facts(arcname, Dynamic(interpreter, soname, needed, versions, undefined))


def policy(name: str, priority: int, glibc: list[str], libs: tuple[str, ...] = ("libc.so.6",),
           aliases: tuple[str, ...] = (), libc: str = "glibc",
           blacklist: dict[str, frozenset[str]] | None = None) -> Policy:
    return Policy(name, aliases, priority, libc,
                  {"GLIBC": frozenset(glibc), "GLIBCXX": frozenset(["3.4", "3.4.19"])},
                  frozenset(libs), blacklist or {})


P2_17 = policy("manylinux_2_17", 80, ["2.2.5", "2.14", "2.17"], aliases=("manylinux2014",))
P2_28 = policy("manylinux_2_28", 64, ["2.2.5", "2.14", "2.17", "2.25", "2.28"],
               libs=("libc.so.6", "libm.so.6"))


def test_a_binary_within_the_policy_has_no_issues():
    f = glibc_binary(versions=(("libc.so.6", "GLIBC_2.14", ("memcpy",)),
                               ("libc.so.6", "GLIBC_2.2.5", ("free", "malloc"))))
    assert check([f], P2_17) == []


def test_a_newer_symbol_version_is_named_with_its_symbol_and_the_limit():
    f = glibc_binary(versions=(("libc.so.6", "GLIBC_2.25", ("getrandom",)),
                               ("libc.so.6", "GLIBC_2.2.5", ("free",))))
    [issue] = check([f], P2_17)
    assert (issue.arcname, issue.rule) == ("pkg/_core.so", "symbol-version")
    assert issue.detail == "needs GLIBC_2.25 (getrandom), manylinux_2_17 allows up to GLIBC_2.17"
    assert check([f], P2_28) == []


def test_the_limit_compares_versions_as_numbers_not_text():
    # "2.9" < "2.17" as versions, though not as strings; the limit shown is 2.17.
    p = policy("manylinux_x", 1, ["2.9", "2.17"])
    [issue] = check([glibc_binary(versions=(("libc.so.6", "GLIBC_2.18", ("f",)),))], p)
    assert issue.detail.endswith("allows up to GLIBC_2.17")


def test_glibcxx_is_checked_and_an_unknown_prefix_or_the_loader_is_not():
    f = glibc_binary(versions=(("libstdc++.so.6", "GLIBCXX_3.4.30", ("_ZSt4cout",)),
                               ("libfoo.so.1", "FOO_1.0", ("foo",)),
                               ("ld-linux-x86-64.so.2", "GLIBC_2.99", ("_dl_x",))))
    [issue] = check([f], P2_17)
    assert issue.rule == "symbol-version"
    assert "GLIBCXX_3.4.30 (_ZSt4cout)" in issue.detail


def test_a_library_outside_the_list_is_refused_unless_the_wheel_carries_it():
    f = glibc_binary(needed=("libhelper.so", "libc.so.6", "ld-linux-aarch64.so.1"))
    [issue] = check([f], P2_17)
    assert (issue.rule, issue.arcname) == ("library", "pkg/_core.so")
    assert issue.detail.startswith("needs libhelper.so, which is not among the system libraries "
                                   "manylinux_2_17 allows")
    by_name = glibc_binary("pkg/libhelper.so")
    by_soname = glibc_binary("pkg/libhelper.so.1.2.3", soname="libhelper.so")
    assert check([f, by_name], P2_17) == []
    assert check([f, by_soname], P2_17) == []


def test_musl_binaries_never_get_a_manylinux_level_and_glibc_ones_no_musllinux_level():
    musl = glibc_binary(needed=("libc.musl-x86_64.so.1",))
    issues = check([musl], P2_28)
    assert [i.rule for i in issues] == ["libc", "library"]
    assert "links musl" in issues[0].detail
    musl_exe = glibc_binary(needed=(), interpreter="/lib/ld-musl-aarch64.so.1")
    assert [i.rule for i in check([musl_exe], P2_28)] == ["libc"]
    ml = policy("musllinux_1_2", 90, [], libs=("libc.musl-x86_64.so.1",), libc="musl")
    assert check([musl], ml) == []
    assert [i.rule for i in check([glibc_binary()], ml)] == ["libc", "library"]


def test_blacklisted_symbols_are_refused_only_when_really_used():
    p = policy("manylinux_2_17", 80, ["2.17"], libs=("libc.so.6", "libz.so.1"),
               blacklist={"libz.so.1": frozenset(["_dist_code", "_tr_flush_block"])})
    uses = glibc_binary(needed=("libz.so.1", "libc.so.6"), undefined=frozenset(["_dist_code"]))
    [issue] = check([uses], p)
    assert issue.rule == "blacklisted-symbol" and "_dist_code from libz.so.1" in issue.detail
    # Weak references are optional (the reader leaves them out of `undefined`).
    assert check([glibc_binary(needed=("libz.so.1",))], p) == []


def test_a_binary_in_purelib_is_refused():
    f = glibc_binary("pkg-1.0.data/purelib/pkg/_core.so")
    assert [i.rule for i in check([f], P2_28)] == ["purelib"]


def test_most_compatible_is_the_oldest_level_that_fits():
    old = glibc_binary(versions=(("libc.so.6", "GLIBC_2.17", ("clock_gettime",)),))
    new = glibc_binary(versions=(("libc.so.6", "GLIBC_2.25", ("getrandom",)),))
    assert most_compatible([old], [P2_28, P2_17]) == (P2_17, [])
    assert most_compatible([new], [P2_17, P2_28]) == (P2_28, [])
    assert most_compatible([], [P2_28, P2_17]) == (P2_17, [])


def test_when_nothing_fits_the_newest_levels_issues_say_why():
    f = glibc_binary(needed=("libhelper.so", "libc.so.6"),
                     versions=(("libc.so.6", "GLIBC_2.34", ("pthread_create",)),))
    chosen, issues = most_compatible([f], [P2_17, P2_28])
    assert chosen is None
    assert {i.rule for i in issues} == {"library", "symbol-version"}
    assert all("manylinux_2_28" in i.detail for i in issues)


def _data(*levels: tuple[str, int, dict[str, list[str]], list[str]]) -> list[dict]:
    out: list[dict] = [{"name": "linux", "aliases": [], "priority": 0, "symbol_versions": {},
                        "lib_whitelist": [], "blacklist": {}}]
    for name, prio, glibc_by_arch, libs in levels:
        out.append({"name": name, "aliases": [], "priority": prio,
                    "symbol_versions": {a: {"GLIBC": v} for a, v in glibc_by_arch.items()},
                    "lib_whitelist": libs, "blacklist": {}})
    return out


def test_policy_data_is_read_for_one_arch_oldest_first():
    data = _data(("manylinux_2_28", 64, {"aarch64": ["2.17", "2.28"]}, ["libc.so.6", "libm.so.6"]),
                 ("manylinux_2_5", 100, {"x86_64": ["2.5"]}, ["libc.so.6"]),
                 ("manylinux_2_17", 80, {"aarch64": ["2.17"], "x86_64": ["2.5", "2.17"]},
                  ["libc.so.6"]))
    got = parse_policies(data, "glibc", "aarch64", "policy.json")
    assert [p.name for p in got] == ["manylinux_2_17", "manylinux_2_28"]
    assert got[1].symbol_versions["GLIBC"] == {"2.17", "2.28"}
    assert got[1].whitelist == {"libc.so.6", "libm.so.6"}


def test_musl_policy_data_names_the_architectures_libc():
    data = _data(("musllinux_1_2", 90, {"x86_64": [], "armv7l": []}, ["libc.so", "libz.so.1"]))
    assert parse_policies(data, "musl", "x86_64", "p")[0].whitelist == {
        "libc.musl-x86_64.so.1", "libz.so.1"}
    assert "libc.musl-armv7.so.1" in parse_policies(data, "musl", "armv7l", "p")[0].whitelist


@pytest.mark.parametrize("bad", [
    _data(("manylinux_2_17", 80, {"x86_64": ["2.5", "2.17"]}, ["libc.so.6"]),
          ("manylinux_2_28", 64, {"x86_64": ["2.28"]}, ["libc.so.6"])),
    _data(("manylinux_2_17", 80, {"x86_64": ["2.17"]}, ["libc.so.6", "libm.so.6"]),
          ("manylinux_2_28", 64, {"x86_64": ["2.17", "2.28"]}, ["libc.so.6"])),
], ids=["fewer-versions", "fewer-libraries"])
def test_policy_data_where_a_newer_level_allows_less_is_refused(bad):
    with pytest.raises(BuildError, match=r"^policy.json: manylinux_2_28 allows fewer"):
        parse_policies(bad, "glibc", "x86_64", "policy.json")


def test_policy_data_in_another_shape_is_one_clear_error():
    with pytest.raises(BuildError, match=r"^policy.json: not in the shape"):
        parse_policies([{"name": "manylinux_2_17"}], "glibc", "x86_64", "policy.json")


def test_claims_are_read_from_platform_tags():
    assert claims(["linux_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
                   "musllinux_1_2_aarch64", "manylinux_2_28_armv7l"]) == [
        ("manylinux_2_17", "x86_64"), ("manylinux2014", "x86_64"), ("musllinux_1_2", "aarch64"),
        ("manylinux_2_28", "armv7l")]


def test_an_x86_64_binary_needing_more_than_the_baseline_fits_no_level():
    v3 = Facts("pkg/_core.so", Dynamic(None, None, ("libc.so.6",), (), frozenset(),
                                       x86_isa_needed=0b111))
    x86 = Policy("manylinux_2_28", (), 64, "glibc", {}, frozenset(["libc.so.6"]), {}, "x86_64")
    [issue] = check([v3], x86)
    assert issue.rule == "isa" and "x86-64-v3" in issue.detail
    baseline = Facts("pkg/_core.so", Dynamic(None, None, ("libc.so.6",), (), frozenset(),
                                             x86_isa_needed=0b1))
    assert check([baseline], x86) == []


def test_a_file_that_only_starts_like_elf_is_unreadable_not_a_traceback(tmp_path):
    from crosswheel import elfdeps

    bad = tmp_path / "_core.so"
    bad.write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"garbage")
    assert elfdeps.is_elf(bad)
    with pytest.raises(elfdeps.Unreadable):
        elfdeps.read(bad)


def test_a_refusal_shows_twenty_issues_counts_the_rest_and_keeps_them_all():
    from crosswheel.manylinux import Issue, Refused

    issues = [Issue(f"pkg/_m{i}.so", "library", f"needs libx{i}.so") for i in range(25)]
    e = Refused("wheel.manylinux = 'manylinux_2_17'", issues)
    assert isinstance(e, BuildError) and e.issues == issues
    lines = str(e).splitlines()
    assert lines[0].startswith("wheel.manylinux = 'manylinux_2_17', but the wheel's binaries")
    assert lines[1:21] == [f"  pkg/_m{i}.so needs libx{i}.so" for i in range(20)]
    assert lines[21:] == ["  ... and 5 more"]
