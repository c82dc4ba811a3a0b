"""Case files (``.yaml``, ``.yml``, ``.json``): one case each, read and parsed in the worker."""

from __future__ import annotations

from typing import Iterator

from riskcheck.inputs.base import Item, Options, Reader
from riskcheck.loading import Document, load


def items(path: str, options: Options) -> Iterator[Item]:
    yield Item(path)


def document(item: Item, lang: str) -> Document:
    return load(item.path)


READER = Reader("case", (".yaml", ".yml", ".json"), items, document)
