"""Responses in the exact wire formats of the OpenAI Chat Completions API and the Anthropic Messages API.

Shapes follow the public API references and what the official SDKs parse:

OpenAI (`POST /v1/chat/completions`): a `chat.completion` object; streamed, `data: <chat.completion.chunk>` events,
the first delta carrying `role`, then `content` deltas, a chunk with `finish_reason`, with
`stream_options.include_usage` a last chunk whose `choices` is `[]` and whose `usage` is set (every other chunk then
has `"usage":null`), and finally `data: [DONE]`. Errors: `{"error":{"message","type","param","code"}}`.

Anthropic (`POST /v1/messages`): a `message` object; streamed, named events `message_start` (message with empty
content), `content_block_start`, `ping`, `content_block_delta` (`text_delta`), `content_block_stop`, `message_delta`
(stop_reason, output usage), `message_stop`; errors `{"type":"error","error":{"type","message"},"request_id"}`, as a
body or mid-stream as `event: error`.
"""
from __future__ import annotations

import json

CREATED = 1764000000


def dumps(value) -> bytes:
    """Compact JSON, as both APIs write their stream events."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


# ---- OpenAI --------------------------------------------------------------------------------------------------------

OPENAI_JSON_HEADERS = [
    ("Content-Type", "application/json"),
    ("x-request-id", "req_mock_openai_0001"),
    ("openai-processing-ms", "412"),
    ("openai-version", "2020-10-01"),
    ("x-ratelimit-limit-requests", "10000"),
    ("x-ratelimit-remaining-requests", "9999"),
    ("x-ratelimit-reset-requests", "6ms"),
    ("x-ratelimit-limit-tokens", "30000000"),
    ("x-ratelimit-remaining-tokens", "29999990"),
]
OPENAI_SSE_HEADERS = [("Content-Type", "text/event-stream; charset=utf-8")] + OPENAI_JSON_HEADERS[1:]


def openai_usage(prompt: int, completion: int) -> dict:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0,
                                      "rejected_prediction_tokens": 0},
    }


def openai_completion(text: str, model: str = "gpt-4o-2024-08-06", ident: str = "chatcmpl-mock0001",
                      prompt_tokens: int = 9, completion_tokens: int = 5) -> bytes:
    """A non-streamed chat.completion, pretty-printed the way the API sends it."""
    body = {
        "id": ident,
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": None, "annotations": []},
            "logprobs": None,
            "finish_reason": "stop",
        }],
        "usage": openai_usage(prompt_tokens, completion_tokens),
        "service_tier": "default",
        "system_fingerprint": "fp_mock01",
    }
    return json.dumps(body, indent=2, ensure_ascii=False).encode() + b"\n"


def openai_chunk(ident: str, model: str, choices: list, usage="absent") -> dict:
    chunk = {"id": ident, "object": "chat.completion.chunk", "created": CREATED, "model": model,
             "service_tier": "default", "system_fingerprint": "fp_mock01", "choices": choices}
    if usage != "absent":
        chunk["usage"] = usage
    return chunk


def sse_data(payload) -> bytes:
    return b"data: " + (payload if isinstance(payload, bytes) else dumps(payload)) + b"\n\n"


def openai_stream_events(pieces: list[str], model: str = "gpt-4o-2024-08-06", ident: str = "chatcmpl-mock0002",
                         usage: bool = True, prompt_tokens: int = 9) -> list[bytes]:
    """The events of a streamed completion; with `usage`, every chunk has `"usage":null` and a usage chunk ends it."""
    marker = None if usage else "absent"
    events = [sse_data(openai_chunk(ident, model, [{"index": 0, "delta": {"role": "assistant", "content": "",
                                                                          "refusal": None},
                                                    "logprobs": None, "finish_reason": None}], marker))]
    for piece in pieces:
        events.append(sse_data(openai_chunk(ident, model, [{"index": 0, "delta": {"content": piece},
                                                            "logprobs": None, "finish_reason": None}], marker)))
    events.append(sse_data(openai_chunk(ident, model, [{"index": 0, "delta": {}, "logprobs": None,
                                                        "finish_reason": "stop"}], marker)))
    if usage:
        events.append(sse_data(openai_chunk(ident, model, [], openai_usage(prompt_tokens, len(pieces)))))
    events.append(b"data: [DONE]\n\n")
    return events


def is_openai_usage_event(event: bytes) -> bool:
    if not event.startswith(b"data: {"):
        return False
    chunk = json.loads(event[6:])
    return chunk.get("choices") == [] and isinstance(chunk.get("usage"), dict)


def openai_error(message: str, type_: str, code: str | None, param: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, "type": type_, "param": param, "code": code}},
                      indent=4).encode() + b"\n"


# ---- Anthropic -----------------------------------------------------------------------------------------------------

ANTHROPIC_JSON_HEADERS = [
    ("Content-Type", "application/json"),
    ("request-id", "req_011CMockAnthropic0001"),
    ("anthropic-organization-id", "00000000-0000-4000-8000-000000000000"),
    ("anthropic-ratelimit-requests-limit", "4000"),
    ("anthropic-ratelimit-requests-remaining", "3999"),
    ("anthropic-ratelimit-requests-reset", "2026-11-25T18:00:01Z"),
    ("anthropic-ratelimit-input-tokens-remaining", "399000"),
]
ANTHROPIC_SSE_HEADERS = [("Content-Type", "text/event-stream; charset=utf-8"),
                         ("Cache-Control", "no-cache")] + ANTHROPIC_JSON_HEADERS[1:]


def anthropic_message(text: str, model: str = "claude-sonnet-4-5-20250929", ident: str = "msg_01MockMessage0001",
                      input_tokens: int = 12, output_tokens: int = 6) -> bytes:
    body = {
        "id": ident,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                  "output_tokens": output_tokens, "service_tier": "standard"},
    }
    return dumps(body)


def sse_event(name: str, payload) -> bytes:
    return b"event: " + name.encode() + b"\n" + sse_data(payload)


def anthropic_stream_events(pieces: list[str], model: str = "claude-sonnet-4-5-20250929",
                            ident: str = "msg_01MockMessage0002", input_tokens: int = 12) -> list[bytes]:
    events = [
        sse_event("message_start", {"type": "message_start", "message": {
            "id": ident, "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                      "output_tokens": 1, "service_tier": "standard"}}}),
        sse_event("content_block_start", {"type": "content_block_start", "index": 0,
                                          "content_block": {"type": "text", "text": ""}}),
        sse_event("ping", {"type": "ping"}),
    ]
    for piece in pieces:
        events.append(sse_event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                        "delta": {"type": "text_delta", "text": piece}}))
    events += [
        sse_event("content_block_stop", {"type": "content_block_stop", "index": 0}),
        sse_event("message_delta", {"type": "message_delta",
                                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                    "usage": {"output_tokens": len(pieces)}}),
        sse_event("message_stop", {"type": "message_stop"}),
    ]
    return events


def anthropic_error(type_: str, message: str, request_id: str = "req_011CMockError0001") -> bytes:
    return dumps({"type": "error", "error": {"type": type_, "message": message}, "request_id": request_id})
