"""Run artifacts on disk."""

import asyncio
import json
from pathlib import Path


class RunStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _ensure_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root

    def write_report(self, name: str, data: dict) -> None:
        target = self._ensure_dir() / f"{name}.json"
        target.write_text(json.dumps(data, indent=2), encoding="utf-8")

    async def write_report_async(self, name: str, data: dict) -> None:
        await asyncio.to_thread(self.write_report, name, data)
