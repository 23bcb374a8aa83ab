"""Configuration loading."""

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Settings:
    model: str
    output_dir: Path
    api_url: str


def _read_toml(path: Path) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def load_settings(path: Path) -> Settings:
    if not path.exists():
        raise FileNotFoundError(path)
    raw = _read_toml(path)
    return Settings(raw["model"], Path(raw["output_dir"]), raw["api_url"])
