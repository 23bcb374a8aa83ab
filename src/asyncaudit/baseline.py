"""Baselines: line-independent finding fingerprints and the committed baseline file.

Stage: post-processing of an `AnalysisResult`; consumes only `asyncaudit.model`.

A baseline records the findings a project has accepted so far, so that a check can
fail on new findings only.  Each finding is identified by a fingerprint built from
what the finding *is* (where it is, in which function, which call, which rule, and
every chain down to its leaf blocking calls), never from line or column numbers, so
it survives unrelated edits and changes when the finding itself changes.

Every function here takes a `root`: the directory that finding paths are made
relative to, both inside fingerprints and in the baseline file.  The CLI passes the
directory of the configuration file, or the current directory when there is none;
with a fixed root a baseline can be committed and still matches in another checkout.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from asyncaudit.model import Finding

VERSION = 1
TOOL = "asyncaudit"
_SCHEME = "asyncaudit/fingerprint/v1"
_DIGEST_CHARS = 32

# `mod.f.<lambda@12:8>`: a lambda's qualname carries its position; drop it.
_LAMBDA_POS = re.compile(r"<lambda@\d+:\d+>")


class BaselineError(Exception):
    """A baseline file cannot be read, parsed or written; the message is one line naming the file."""


def _qualname(name: str) -> str:
    return _LAMBDA_POS.sub("<lambda>", name)


def _relpath(path: str, root: Path) -> str:
    """`path` (absolute, or relative to the working directory) relative to `root`, posix."""
    p = Path(path)
    if not p.is_absolute():
        p = Path.cwd() / p
    p = p.resolve(strict=False)
    base = Path(root)
    if not base.is_absolute():
        base = Path.cwd() / base
    base = base.resolve(strict=False)
    try:
        return p.relative_to(base).as_posix()
    except ValueError:
        pass
    try:
        return Path(os.path.relpath(p, base)).as_posix()
    except ValueError:  # another drive (Windows): no relative form exists
        return p.as_posix()


def _identity(finding: Finding, root: Path) -> list[object]:
    """Everything the fingerprint covers, in canonical form, except the occurrence."""
    chains = sorted(
        [c.category, c.sink, [[_qualname(h.function), h.callee] for h in c.hops]]
        for c in finding.chains
    )
    return [
        _SCHEME,
        _relpath(finding.location.path, root),
        _qualname(finding.function),
        finding.callee,
        finding.code,
        chains,
    ]


def _digest(identity: list[object], occurrence: int) -> str:
    payload = json.dumps([*identity, occurrence], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST_CHARS]  # any file name


def fingerprint(finding: Finding, root: Path, occurrence: int = 0) -> str:
    """A stable fingerprint of one finding, independent of line and column numbers.

    The fingerprint covers the finding's path relative to `root`, its enclosing
    function's qualified name, the boundary call as written, the rule code and, for
    every chain, its category, sink and the (function, call) pairs of its hops.  It
    does not change when code moves within a file or other code changes; it changes
    when the chain, the rule, the function or the file of the finding changes.

    Args:
        finding: The finding to identify.
        root: The directory paths are made relative to (the CLI passes the
            configuration file's directory, or the current directory).
        occurrence: Tells identical findings in one function apart: 0 for the first
            in source order, 1 for the second, ...  `fingerprints` computes it.

    Returns:
        A 32-character lowercase hex digest.
    """
    return _digest(_identity(finding, root), occurrence)


def fingerprints(findings: Sequence[Finding], root: Path) -> list[str]:
    """Fingerprints for a whole result, with occurrence indexes computed.

    Findings that would otherwise be identical (the same helper called twice in one
    function) are numbered in source order (line, then column) within their group.

    Args:
        findings: All findings of one analysis.
        root: The directory paths are made relative to.

    Returns:
        One fingerprint per finding, in the order of `findings`.
    """
    identities = [_identity(f, root) for f in findings]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, ident in enumerate(identities):
        groups[json.dumps(ident, ensure_ascii=False)].append(i)
    occurrence = [0] * len(findings)
    for members in groups.values():
        members.sort(key=lambda i: (findings[i].location.line, findings[i].location.column,
                                    findings[i].location.end_line, findings[i].location.end_column, i))
        for n, i in enumerate(members):
            occurrence[i] = n
    return [_digest(ident, occurrence[i]) for i, ident in enumerate(identities)]


def _entry(finding: Finding, fp: str, root: Path) -> dict[str, object]:
    return {
        "fingerprint": fp,
        "code": finding.code,
        "path": _relpath(finding.location.path, root),
        "line": finding.location.line,
        "function": finding.function,
        "callee": finding.callee,
        "message": str(finding.message),
    }


def _entry_key(e: dict[str, object]) -> tuple[object, ...]:
    line = e.get("line")
    return (str(e.get("path", "")), line if isinstance(line, int) else 0, str(e.get("code", "")),
            str(e.get("fingerprint", "")), json.dumps(e, sort_keys=True, ensure_ascii=False))


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted findings of a project, as loaded from or written to a baseline file.

    Attributes:
        entries: One dict per accepted finding, with at least a `fingerprint` key and
            usually `code`, `path`, `line`, `function`, `callee` and `message`.
        path: The file it was loaded from, if any.
    """

    entries: tuple[dict[str, object], ...]
    path: Path | None = None

    @classmethod
    def from_findings(cls, findings: Sequence[Finding], root: Path) -> Baseline:
        """A baseline accepting exactly `findings`.

        Args:
            findings: The findings to accept.
            root: The directory paths are made relative to.

        Returns:
            The baseline, entries sorted by path, line, code and fingerprint.
        """
        fps = fingerprints(findings, root)
        entries = sorted((_entry(f, fp, root) for f, fp in zip(findings, fps, strict=True)), key=_entry_key)
        return cls(tuple(entries))

    def __len__(self) -> int:
        return len(self.entries)

    def dumps(self) -> str:
        """The baseline file's text: deterministic JSON with sorted keys and a trailing newline."""
        doc = {"version": VERSION, "tool": TOOL, "findings": sorted(self.entries, key=_entry_key)}
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def _counts(self) -> Counter[str]:
        return Counter(str(e["fingerprint"]) for e in self.entries)

    def filter_new(self, findings: Sequence[Finding], root: Path) -> list[Finding]:
        """The findings not accepted by this baseline.

        Fingerprints are matched as a multiset: if the baseline holds a fingerprint
        twice and it now occurs three times, exactly one of them is new (the last).

        Args:
            findings: All findings of the current analysis (fingerprints depend on
                the whole set, so pass it unfiltered).
            root: The directory paths are made relative to.

        Returns:
            The new findings, in the order of `findings`.
        """
        budget = self._counts()
        new: list[Finding] = []
        for f, fp in zip(findings, fingerprints(findings, root), strict=True):
            if budget[fp] > 0:
                budget[fp] -= 1
            else:
                new.append(f)
        return new

    def fixed(self, findings: Sequence[Finding], root: Path) -> list[dict[str, object]]:
        """The baseline entries that no longer occur in `findings`.

        Args:
            findings: All findings of the current analysis.
            root: The directory paths are made relative to.

        Returns:
            The unmatched entries, in baseline order (the last ones of a repeated
            fingerprint when only some of its occurrences are gone).
        """
        current = Counter(fingerprints(findings, root))
        seen: Counter[str] = Counter()
        gone: list[dict[str, object]] = []
        for e in self.entries:
            fp = str(e["fingerprint"])
            seen[fp] += 1
            if seen[fp] > current[fp]:
                gone.append(e)
        return gone


def write_baseline(path: Path, findings: Sequence[Finding], root: Path) -> int:
    """Write a baseline file accepting `findings`.

    The file is written as UTF-8 with `\\n` line endings; writing the same
    findings twice gives byte-identical files.

    Args:
        path: The file to write (its folder must exist).
        findings: The findings to accept.
        root: The directory paths are made relative to.

    Returns:
        The number of entries written.

    Raises:
        BaselineError: The file cannot be written.
    """
    path = Path(path)
    baseline = Baseline.from_findings(findings, root)
    data = baseline.dumps().encode("utf-8")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from exc
    return len(baseline)


def _invalid(path: Path, why: str) -> BaselineError:
    return BaselineError(f"invalid baseline {path}: {why}")


def _check_entries(path: Path, raw: object) -> Iterable[dict[str, object]]:
    if not isinstance(raw, list):
        raise _invalid(path, '"findings" must be a list')
    for i, e in enumerate(raw):
        if not isinstance(e, dict):
            raise _invalid(path, f"entry {i} is not an object")
        fp = e.get("fingerprint")
        if not isinstance(fp, str) or not fp:
            raise _invalid(path, f'entry {i} has no "fingerprint" string')
        for key, kind in (("code", str), ("path", str), ("function", str), ("callee", str),
                          ("message", str), ("line", int)):
            if key in e and (not isinstance(e[key], kind) or isinstance(e[key], bool)):
                raise _invalid(path, f'entry {i}: "{key}" must be {"an integer" if kind is int else "a string"}')
        yield e


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file written by `write_baseline`.

    Args:
        path: The baseline file.

    Returns:
        The baseline.

    Raises:
        BaselineError: The file is missing or unreadable, is not UTF-8 JSON, is not
            an asyncaudit baseline, or has an unsupported version.  The message is
            one line and names the file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _invalid(path, f"not UTF-8 (byte {exc.start})") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _invalid(path, f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from exc
    except RecursionError as exc:
        raise _invalid(path, "not JSON (nested too deeply)") from exc
    if not isinstance(doc, dict):
        raise _invalid(path, "expected a JSON object")
    if doc.get("tool") != TOOL:
        raise _invalid(path, f'not an asyncaudit baseline ("tool" is {json.dumps(doc.get("tool"))[:60]})')
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        raise _invalid(path, f"unsupported version {json.dumps(version)[:60]} (expected {VERSION})")
    if "findings" not in doc:
        raise _invalid(path, 'missing "findings"')
    return Baseline(tuple(_check_entries(path, doc["findings"])), path)


__all__ = ["Baseline", "BaselineError", "fingerprint", "fingerprints", "load_baseline", "write_baseline"]
