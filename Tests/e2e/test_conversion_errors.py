"""Issue 4 point 5, errors across dialects: upstream HTTP errors re-shaped so each SDK raises the right class with
the upstream's message; in-stream errors; truncated and malformed upstream streams end in an error, never in a
made-up stop."""
from __future__ import annotations

import json

import anthropic
import openai
import pytest

from conversion_support import conv_anthropic, conv_gateway, conv_http, conv_openai  # noqa: F401 (fixtures)
from conversion_support import (AN_PATH, AN_PING, OA_DONE, OA_PATH, OA_ROLE, an_block_start, an_start, an_text_delta,
                                an_text_stream, oa_event, oa_tool_args, oa_tool_start, oa_usage, openai_chunks,
                                post_stream, sse_events)
from mocks.upstream import Reply, Stream
from mocks.wire import (ANTHROPIC_JSON_HEADERS, ANTHROPIC_SSE_HEADERS, OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS,
                        anthropic_error, openai_error, sse_event)

USER = [{"role": "user", "content": "hi"}]
GPT, CLAUDE = "gpt-4o", "claude-sonnet-4-5"


# ---- upstream HTTP errors: OpenAI upstream → Anthropic client ----------------------------------------------------

OPENAI_UPSTREAM_ERRORS = [
    # status, (type, code), client status, SDK class, Anthropic error type
    (400, ("invalid_request_error", None), 400, anthropic.BadRequestError, "invalid_request_error"),
    (401, ("invalid_request_error", "invalid_api_key"), 401, anthropic.AuthenticationError, "authentication_error"),
    (403, ("invalid_request_error", "unsupported_country_region_territory"), 403, anthropic.PermissionDeniedError,
     "permission_error"),
    (404, ("invalid_request_error", "model_not_found"), 404, anthropic.NotFoundError, "not_found_error"),
    (429, ("requests", "rate_limit_exceeded"), 429, anthropic.RateLimitError, "rate_limit_error"),
    (500, ("server_error", None), 500, anthropic.InternalServerError, "api_error"),
    (503, ("server_error", "server_is_overloaded"), 529, anthropic.OverloadedError, "overloaded_error"),
    (529, ("server_error", None), 529, anthropic.OverloadedError, "overloaded_error"),
]


@pytest.mark.parametrize("streamed", [False, True], ids=["create", "stream"])
@pytest.mark.parametrize("status,kind,client_status,error_class,error_type", OPENAI_UPSTREAM_ERRORS,
                         ids=[str(e[0]) for e in OPENAI_UPSTREAM_ERRORS])
def test_openai_upstream_http_error_raises_the_anthropic_sdk_class(oa, conv_anthropic, streamed, status, kind,
                                                                   client_status, error_class, error_type):
    message = f"Upstream says no ({status}): détails “quoted”"
    headers = OPENAI_JSON_HEADERS + ([("retry-after", "7")] if status == 429 else [])
    oa.script(Reply(status, headers, openai_error(message, *kind)))

    with pytest.raises(error_class) as raised:
        if streamed:
            with conv_anthropic.messages.stream(model=GPT, max_tokens=9, messages=USER) as live:
                live.get_final_message()
        else:
            conv_anthropic.messages.create(model=GPT, max_tokens=9, messages=USER)

    error = raised.value
    assert error.status_code == client_status
    assert error.response.headers["content-type"].startswith("application/json")
    assert error.body["type"] == "error"
    assert error.body["error"] == {"type": error_type, "message": message}
    assert message in str(error)
    if status == 429:
        assert error.response.headers["retry-after"] == "7"
    assert error.response.headers["request-id"] == "req_mock_openai_0001"  # the upstream's id, under Anthropic's name


# ---- upstream HTTP errors: Anthropic upstream → OpenAI client ----------------------------------------------------

ANTHROPIC_UPSTREAM_ERRORS = [
    (400, "invalid_request_error", 400, openai.BadRequestError, "invalid_request_error"),
    (401, "authentication_error", 401, openai.AuthenticationError, "authentication_error"),
    (403, "permission_error", 403, openai.PermissionDeniedError, "permission_error"),
    (404, "not_found_error", 404, openai.NotFoundError, "not_found_error"),
    (429, "rate_limit_error", 429, openai.RateLimitError, "rate_limit_error"),
    (500, "api_error", 500, openai.InternalServerError, "server_error"),
    (503, "api_error", 503, openai.InternalServerError, "overloaded_error"),
    (529, "overloaded_error", 503, openai.InternalServerError, "overloaded_error"),
]


@pytest.mark.parametrize("streamed", [False, True], ids=["create", "stream"])
@pytest.mark.parametrize("status,kind,client_status,error_class,error_type", ANTHROPIC_UPSTREAM_ERRORS,
                         ids=[str(e[0]) for e in ANTHROPIC_UPSTREAM_ERRORS])
def test_anthropic_upstream_http_error_raises_the_openai_sdk_class(an, conv_openai, streamed, status, kind,
                                                                   client_status, error_class, error_type):
    message = f"Upstream says no ({status}): détails “quoted”"
    headers = ANTHROPIC_JSON_HEADERS + ([("retry-after", "7")] if status == 429 else [])
    an.script(Reply(status, headers, anthropic_error(kind, message)))

    with pytest.raises(error_class) as raised:
        if streamed:
            for _ in conv_openai.chat.completions.create(model=CLAUDE, messages=USER, stream=True):
                pass
        else:
            conv_openai.chat.completions.create(model=CLAUDE, messages=USER)

    error = raised.value
    assert error.status_code == client_status
    assert error.body == {"message": message, "type": error_type, "param": None, "code": kind}
    assert error.message.endswith(message) or message in error.message
    if status == 429:
        assert error.response.headers["retry-after"] == "7"
    assert error.response.headers["x-request-id"] == "req_011CMockAnthropic0001"


def test_non_json_upstream_error_body_is_quoted_in_the_message(oa, conv_anthropic):
    oa.script(Reply(502, [("Content-Type", "text/html")], b"<html><body>502 Bad Gateway</body></html>"))

    with pytest.raises(anthropic.InternalServerError) as raised:
        conv_anthropic.messages.create(model=GPT, max_tokens=9, messages=USER)

    assert raised.value.status_code == 502
    assert raised.value.body["error"]["type"] == "api_error"
    assert "502 Bad Gateway" in raised.value.body["error"]["message"]


# ---- in-stream errors (PEER_BUGS #24) ----------------------------------------------------------------------------


def anthropic_partial_then_error(error_type: str, message: str) -> list[bytes]:
    return [an_start(), an_block_start(0, {"type": "text", "text": ""}), AN_PING, an_text_delta(0, "partial"),
            sse_event("error", {"type": "error", "error": {"type": error_type, "message": message}})]


def test_peer_bug_24_anthropic_error_event_after_200_raises_in_the_openai_stream(an, conv_openai, conv_http):
    events = anthropic_partial_then_error("overloaded_error", "Overloaded")
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, events), Stream(200, ANTHROPIC_SSE_HEADERS, events),
              Stream(200, ANTHROPIC_SSE_HEADERS, events))

    seen = []
    with pytest.raises(openai.APIError) as raised:
        for chunk in conv_openai.chat.completions.create(model=CLAUDE, messages=USER, stream=True):
            seen.append(chunk.choices[0].delta.content)
    with pytest.raises(openai.APIError):
        with conv_openai.chat.completions.stream(model=CLAUDE, messages=USER) as live:
            live.get_final_completion()
    _, _, raw = post_stream(conv_http, OA_PATH, {"model": CLAUDE, "stream": True, "messages": USER})

    assert seen == ["", "partial"]
    assert "Overloaded" in raised.value.message
    assert raised.value.body["type"] in ("overloaded_error", "server_error")
    chunks, done = openai_chunks(raw)
    assert not done, "a failed stream must not end with [DONE]"
    assert "error" in chunks[-1] and "Overloaded" in chunks[-1]["error"]["message"]
    assert all(c.get("choices", [{}])[0].get("finish_reason") is None for c in chunks[:-1])


@pytest.mark.parametrize("error_type,client_type", [("server_error", "api_error"),
                                                    ("rate_limit_exceeded", "rate_limit_error")])
def test_peer_bug_24_openai_error_chunk_after_200_raises_in_the_anthropic_stream(oa, conv_anthropic, conv_http,
                                                                                error_type, client_type):
    error_chunk = b'data: {"error":{"message":"The server had an error while processing your request.","type":"' \
                  + error_type.encode() + b'","param":null,"code":null}}\n\n'
    events = [OA_ROLE, oa_event({"content": "partial"}), error_chunk]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events), Stream(200, OPENAI_SSE_HEADERS, events))

    texts = []
    with pytest.raises(anthropic.APIStatusError) as raised:
        with conv_anthropic.messages.stream(model=GPT, max_tokens=9, messages=USER) as live:
            for text in live.text_stream:
                texts.append(text)
    _, _, raw = post_stream(conv_http, AN_PATH, {"model": GPT, "max_tokens": 9, "stream": True, "messages": USER})

    assert texts == ["partial"]
    assert raised.value.body["error"]["type"] == client_type
    assert "processing your request" in raised.value.body["error"]["message"]
    names = [name for name, _ in sse_events(raw)]
    assert names[-1] == "error" and "message_stop" not in names and "message_delta" not in names


# ---- truncated and malformed upstream streams --------------------------------------------------------------------


@pytest.mark.parametrize("end", ["break", "finish"])
def test_truncated_openai_stream_is_an_error_never_end_turn(oa, conv_anthropic, conv_http, end):
    """The upstream stops before its finish_reason and [DONE] — cut (`break`) or a clean chunked end (`finish`)."""
    events = [OA_ROLE, oa_event({"content": "Hello"}), oa_event({"content": " wor"})]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events, end=end), Stream(200, OPENAI_SSE_HEADERS, events, end=end))

    _, _, raw = post_stream(conv_http, AN_PATH, {"model": GPT, "max_tokens": 9, "stream": True, "messages": USER})
    with pytest.raises(anthropic.APIStatusError) as raised:
        with conv_anthropic.messages.stream(model=GPT, max_tokens=9, messages=USER) as live:
            live.get_final_message()

    names = [name for name, _ in sse_events(raw)]
    assert names[-1] == "error", names
    assert "message_delta" not in names and "message_stop" not in names
    assert b"end_turn" not in raw
    assert raised.value.body["error"]["type"] == "api_error"


def test_truncated_openai_stream_inside_tool_arguments_is_an_error(oa, conv_anthropic):
    oa.script(Stream(200, OPENAI_SSE_HEADERS, [OA_ROLE, oa_tool_start(0, "call_cut", "get_weather"),
                                               oa_tool_args(0, '{"city": "Par')], end="break"))

    with pytest.raises(anthropic.APIStatusError):
        with conv_anthropic.messages.stream(model=GPT, max_tokens=9, messages=USER) as live:
            live.get_final_message()


@pytest.mark.parametrize("end", ["break", "finish"])
def test_truncated_anthropic_stream_is_an_error_never_stop(an, conv_openai, conv_http, end):
    events = an_text_stream(["Hello", " wor"])[:5]  # message_start … two text deltas, then nothing
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, events, end=end), Stream(200, ANTHROPIC_SSE_HEADERS, events, end=end))

    _, _, raw = post_stream(conv_http, OA_PATH, {"model": CLAUDE, "stream": True, "messages": USER})
    seen = []
    with pytest.raises(openai.APIError):
        for chunk in conv_openai.chat.completions.create(model=CLAUDE, messages=USER, stream=True):
            seen.append(chunk.choices[0].delta.content)

    chunks, done = openai_chunks(raw)
    assert not done and "error" in chunks[-1]
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    assert seen == ["", "Hello", " wor"]


def test_malformed_json_in_an_openai_stream_is_an_error(oa, conv_anthropic, conv_http):
    events = [OA_ROLE, oa_event({"content": "ok"}), b'data: {"id":"chatcmpl-x","choices":[{"delta":{"content":\n\n']
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events), Stream(200, OPENAI_SSE_HEADERS, events))

    _, _, raw = post_stream(conv_http, AN_PATH, {"model": GPT, "max_tokens": 9, "stream": True, "messages": USER})
    with pytest.raises(anthropic.APIStatusError) as raised:
        with conv_anthropic.messages.stream(model=GPT, max_tokens=9, messages=USER) as live:
            live.get_final_message()

    names = [name for name, _ in sse_events(raw)]
    assert names[-1] == "error" and "message_stop" not in names
    assert "not valid JSON" in raised.value.body["error"]["message"]


def test_malformed_json_in_an_anthropic_stream_is_an_error(an, conv_openai, conv_http):
    events = [an_start(), an_block_start(0, {"type": "text", "text": ""}),
              b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\n\n"]
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, events), Stream(200, ANTHROPIC_SSE_HEADERS, events))

    _, _, raw = post_stream(conv_http, OA_PATH, {"model": CLAUDE, "stream": True, "messages": USER})
    with pytest.raises(openai.APIError) as raised:
        for _ in conv_openai.chat.completions.create(model=CLAUDE, messages=USER, stream=True):
            pass

    chunks, done = openai_chunks(raw)
    assert not done and "error" in chunks[-1]
    assert "not valid JSON" in raised.value.message


@pytest.mark.parametrize("direction", ["openai-upstream", "anthropic-upstream"])
def test_malformed_json_whole_body_is_an_error(oa, an, conv_anthropic, conv_openai, direction):
    if direction == "openai-upstream":
        oa.script(Reply(200, OPENAI_JSON_HEADERS, b'{"id":"chatcmpl-x","choices":[{"message":'))
        with pytest.raises(anthropic.APIStatusError) as raised:
            conv_anthropic.messages.create(model=GPT, max_tokens=9, messages=USER)
        assert raised.value.status_code >= 500 and raised.value.body["type"] == "error"
    else:
        an.script(Reply(200, ANTHROPIC_JSON_HEADERS, b'{"type":"message","content":['))
        with pytest.raises(openai.APIStatusError) as raised:
            conv_openai.chat.completions.create(model=CLAUDE, messages=USER)
        assert raised.value.status_code >= 500
    assert "not valid JSON" in str(raised.value)


@pytest.mark.parametrize("streamed", [False, True])
def test_unknown_finish_reason_is_an_error_not_end_turn(oa, conv_anthropic, streamed):
    """Gemini's MALFORMED_FUNCTION_CALL mapped to end_turn passed a broken answer off as complete (9router #2462)."""
    if streamed:
        oa.script(Stream(200, OPENAI_SSE_HEADERS, [OA_ROLE, oa_event({"content": "x"}),
                                                   oa_event({}, "MALFORMED_FUNCTION_CALL"), OA_DONE]))
    else:
        body = {
            "id": "chatcmpl-x", "object": "chat.completion", "created": 1, "model": "gemini-2.5-pro",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"},
                         "finish_reason": "MALFORMED_FUNCTION_CALL"}],
            "usage": oa_usage(3, 1)}
        oa.script(Reply(200, OPENAI_JSON_HEADERS, json.dumps(body).encode()))

    with pytest.raises(anthropic.APIStatusError) as raised:
        if streamed:
            with conv_anthropic.messages.stream(model=GPT, max_tokens=9, messages=USER) as live:
                live.get_final_message()
        else:
            conv_anthropic.messages.create(model=GPT, max_tokens=9, messages=USER)

    assert "MALFORMED_FUNCTION_CALL" in str(raised.value)


def test_peer_bug_24_anthropic_rate_limit_event_keeps_its_type_for_openai_clients(an, conv_http):
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_partial_then_error("rate_limit_error", "Slow down")))

    _, _, raw = post_stream(conv_http, OA_PATH, {"model": CLAUDE, "stream": True, "messages": USER})

    chunks, done = openai_chunks(raw)
    assert not done and chunks[-1]["error"]["type"] == "rate_limit_error"
    assert chunks[-1]["error"]["message"] == "Slow down"


def test_peer_bug_24_anthropic_overloaded_event_keeps_its_type_for_openai_clients(an, conv_http):
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_partial_then_error("overloaded_error", "Overloaded")))

    _, _, raw = post_stream(conv_http, OA_PATH, {"model": CLAUDE, "stream": True, "messages": USER})

    error = openai_chunks(raw)[0][-1]["error"]
    assert "overloaded_error" in (error["type"], error["code"]), error
