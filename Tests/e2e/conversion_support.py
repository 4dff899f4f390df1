"""Support for the dialect-conversion tests (issue 4): a gateway with the converter plugin, SDK clients on it, and
builders for the upstream streams the mocks play.

The gateway routes `gpt-*` and `deepseek-*` to the OpenAI mock and `claude-*` to the Anthropic mock, so a client of
the other dialect is converted both ways. Converter options (see `CONVERTER_OPTIONS`): a non-default
`default_max_tokens` (so the test can tell it from the built-in 4096) and per-model `max_output_tokens` clamps.

Test modules import the fixtures by name: `from conversion_support import conv_gateway, conv_openai, …`.
"""
from __future__ import annotations

import json

import anthropic
import openai
import pytest

import harness
from harness import NORMAL, event_data, event_name, run_gateway, split_events
from mocks.upstream import MockUpstream
from mocks.wire import CREATED, dumps, openai_chunk, sse_data, sse_event

CONVERTER_ID = "dev.lessllm.converter.dialects"
DEFAULT_MAX_TOKENS = 3000
CLAMP_OPENAI = 1000  # gpt-clamp-* upstream models take at most this many output tokens
CLAMP_ANTHROPIC = 2000  # claude-clamp-*
CONVERTER_OPTIONS = {
    "default_max_tokens": DEFAULT_MAX_TOKENS,
    "max_output_tokens": {"gpt-clamp-*": CLAMP_OPENAI, "claude-clamp-*": CLAMP_ANTHROPIC},
}

OA_MODEL = "gpt-4o-2024-08-06"  # the model name the OpenAI mock reports
AN_MODEL = "claude-sonnet-4-5-20250929"  # the model name the Anthropic mock reports
AN_PATH, OA_PATH = "/v1/messages", "/v1/chat/completions"


def conversion_config(oa_server: MockUpstream, an_server: MockUpstream, folder) -> dict:
    providers = {
        "oa": harness.openai_provider(oa_server.base_url + "/v1", timeouts=NORMAL),
        "an": harness.anthropic_provider(an_server.base_url, timeouts=NORMAL),
    }
    routes = [
        {"model": "gpt-*", "provider": "oa"},
        {"model": "deepseek-*", "provider": "oa"},
        {"model": "claude-*", "provider": "an"},
    ]
    config = harness.config(providers, routes, folder)
    config["plugins"]["files"].append(str(harness.plugin_dir() / "libDialectConverter.so"))
    config["converters"] = {"dialects": {"plugin": CONVERTER_ID, "options": CONVERTER_OPTIONS}}
    return config


# ---- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def conv_gateway(lessllm_bin, oa_server, an_server, tmp_path_factory):
    """The gateway with the dialect converter, one process per test module."""
    if not (harness.plugin_dir() / "libDialectConverter.so").exists():
        pytest.exit(f"libDialectConverter.so not found in {harness.plugin_dir()}", returncode=2)
    folder = tmp_path_factory.mktemp("no-plugins.d")  # no extra plugins: the echo provider is not needed here
    yield from run_gateway(conversion_config(oa_server, an_server, folder), tmp_path_factory, "conversion-gateway")


@pytest.fixture
def conv_anthropic(conv_gateway):
    client = anthropic.Anthropic(base_url=conv_gateway.url, api_key=harness.CLIENT_KEY, max_retries=0, timeout=20)
    yield client
    client.close()


@pytest.fixture
def conv_openai(conv_gateway):
    client = openai.OpenAI(base_url=conv_gateway.url + "/v1", api_key=harness.CLIENT_KEY, max_retries=0, timeout=20)
    yield client
    client.close()


@pytest.fixture
def conv_http(conv_gateway):
    client = harness.raw_client(conv_gateway)
    yield client
    client.close()


# ---- OpenAI upstream streams ---------------------------------------------------------------------------------------

OA_STREAM_ID = "chatcmpl-mockconv01"


def oa_choice(delta: dict, finish: str | None = None) -> dict:
    return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}


def oa_event(delta: dict | None = None, finish: str | None = None, usage="absent", choices=None) -> bytes:
    """One `data:` chunk; `choices` overrides the single choice built from `delta`/`finish`."""
    if choices is None:
        choices = [oa_choice(delta or {}, finish)]
    return sse_data(openai_chunk(OA_STREAM_ID, OA_MODEL, choices, usage))


OA_ROLE = oa_event({"role": "assistant", "content": "", "refusal": None})
OA_DONE = b"data: [DONE]\n\n"


def oa_tool_start(index: int, call_id: str, name: str, arguments: str = "") -> bytes:
    return oa_event({"tool_calls": [{"index": index, "id": call_id, "type": "function",
                                     "function": {"name": name, "arguments": arguments}}]})


def oa_tool_args(index: int, fragment: str) -> bytes:
    return oa_event({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]})


def oa_usage(prompt: int, completion: int, cached: int = 0) -> dict:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}


def oa_usage_event(prompt: int, completion: int, cached: int = 0) -> bytes:
    """The trailing usage chunk with empty `choices` (PEER_BUGS #10)."""
    return oa_event(choices=[], usage=oa_usage(prompt, completion, cached))


def oa_text_stream(pieces: list[str], finish: str = "stop", usage: dict | None = None) -> list[bytes]:
    events = [OA_ROLE] + [oa_event({"content": piece}) for piece in pieces] + [oa_event({}, finish)]
    if usage is not None:
        events.append(oa_event(choices=[], usage=usage))
    return events + [OA_DONE]


def oa_completion(message: dict, finish: str = "stop", usage: dict | None = None,
                  ident: str = "chatcmpl-mockconv02") -> bytes:
    """A whole chat.completion whose message is `message` (role added)."""
    body = {"id": ident, "object": "chat.completion", "created": CREATED, "model": OA_MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "refusal": None, **message},
                         "logprobs": None, "finish_reason": finish}],
            "usage": usage if usage is not None else oa_usage(20, 7),
            "service_tier": "default", "system_fingerprint": "fp_mock01"}
    return json.dumps(body, indent=2).encode() + b"\n"


# ---- Anthropic upstream streams ------------------------------------------------------------------------------------

AN_STREAM_ID = "msg_01MockConv0001"


def an_start(input_tokens: int = 25, cache_read: int = 0, cache_write: int = 0) -> bytes:
    return sse_event("message_start", {"type": "message_start", "message": {
        "id": AN_STREAM_ID, "type": "message", "role": "assistant", "model": AN_MODEL, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "cache_creation_input_tokens": cache_write,
                  "cache_read_input_tokens": cache_read, "output_tokens": 1, "service_tier": "standard"}}})


def an_block_start(index: int, block: dict) -> bytes:
    return sse_event("content_block_start", {"type": "content_block_start", "index": index, "content_block": block})


def an_delta(index: int, delta: dict) -> bytes:
    return sse_event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})


def an_text_delta(index: int, text: str) -> bytes:
    return an_delta(index, {"type": "text_delta", "text": text})


def an_json_delta(index: int, fragment: str) -> bytes:
    return an_delta(index, {"type": "input_json_delta", "partial_json": fragment})


def an_block_stop(index: int) -> bytes:
    return sse_event("content_block_stop", {"type": "content_block_stop", "index": index})


AN_PING = sse_event("ping", {"type": "ping"})
AN_STOP = sse_event("message_stop", {"type": "message_stop"})


def an_message_delta(stop_reason: str, output_tokens: int, stop_sequence: str | None = None) -> bytes:
    return sse_event("message_delta", {"type": "message_delta",
                                       "delta": {"stop_reason": stop_reason, "stop_sequence": stop_sequence},
                                       "usage": {"output_tokens": output_tokens}})


def an_text_stream(pieces: list[str], stop_reason: str = "end_turn", stop_sequence: str | None = None,
                   input_tokens: int = 25, cache_read: int = 0, cache_write: int = 0) -> list[bytes]:
    return ([an_start(input_tokens, cache_read, cache_write), an_block_start(0, {"type": "text", "text": ""}), AN_PING]
            + [an_text_delta(0, piece) for piece in pieces]
            + [an_block_stop(0), an_message_delta(stop_reason, len(pieces), stop_sequence), AN_STOP])


def an_message(content: list[dict], stop_reason: str = "end_turn", stop_sequence: str | None = None,
               input_tokens: int = 25, output_tokens: int = 9, cache_read: int = 0, cache_write: int = 0) -> bytes:
    return dumps({"id": "msg_01MockConv0002", "type": "message", "role": "assistant", "model": AN_MODEL,
                  "content": content, "stop_reason": stop_reason, "stop_sequence": stop_sequence,
                  "usage": {"input_tokens": input_tokens, "cache_creation_input_tokens": cache_write,
                            "cache_read_input_tokens": cache_read, "output_tokens": output_tokens,
                            "service_tier": "standard"}})


# ---- reading what the gateway sent ---------------------------------------------------------------------------------


def sse_events(body: bytes) -> list[tuple[str | None, str]]:
    """(event name, data) of every event of an SSE body, comments skipped."""
    out = []
    for block in split_events(body):
        data = event_data(block)
        name = event_name(block)
        if name is None and not data:
            continue
        out.append((name, data))
    return out


def anthropic_events(body: bytes) -> list[dict]:
    """The JSON payloads of an Anthropic stream, after checking each `event:` line names its payload's type."""
    payloads = []
    for name, data in sse_events(body):
        payload = json.loads(data)
        assert name == payload["type"], f"event: {name} carries a {payload['type']} payload"
        payloads.append(payload)
    return payloads


def openai_chunks(body: bytes) -> tuple[list[dict], bool]:
    """The JSON chunks of an OpenAI stream and whether it ended with `data: [DONE]` (and nothing after)."""
    chunks, done = [], False
    for name, data in sse_events(body):
        assert name is None, f"an OpenAI stream has no named events, got {name}"
        assert not done, "data after [DONE]"
        if data == "[DONE]":
            done = True
        else:
            chunks.append(json.loads(data))
    return chunks, done


def check_anthropic_event_order(events: list[dict]) -> None:
    """The order the Messages API guarantees: message_start first; blocks indexed 0, 1, 2… each started once, its
    deltas in between, stopped once, never overlapping; message_delta then message_stop last. Raises on any
    deviation (PEER_BUGS #3)."""
    types = [e["type"] for e in events]
    assert types[0] == "message_start", types
    assert types[-2:] == ["message_delta", "message_stop"], types
    open_index, next_index = None, 0
    for event in events[1:-2]:
        kind = event["type"]
        if kind == "content_block_start":
            assert open_index is None, f"block {event['index']} starts while {open_index} is open"
            assert event["index"] == next_index, f"block index {event['index']}, expected {next_index}"
            open_index, next_index = event["index"], next_index + 1
        elif kind == "content_block_delta":
            assert event["index"] == open_index, f"delta for block {event['index']} while {open_index} is open"
        elif kind == "content_block_stop":
            assert event["index"] == open_index, f"stop for block {event['index']} while {open_index} is open"
            open_index = None
        else:
            assert kind == "ping", f"unexpected {kind} between blocks"
    assert open_index is None, f"block {open_index} never stopped"


def post_stream(http, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """POSTs a JSON body and reads the whole (streamed) response: status, headers, raw bytes."""
    merged = {"content-type": "application/json", "anthropic-version": "2023-06-01"}
    merged.update(headers or {})
    with http.stream("POST", path, content=json.dumps(body).encode(), headers=merged) as response:
        raw = b"".join(response.iter_raw())
        return response.status_code, dict(response.headers), raw
