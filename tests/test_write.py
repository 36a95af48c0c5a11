"""The output folder: never a dangerous place, never half-written, whatever kills the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sdkforge.diagnostics import Diagnostics
from sdkforge.emit.render import Options, render
from sdkforge.model.build import build
from sdkforge.names.assign import assign
from sdkforge.output.manifest import known_formatting
from sdkforge.output.write import Later, stage
from sdkforge.read.load import load
from sdkforge.read.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"


def run(*args: str | Path, cwd: Path = ROOT,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdkforge.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd,
        timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


# ------------------------------------------------------------------ places never written over

def test_the_file_system_root_is_refused() -> None:
    refused(run("generate", SEED, "-o", "/"),
            "refusing to write into /: it is the root of the file system")


def test_the_home_folder_is_refused_even_with_force(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("keep\n")
    refused(run("generate", SEED, "-o", home, "--force", env={"HOME": str(home)}),
            "it is your home folder")
    assert snapshot(home) == {".bashrc": b"keep\n"}


@pytest.mark.parametrize("target", [".", "..", "../.."])
def test_the_current_folder_and_its_ancestors_are_refused_even_with_force(
    tmp_path: Path, target: str
) -> None:
    cwd = tmp_path / "a" / "b" / "work"
    cwd.mkdir(parents=True)
    (cwd / "notes.txt").write_text("mine\n")
    refused(run("generate", SEED, "-o", target, "--force", cwd=cwd),
            "it is the current folder or contains it")
    assert (cwd / "notes.txt").read_text() == "mine\n"


def test_a_git_repository_root_is_refused_even_with_force(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "main.py").write_text("print('mine')\n")
    refused(run("generate", SEED, "-o", repo, "--force"), "it is the root of a git repository")
    assert snapshot(repo) == {"main.py": b"print('mine')\n"}


@pytest.mark.parametrize("force", [False, True])
def test_the_folder_holding_the_spec_is_refused(tmp_path: Path, force: bool) -> None:
    folder = tmp_path / "api"
    folder.mkdir()
    spec = folder / "openapi.yaml"
    spec.write_text(SEED.read_text())
    refused(run("generate", spec, "-o", folder, *(["--force"] if force else [])),
            "it holds the spec itself")
    assert spec.read_text() == SEED.read_text()
    refused(run("generate", spec, "-o", tmp_path, "--force"), "it holds the spec itself")


def test_a_subfolder_of_the_repository_is_fine(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    result = run("generate", SEED, "-o", repo / "clients" / "mixpeek", "-q", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (repo / "clients" / "mixpeek" / "mixpeek" / "__init__.py").is_file()


# ------------------------------------------------------------------ killed mid-write

KILLER = """
import os, shutil, signal, sys
import sdkforge.output.outdir as outdir
import sdkforge.output.write as write
from sdkforge.cli import main

point, nth = sys.argv[1], int(sys.argv[2])
seen = [0]

def die(at):
    if at == point:
        seen[0] += 1
        if seen[0] >= nth:
            os.kill(os.getpid(), signal.SIGKILL)

real_open, real_replace, real_rmtree = open, os.replace, shutil.rmtree
real_exchange = outdir._exchange

def opening(file, mode="r", *args, **kwargs):
    if "w" in mode:
        die("staging")
    return real_open(file, mode, *args, **kwargs)

real_linked = write._linked

def linking(source, target):  # unchanged files are linked into the new tree, not written
    die("staging")
    return real_linked(source, target)

def exchanging(a, b):
    done = real_exchange(a, b) if point != "two-renames" else False
    die("exchanged")
    return done

def replacing(a, b):
    real_replace(a, b)
    die("two-renames")

def removing(path, *args, **kwargs):
    die("cleanup")
    real_rmtree(path, *args, **kwargs)

write.open = opening
write._linked = linking
outdir._exchange = exchanging
outdir.os = type("os", (), {"replace": staticmethod(replacing), "fsencode": os.fsencode,
                            "path": os.path})
write.shutil = type("shutil", (), {"rmtree": staticmethod(removing), "copy2": shutil.copy2})
sys.exit(main(sys.argv[3:]))
"""


@pytest.mark.parametrize(("point", "nth", "keeps"), [
    ("staging", 1, "previous"),       # before the first file of the new tree
    ("staging", 12, "previous"),      # halfway through writing the new tree
    ("exchanged", 1, "new"),          # right after the atomic swap, before tidying up
    ("two-renames", 1, None),         # without RENAME_EXCHANGE: between moving the old tree
                                      # away and the new in
    ("cleanup", 1, "new"),            # while removing the previous tree
])
def test_a_run_killed_while_writing_leaves_whole_output_and_the_next_run_succeeds(
    tmp_path: Path, point: str, nth: int, keeps: str | None
) -> None:
    out = tmp_path / "client"
    assert run("generate", SEED, "-o", out, "-q").returncode == 0
    previous = snapshot(out)
    changed = tmp_path / "changed.yaml"
    changed.write_text(SEED.read_text().replace("title: Mixpeek API",
                                                "title: Mixpeek API\n  x-changed: true"))

    killed = subprocess.run([sys.executable, "-c", KILLER, point, str(nth),
                             "generate", str(changed), "-o", str(out), "-q"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    if keeps == "previous":
        assert snapshot(out) == previous
    elif keeps == "new":
        assert snapshot(out) != previous and (out / ".sdkforge-manifest.json").is_file()
    else:  # the old tree waits next to the output until the next run puts it back
        assert not out.exists()
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith("-previous")]
        assert run("check", SEED, "-o", out).returncode == 1

    again = run("generate", changed, "-o", out, "-q")
    assert again.returncode == 0, again.stderr
    assert run("check", changed, "-o", out).returncode == 0
    # No staging left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed.yaml", "client"]


def test_recovery_puts_the_previous_output_back_before_anything_else(tmp_path: Path) -> None:
    out = tmp_path / "client"
    assert run("generate", SEED, "-o", out, "-q").returncode == 0
    previous = snapshot(out)
    (out / "mixpeek" / "_mine.py").write_text("MINE = 1\n")  # a file of the user's, carried over
    # As a run killed mid-swap leaves it
    os.replace(out, tmp_path / ".client.sdkforge-abc123-previous")
    (tmp_path / ".client.sdkforge-abc123").mkdir()
    assert run("generate", SEED, "-o", out, "-q").returncode == 0
    assert snapshot(out) == {**previous, "mixpeek/_mine.py": b"MINE = 1\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client"]


# ------------------------------------------------------------------ unchanged files are linked

def test_unchanged_files_keep_their_inode_and_changed_ones_are_written(tmp_path: Path) -> None:
    out = tmp_path / "client"
    assert run("generate", SEED, "-o", out, "-q").returncode == 0
    inodes = {rel: (out / rel).stat().st_ino for rel in snapshot(out)}
    changed = tmp_path / "changed.yaml"
    changed.write_text(SEED.read_text().replace("title: Mixpeek API",
                                                "title: Mixpeek API\n  x-changed: true"))
    assert run("generate", changed, "-o", out, "-q").returncode == 0
    assert run("check", changed, "-o", out).returncode == 0
    now = snapshot(out)
    kept = [rel for rel in now if (out / rel).stat().st_ino == inodes.get(rel)]
    assert "mixpeek/_runtime/_base_client.py" in kept and ".sdkforge-manifest.json" not in kept
    assert all((out / rel).stat().st_nlink == 1 for rel in now)  # the previous tree is gone


def test_a_hand_edited_or_symlinked_file_is_written_afresh_under_force(tmp_path: Path) -> None:
    out = tmp_path / "client"
    assert run("generate", SEED, "-o", out, "-q").returncode == 0
    pristine = snapshot(out)
    edited, linked = out / "mixpeek" / "errors.py", out / "mixpeek" / "_runtime" / "_pagination.py"
    edited.write_text(edited.read_text() + "# mine\n")
    elsewhere = tmp_path / "pagination-copy.py"
    elsewhere.write_bytes(linked.read_bytes())  # the same text, behind a symlink of the user's
    linked.unlink()
    linked.symlink_to(elsewhere)
    assert run("generate", SEED, "-o", out, "-q", "--force").returncode == 0
    assert snapshot(out) == pristine
    assert not linked.is_symlink() and elsewhere.stat().st_nlink == 1


# ------------------------------------------------------------------ the last files

def test_the_last_files_are_asked_for_once_the_others_are_written(tmp_path: Path) -> None:
    out = tmp_path / "client"
    files = {"pkg/__init__.py": "", "pkg/models.py": "X = 1\n"}
    seen: list[list[str]] = []

    def texts() -> dict[str, str]:  # the surface's wait is spent writing the rest
        (staging,) = (p for p in tmp_path.iterdir() if p.name != "client")
        seen.append(sorted(p.relative_to(staging).as_posix()
                           for p in staging.rglob("*") if p.is_file()))
        return {".sdkforge-api.json": "{}\n", ".sdkforge-manifest.json": "{}\n"}

    later = Later(frozenset({".sdkforge-api.json", ".sdkforge-manifest.json"}), texts)
    stage(out, files, later=later).commit()
    assert seen == [sorted(files)]
    assert snapshot(out) == {".sdkforge-api.json": b"{}\n", ".sdkforge-manifest.json": b"{}\n",
                             "pkg/__init__.py": b"", "pkg/models.py": b"X = 1\n",
                             ".sdkforge-bases.zlib": (out / ".sdkforge-bases.zlib").read_bytes()}


def test_last_files_that_fail_leave_no_staged_tree_and_the_output_as_it_was(
    tmp_path: Path
) -> None:
    out = tmp_path / "client"
    assert run("generate", SEED, "-o", out, "-q").returncode == 0
    before = snapshot(out)

    def texts() -> dict[str, str]:
        raise RuntimeError("the surface could not be made")

    later = Later(frozenset({".sdkforge-api.json"}), texts)
    with pytest.raises(RuntimeError, match="could not be made"):
        stage(out, {"mixpeek/__init__.py": ""}, later=later)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client"]
    assert snapshot(out) == before


# ------------------------------------------------------------------ what a rerun reads back

def test_a_rerun_reuses_formatting_read_back_with_any_line_ending(tmp_path: Path) -> None:
    """`known_formatting` gives back a file's formatted text when its source and the file are
    as the manifest says, reading any line ending as a newline (as a checkout may rewrite
    them); a file changed since, or gone, gives nothing."""
    out = tmp_path / "client"
    assert run("generate", SEED, "-o", out, "-q").returncode == 0
    path = "mixpeek/_client.py"
    written = (out / path).read_text()
    rendered = next(text for p, text in render_seed().items() if p == path)
    known = known_formatting(out)
    assert known is not None and known(path, rendered) == written
    (out / path).write_bytes(written.replace("\n", "\r\n").encode())
    assert known(path, rendered) == written
    (out / path).write_text(written + "# mine\n")
    assert known(path, rendered) is None
    (out / path).unlink()
    assert known(path, rendered) is None
    assert known(path, rendered + "# another source\n") is None


def render_seed() -> dict[str, str]:
    api = build(resolve(load(SEED), Diagnostics()), Diagnostics())
    names = assign(api)
    return render(api, names, Options(package=names.package, client=names.client))
