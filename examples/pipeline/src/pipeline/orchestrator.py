"""The pipeline: translate scenes in parallel, write a report."""

import asyncio
from pathlib import Path

from pipeline.config import load_settings
from pipeline.llm import AsyncLLM, LegacyLLM
from pipeline.storage import RunStore


async def translate_scene(llm: AsyncLLM, scene: str) -> str:
    return await llm.complete(f"Translate: {scene}")


async def run(config_path: Path, scenes: list[str]) -> list[str]:
    settings = load_settings(config_path)
    llm = AsyncLLM(settings.api_url)
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(translate_scene(llm, s)) for s in scenes]
    results = [t.result() for t in tasks]
    store = RunStore(settings.output_dir)
    await store.write_report_async("translations", {"results": results})
    summary = LegacyLLM(settings.api_url).complete("Summarize: " + " ".join(results))
    store.write_report("summary", {"summary": summary})
    return results


def main() -> None:
    asyncio.run(run(Path("pipeline.toml"), ["Hello", "Goodbye"]))
