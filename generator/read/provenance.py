"""Where each node of an overlaid spec came from: the spec file, or the overlay action that
wrote it.

Applying overlays (`read.overlay`) records here the nodes an action wrote (by their pointer in
the overlaid spec, with the file and pointer of the value in the overlay) and the array items a
removal moved up (with the pointer they have in the spec file). Any other node is where the spec
file has it. `origin` answers for a pointer of the overlaid spec from its longest recorded
prefix, so that a finding about a node is placed where the node was written. Nothing is made or
consulted when no overlay is given.
"""

from __future__ import annotations

from sdkforge.diagnostics import join_pointer

SPEC = ""  # the file of a node that came from the spec (as `origin` gives it)


class Provenance:
    """Written nodes and moved items, by their pointer in the overlaid spec."""

    def __init__(self) -> None:
        self._origins: dict[str, tuple[str, str]] = {}

    def __bool__(self) -> bool:
        return bool(self._origins)

    def origin(self, pointer: str) -> tuple[str, str] | None:
        """(file, pointer) where the node at `pointer` of the overlaid spec was written, the file
        being SPEC for the spec file; None when the spec file has it at `pointer`."""
        rest = ""
        while True:
            found = self._origins.get(pointer)
            if found is not None:
                return found[0], found[1] + rest
            if not pointer:
                return None
            cut = pointer.rfind("/")
            rest = pointer[cut:] + rest
            pointer = pointer[:cut]

    def wrote(self, pointer: str, file: str, at: str) -> None:
        """The node at `pointer` is now the value at `at` in the overlay `file`."""
        self._forget(pointer)
        self._origins[pointer] = (file, at)

    def removed(self, parent: str, token: str | int, length: int | None) -> None:
        """The member `token` of the node at `parent` was removed; `length` is the length the
        parent had before when it is an array (its later items moved up one), else None."""
        self._forget(join_pointer(parent, token))
        if length is None:
            return
        moved: dict[str, tuple[str, str]] = {}
        for index in range(int(token) + 1, length):
            old, new = join_pointer(parent, index), join_pointer(parent, index - 1)
            moved[new] = self.origin(old) or (SPEC, old)
            moved.update((new + key[len(old):], value) for key, value in self._origins.items()
                         if key.startswith(old + "/"))
        for index in range(int(token) + 1, length):
            self._forget(join_pointer(parent, index))
        self._origins.update(moved)

    def _forget(self, pointer: str) -> None:
        """Drop what is recorded at `pointer` and below it: that node is gone or replaced."""
        below = pointer + "/"
        for key in [k for k in self._origins if k == pointer or k.startswith(below)]:
            del self._origins[key]
