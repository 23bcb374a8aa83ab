"""LLM clients: one async, one legacy sync client still in use."""

import time

import httpx
import requests


class AsyncLLM:
    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.AsyncClient()

    async def complete(self, prompt: str) -> str:
        response = await self.client.post(self.url, json={"prompt": prompt})
        return response.json()["text"]


class LegacyLLM:
    def __init__(self, url: str) -> None:
        self.session = requests.Session()
        self.url = url

    def complete(self, prompt: str) -> str:
        for attempt in range(3):
            response = self.session.post(self.url, json={"prompt": prompt}, timeout=30)
            if response.ok:
                return response.json()["text"]
            time.sleep(2 ** attempt)
        raise RuntimeError("LLM unavailable")
