"""Container types of annotations: which hold their items as a list, a tuple or a mapping.

Stage: catalog data, read by resolve (`Program`): `list[Path]`, `Sequence[Path]`,
`dict[str, Client]` give the type of what iterating, indexing or `.items()` yields.
"""

from __future__ import annotations

# one item type: iterating yields it
LIST_LIKE: frozenset[str] = frozenset({
    "builtins.list", "typing.List", "typing.Sequence", "typing.Iterable", "typing.Iterator",
    "typing.Generator", "typing.AsyncIterator", "typing.Collection", "typing.MutableSequence",
    "collections.abc.Sequence", "collections.abc.Iterable", "collections.abc.Iterator",
    "collections.abc.Generator", "collections.abc.Collection", "collections.abc.MutableSequence",
    "builtins.set", "builtins.frozenset", "typing.Set", "typing.FrozenSet", "typing.AbstractSet",
    "collections.abc.Set", "collections.deque", "typing.Deque",
})
# one item type per position
TUPLE_LIKE: frozenset[str] = frozenset({"builtins.tuple", "typing.Tuple"})
# keys and values: `.items()`, `.values()`, indexing
DICT_LIKE: frozenset[str] = frozenset({
    "builtins.dict", "typing.Dict", "typing.Mapping", "typing.MutableMapping",
    "collections.abc.Mapping", "collections.abc.MutableMapping",
    "collections.OrderedDict", "collections.defaultdict", "typing.DefaultDict",
})
