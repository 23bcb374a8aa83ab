"""Third-party HTTP, websocket and RPC clients (sync APIs only).

Stage: catalog data, assembled into `asyncaudit.catalog.blocking.SINKS` (whose docstring
says what belongs here and the naming conventions).
"""

from __future__ import annotations

from asyncaudit.catalog.base import MethodFamily, Sink
from asyncaudit.catalog.base import each as _each
from asyncaudit.catalog.base import family as _family
from asyncaudit.catalog.base import on as _on
from asyncaudit.catalog.base import sinks as _sinks

_HTTP_VERBS = "get post put patch delete head options request"

# slack_sdk's WebClient has one method per Web API method (about 350, `chat_postMessage`,
# `conversations_list`, ...), each a request through `api_call`.  Local: `chat_stream`
# (returns a ChatStream that sends on `append`/`stop`), the static
# `validate_slack_signature` and the `logger` property.
FAMILIES: tuple[MethodFamily, ...] = (
    _family("slack_sdk.WebClient", "network", "chat_stream validate_slack_signature logger",
            alternative="slack_sdk.web.async_client.AsyncWebClient"),
)

SINKS: tuple[Sink, ...] = (
    # requests
    *_sinks(
        "network",
        *_on("requests", _HTTP_VERBS),
        *_on("requests.Session", _HTTP_VERBS + " send"),
        # With `stream=True` the request returns after the headers: reading the body is
        # the blocking part (`.content` / `.text` are properties, see PROPERTY_SINKS).
        *_on("requests.Response@stream", "iter_content iter_lines json __iter__ content text"),
        alternative="httpx.AsyncClient",
    ),
    # httpx (sync API only; `httpx.AsyncClient` is async).  `stream` returns a context
    # manager whose `__enter__` sends the request: the `with` line blocks.
    *_sinks(
        "network",
        *_on("httpx", _HTTP_VERBS + " stream"),
        *_on("httpx.Client", _HTTP_VERBS + " send stream"),
        # A streamed response reads its body on demand (`.content` / `.json()` raise
        # ResponseNotRead instead of reading).
        *_on("httpx.Response@stream", "read iter_bytes iter_text iter_lines iter_raw"),
        alternative="httpx.AsyncClient",
    ),
    # urllib3 pools (every request method; `urllib3.request` is the 2.x module helper).
    *_sinks(
        "network",
        "urllib3.request",
        *_each("urllib3.PoolManager urllib3.HTTPConnectionPool",
               "request urlopen request_encode_url request_encode_body"),
        # `preload_content=False`: reads come from the socket.
        *_on("urllib3.HTTPResponse@stream", "read read1 read_chunked readinto stream json "
                                            "__iter__"),
        alternative="httpx.AsyncClient",
    ),
    # Other sync HTTP / websocket / RPC clients.
    *_sinks("network", "pycurl.Curl.perform", alternative="httpx.AsyncClient"),
    *_sinks(
        "network",
        "websocket.create_connection",
        *_on("websocket.WebSocket", "connect send recv recv_data ping close"),
        "websocket.WebSocketApp.run_forever",
        "websockets.sync.client.connect",
        *_on("websockets.sync.connection.Connection", "recv send ping close __iter__"),
        alternative="websockets.asyncio.client.connect",
    ),
    # gRPC: calling a stub method (a multi-callable) is the RPC.
    *_sinks(
        "network",
        *_each("grpc.UnaryUnaryMultiCallable grpc.StreamUnaryMultiCallable",
               "__call__ with_call"),
        *_each("grpc.UnaryStreamMultiCallable grpc.StreamStreamMultiCallable", "__call__"),
        "grpc.Future.result", "grpc.Future.exception",
        alternative="grpc.aio",
    ),
    # The most used WebClient methods, named for the runtime wrapper (FAMILIES covers
    # every method for the analysis).
    *_sinks(
        "network",
        *_on("slack_sdk.WebClient", "api_call chat_postMessage chat_update "
                                    "chat_postEphemeral conversations_history "
                                    "conversations_list users_info files_upload_v2"),
        alternative="slack_sdk.web.async_client.AsyncWebClient",
    ),
)
