"""The dated catalog of model ids, context windows and prices.

Reads course/data/models.toml, the single place where ids and prices live.
Does not fetch live prices. Does not know models that are not in the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import UnknownModelError

CATALOG_PATH = Path(__file__).parent / "data" / "models.toml"


@dataclass(frozen=True)
class ModelInfo:
    """One catalog row. Prices are USD per million tokens."""

    id: str
    provider: str
    display_name: str
    context_window: int
    max_output_tokens: int
    tier: str
    input: float
    cached_input: float
    cache_write: float
    output: float


@dataclass(frozen=True)
class Catalog:
    as_of: str
    currency: str
    default_local: str
    models: dict  # model id -> ModelInfo

    def __getitem__(self, model_id: str) -> ModelInfo:
        try:
            return self.models[model_id]
        except KeyError:
            known = ", ".join(sorted(self.models))
            raise UnknownModelError(
                f"{model_id!r} is not in the price catalog ({CATALOG_PATH.name}, "
                f"dated {self.as_of}). Known ids: {known}. Add a row to the file "
                "if you use another model."
            ) from None

    def __contains__(self, model_id: str) -> bool:
        return model_id in self.models

    def by_provider(self, provider: str) -> list[ModelInfo]:
        return [m for m in self.models.values() if m.provider == provider]


@lru_cache(maxsize=None)
def load_catalog(path: str | Path = CATALOG_PATH) -> Catalog:
    """Load and check the catalog. load_catalog()["gpt-4o-mini"].input -> 0.15"""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    models = {}
    for row in data["models"]:
        info = ModelInfo(**row)
        if info.id in models:
            raise ValueError(f"{path}: model id {info.id!r} appears twice")
        models[info.id] = info
    return Catalog(
        as_of=data["as_of"],
        currency=data["currency"],
        default_local=data["default_local"],
        models=models,
    )
