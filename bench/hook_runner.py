"""Call one PEP 517 hook of one backend, in this (fresh) interpreter, and report timings as JSON.

Run by bench/run.py with a benchmark venv's python, in the project folder:

    python hook_runner.py BACKEND HOOK OUT_DIR RESULT_JSON [--zip-spans] [--profile FILE]

This is the part of a frontend that matters here (pyproject_hooks' in-process script does the
same: import the backend, call the hook) without the frontend itself. --zip-spans records, for
every zipfile.ZipFile opened for writing, when it was opened and closed (the peers write wheels
with zipfile), and likewise every crosswheel.zipwriter.ZipWriter (crosswheel's own writer); it
imports these early, so it is only used for the large-wheel case.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402


def _patch_zipfile(spans: list[dict]) -> None:
    import zipfile

    init, close = zipfile.ZipFile.__init__, zipfile.ZipFile.close

    def patched_init(self, file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        init(self, file, mode, *args, **kwargs)
        if mode in ("w", "x"):
            self._bench_span = {"file": os.fspath(file) if isinstance(file, (str, os.PathLike))
                                else repr(file), "start": time.perf_counter()}

    def patched_close(self):  # type: ignore[no-untyped-def]
        span = self.__dict__.pop("_bench_span", None)
        close(self)
        if span is not None:
            span["end"] = time.perf_counter()
            spans.append(span)

    zipfile.ZipFile.__init__ = patched_init  # type: ignore[method-assign]
    zipfile.ZipFile.close = patched_close  # type: ignore[method-assign]

    try:
        from crosswheel import zipwriter
    except ImportError:  # another backend's venv
        return
    w_init, w_exit = zipwriter.ZipWriter.__init__, zipwriter.ZipWriter.__exit__

    def writer_init(self, f, *args, **kwargs):  # type: ignore[no-untyped-def]
        w_init(self, f, *args, **kwargs)
        self._bench_span = {"file": getattr(f, "name", repr(f)), "start": time.perf_counter()}

    def writer_exit(self, *exc):  # type: ignore[no-untyped-def]
        span = self.__dict__.pop("_bench_span", None)
        w_exit(self, *exc)
        if span is not None:
            span["end"] = time.perf_counter()
            spans.append(span)

    zipwriter.ZipWriter.__init__ = writer_init  # type: ignore[method-assign]
    zipwriter.ZipWriter.__exit__ = writer_exit  # type: ignore[method-assign]


def main() -> None:
    backend_name, hook, out_dir, result_path, *flags = sys.argv[1:]
    spans: list[dict] = []
    if "--zip-spans" in flags:
        _patch_zipfile(spans)
    profile_to = flags[flags.index("--profile") + 1] if "--profile" in flags else None
    t_import = time.perf_counter()
    backend = importlib.import_module(backend_name)
    t_hook = time.perf_counter()
    fn = getattr(backend, hook)
    if profile_to:
        import cProfile

        prof = cProfile.Profile()
        result = prof.runcall(fn, out_dir, {})
        t_end = time.perf_counter()
        prof.dump_stats(profile_to)
    else:
        result = fn(out_dir, {})
        t_end = time.perf_counter()
    self_ru = resource.getrusage(resource.RUSAGE_SELF)
    child_ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(result_path, "w") as f:
        json.dump({
            "result": result,
            "start": T0,
            "import_s": t_hook - t_import,
            "hook_s": t_end - t_hook,
            "end": t_end,
            "maxrss_self_kib": self_ru.ru_maxrss,
            "maxrss_children_kib": child_ru.ru_maxrss,
            "cpu_self_s": self_ru.ru_utime + self_ru.ru_stime,
            "zip_spans": spans,
        }, f)


if __name__ == "__main__":
    main()
