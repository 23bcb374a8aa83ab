"""LLM and ML SDKs: sync clients of hosted models, and model / dataset loading from
disk or the Hugging Face hub.

Stage: catalog data, assembled into `asyncaudit.catalog.blocking.SINKS` (whose docstring
says what belongs here and the naming conventions).
"""

from __future__ import annotations

from asyncaudit.catalog.base import Sink
from asyncaudit.catalog.base import each as _each
from asyncaudit.catalog.base import on as _on
from asyncaudit.catalog.base import sinks as _sinks

# OpenAI (`openai.OpenAI`, sync) resources: type (under `openai.resources.`) -> methods
# that send a request.  Sub-resource attributes are in types.py.  Not listed: `stream`
# (returns a manager; the request is made by its `__enter__`, listed below), and the
# purely local `Webhooks.unwrap` / `Webhooks.verify_signature`.  `*_poll` methods also
# sleep between polls.
_OPENAI_RESOURCES = {
    "chat.completions.Completions": "create parse retrieve update list delete",
    "chat.completions.Messages": "list",
    "completions.Completions": "create",
    "embeddings.Embeddings": "create",
    "moderations.Moderations": "create",
    "models.Models": "retrieve list delete",
    "images.Images": "generate edit create_variation",
    "audio.Speech": "create",
    "audio.Transcriptions": "create",
    "audio.Translations": "create",
    "files.Files": "create retrieve list delete content retrieve_content wait_for_processing",
    "batches.Batches": "create retrieve list cancel",
    "uploads.Uploads": "create cancel complete upload_file_chunked",
    "uploads.Parts": "create",
    "responses.Responses": "create parse retrieve delete cancel compact",
    "responses.InputItems": "list",
    "responses.InputTokens": "count",
    "conversations.Conversations": "create retrieve update delete",
    "conversations.Items": "create retrieve list delete",
    "fine_tuning.jobs.Jobs": "create retrieve list cancel list_events pause resume",
    "fine_tuning.jobs.Checkpoints": "list",
    "vector_stores.VectorStores": "create retrieve update list delete search",
    "vector_stores.Files": """create retrieve update list delete content create_and_poll poll
                              upload upload_and_poll""",
    "vector_stores.FileBatches": """create retrieve cancel create_and_poll list_files poll
                                    upload_and_poll""",
    "beta.Assistants": "create retrieve update list delete",
    "beta.chat.Completions": "parse create",
    "beta.threads.Threads": "create retrieve update delete create_and_run create_and_run_poll",
    "beta.threads.Messages": "create retrieve update list delete",
    "beta.threads.runs.Runs": """create retrieve update list cancel create_and_poll poll
                                 submit_tool_outputs submit_tool_outputs_and_poll""",
    "beta.threads.runs.Steps": "retrieve list",
    "containers.Containers": "create retrieve list delete",
    "containers.files.Files": "create retrieve list delete",
    "containers.files.Content": "retrieve",
    "evals.Evals": "create retrieve update list delete",
    "evals.runs.Runs": "create retrieve list delete cancel",
    "evals.runs.OutputItems": "retrieve list",
    "videos.Videos": """create create_and_poll retrieve list delete download_content poll remix
                        edit extend""",
    "webhooks.Webhooks": "create retrieve update list delete rotate_secret test",
    "realtime.ClientSecrets": "create",
    "realtime.Calls": "create accept hangup refer reject",
}
# The module-level client (`openai.chat.completions.create(...)` after `import openai`).
_OPENAI_MODULE_CALLS = """
chat.completions.create chat.completions.parse completions.create embeddings.create
moderations.create images.generate images.edit images.create_variation audio.speech.create
audio.transcriptions.create audio.translations.create responses.create responses.parse
files.create files.retrieve files.list files.content models.list models.retrieve
batches.create batches.retrieve
"""

# Anthropic (`anthropic.Anthropic`, sync) resources, under `anthropic.resources.`.
_ANTHROPIC_RESOURCES = {
    "messages.Messages": "create parse count_tokens",
    "messages.Batches": "create retrieve list cancel delete results",
    "models.Models": "retrieve list",
    "completions.Completions": "create",
    "files.Files": "upload download list delete retrieve_metadata",
    "beta.messages.Messages": "create parse count_tokens",
    "beta.messages.Batches": "create retrieve list cancel delete results",
    "beta.Models": "retrieve list",
    "beta.Files": "upload download list delete retrieve_metadata",
}

SINKS: tuple[Sink, ...] = (
    # Model / dataset loading from disk or the Hugging Face hub.
    *_sinks(
        "file",
        "transformers.pipeline",
        *(f"transformers.{c}.from_pretrained" for c in (
            "AutoConfig", "AutoTokenizer", "AutoProcessor", "AutoImageProcessor",
            "AutoFeatureExtractor", "AutoModel", "AutoModelForCausalLM",
            "AutoModelForSeq2SeqLM", "AutoModelForSequenceClassification",
            "AutoModelForTokenClassification", "AutoModelForQuestionAnswering",
            "AutoModelForMaskedLM", "PreTrainedModel", "PreTrainedTokenizerBase")),
        "transformers.PreTrainedModel.save_pretrained",
        "transformers.PreTrainedTokenizerBase.save_pretrained",
        "sentence_transformers.SentenceTransformer",
        "huggingface_hub.hf_hub_download", "huggingface_hub.snapshot_download",
        "huggingface_hub.upload_file", "huggingface_hub.upload_folder",
        "datasets.load_dataset",
    ),
    # OpenAI (sync client; `openai.AsyncOpenAI` is async).
    *_sinks(
        "network",
        *(name for t, ms in _OPENAI_RESOURCES.items() for name in _on("openai.resources." + t, ms)),
        *_on("openai", _OPENAI_MODULE_CALLS),
        *_on("openai.Stream", "__iter__ __next__"),
        *_each("openai.lib.streaming.chat.ChatCompletionStreamManager "
               "openai.lib.streaming.responses.ResponseStreamManager "
               "openai.lib.streaming.AssistantStreamManager", "__enter__"),
        *_on("openai.lib.streaming.chat.ChatCompletionStream",
             "__iter__ __next__ get_final_completion until_done"),
        *_on("openai.lib.streaming.responses.ResponseStream",
             "__iter__ __next__ get_final_response until_done"),
        *_on("openai.lib.streaming.AssistantEventHandler",
             "__iter__ __next__ until_done get_final_run get_final_messages"),
        alternative="openai.AsyncOpenAI",
    ),
    # Anthropic (sync clients; `anthropic.AsyncAnthropic` is async).
    *_sinks(
        "network",
        *(name for t, ms in _ANTHROPIC_RESOURCES.items()
          for name in _on("anthropic.resources." + t, ms)),
        *_on("anthropic.Stream", "__iter__ __next__"),
        "anthropic.lib.streaming.MessageStreamManager.__enter__",
        "anthropic.lib.streaming.BetaMessageStreamManager.__enter__",
        *_on("anthropic.lib.streaming.MessageStream",
             "__iter__ __next__ get_final_message get_final_text until_done"),
        alternative="anthropic.AsyncAnthropic",
    ),
    # Other LLM SDKs, sync entry points only.
    *_sinks("network", *_on("groq.resources.chat.completions.Completions", "create"),
            *_on("groq.resources.embeddings.Embeddings", "create"), alternative="groq.AsyncGroq"),
    *_sinks("network", *_on("mistralai.chat.Chat", "complete stream parse"),
            *_on("mistralai.embeddings.Embeddings", "create"),
            alternative="complete_async / stream_async"),
    *_sinks("network",
            *_on("cohere.Client", "chat chat_stream embed rerank generate classify tokenize"),
            *_on("cohere.ClientV2", "chat chat_stream embed rerank"),
            alternative="cohere.AsyncClient"),
    *_sinks("network",
            *_each("ollama ollama.Client", "chat generate embed embeddings pull push create "
                                           "list show delete copy ps"),
            alternative="ollama.AsyncClient"),
    *_sinks("network", *_on("litellm", "completion text_completion embedding image_generation "
                                       "transcription speech moderation"),
            alternative="litellm.acompletion / litellm.aembedding"),
    *_sinks("network",
            *_on("google.genai.models.Models", "generate_content generate_content_stream "
                                               "embed_content count_tokens generate_images"),
            *_on("google.genai.chats.Chat", "send_message send_message_stream"),
            alternative="client.aio (google.genai async client)"),
    *_sinks("network",
            *_on("google.generativeai.GenerativeModel", "generate_content count_tokens"),
            "google.generativeai.ChatSession.send_message", "google.generativeai.embed_content",
            alternative="generate_content_async / send_message_async"),
    *_sinks("network",
            *_each("langchain_core.language_models.BaseChatModel "
                   "langchain_core.language_models.BaseLLM",
                   "invoke batch stream predict predict_messages generate __call__"),
            alternative="ainvoke / abatch / astream"),
    *_sinks("network", *_on("langchain_core.embeddings.Embeddings", "embed_documents embed_query"),
            alternative="aembed_documents / aembed_query"),
    *_sinks("network",
            *_on("huggingface_hub.InferenceClient", "chat_completion text_generation "
                                                    "feature_extraction text_to_image "
                                                    "automatic_speech_recognition post"),
            alternative="huggingface_hub.AsyncInferenceClient"),
)
