"""Failures, in the client's own dialect: bad requests, unknown models, limits, upstream errors, unreachable, silent
and broken upstreams."""
from __future__ import annotations

import json
import time

import anthropic
import openai
import pytest

from harness import event_data, event_name, post_json, split_events
from mocks.upstream import Pause, Reply, Silent, Stream
from mocks.wire import (ANTHROPIC_SSE_HEADERS, OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS, anthropic_error,
                        anthropic_message, anthropic_stream_events, openai_completion, openai_error,
                        openai_stream_events, sse_data, sse_event)

OA_PATH, AN_PATH = "/v1/chat/completions", "/v1/messages"
USER = [{"role": "user", "content": "hi"}]


def openai_error_of(response) -> dict:
    """The OpenAI-dialect error object, after checking the envelope's exact shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"message", "type", "param", "code"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def anthropic_error_of(response) -> dict:
    body = response.json()
    assert body["type"] == "error", body
    assert set(body["error"]) >= {"type", "message"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def assert_nothing_upstream(*mocks):
    for mock in mocks:
        assert mock.requests == [], f"mock {mock.name} was sent {mock.requests}"


# ---- requests the gateway refuses itself -----------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_unknown_model_is_an_openai_404_and_nothing_goes_upstream(oa, an, http, openai_client, stream):
    response = post_json(http, OA_PATH, json.dumps({"model": "no-such-model", "messages": USER,
                                                   "stream": stream}).encode())

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    error = openai_error_of(response)
    assert (error["type"], error["code"], error["param"]) == ("invalid_request_error", "model_not_found", "model")
    assert "no-such-model" in error["message"]
    with pytest.raises(openai.NotFoundError) as raised:
        openai_client.chat.completions.create(model="no-such-model", messages=USER, stream=stream)
    assert raised.value.body["code"] == "model_not_found"  # the SDK keeps the inner error object as `body`
    assert_nothing_upstream(oa, an)


@pytest.mark.parametrize("stream", [False, True])
def test_unknown_model_is_an_anthropic_404_and_nothing_goes_upstream(oa, an, http, anthropic_client, stream):
    response = post_json(http, AN_PATH, json.dumps({"model": "no-such-model", "max_tokens": 5, "messages": USER,
                                                   "stream": stream}).encode(), {"anthropic-version": "2023-06-01"})

    assert response.status_code == 404
    error = anthropic_error_of(response)
    assert error["type"] == "not_found_error"
    assert "no-such-model" in error["message"]
    with pytest.raises(anthropic.NotFoundError) as raised:
        anthropic_client.messages.create(model="no-such-model", max_tokens=5, messages=USER, stream=stream)
    assert raised.value.body["error"]["type"] == "not_found_error"
    assert_nothing_upstream(oa, an)


BAD_BODIES = {
    "truncated": b'{"model":"MODEL","messages":[{"role":"user","content":"hi"}',
    "not-json": b"model=MODEL",
    "array": b'[{"model":"MODEL"}]',
    "empty": b"",
    "trailing-garbage": b'{"model":"MODEL","messages":[]} x',
    "missing-model": b'{"messages":[{"role":"user","content":"hi"}],"max_tokens":5}',
    "model-not-a-string": b'{"model":42,"messages":[]}',
    "empty-model": b'{"model":"","messages":[]}',
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_malformed_body_is_an_openai_400(oa, an, http, case):
    response = post_json(http, OA_PATH, BAD_BODIES[case].replace(b"MODEL", b"gpt-4o"))

    assert response.status_code == 400
    error = openai_error_of(response)
    assert error["type"] == "invalid_request_error"
    if "model" in case:
        assert error["param"] == "model"
    assert_nothing_upstream(oa, an)


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_malformed_body_is_an_anthropic_400(oa, an, http, case):
    response = post_json(http, AN_PATH, BAD_BODIES[case].replace(b"MODEL", b"claude-sonnet-4-6"),
                         {"anthropic-version": "2023-06-01"})

    assert response.status_code == 400
    assert anthropic_error_of(response)["type"] == "invalid_request_error"
    assert_nothing_upstream(oa, an)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_wrong_content_type_is_a_400_in_each_dialect(oa, an, http, content_type):
    openai_reply = http.post(OA_PATH, content=b'{"model":"gpt-4o","messages":[]}',
                             headers={"content-type": content_type})
    anthropic_reply = http.post(AN_PATH, content=b'{"model":"claude-sonnet-4-6","max_tokens":1,"messages":[]}',
                                headers={"content-type": content_type, "anthropic-version": "2023-06-01"})

    assert (openai_reply.status_code, anthropic_reply.status_code) == (400, 400)
    assert openai_error_of(openai_reply)["type"] == "invalid_request_error"
    assert content_type in openai_error_of(openai_reply)["message"]
    assert anthropic_error_of(anthropic_reply)["type"] == "invalid_request_error"
    assert_nothing_upstream(oa, an)


def test_sdks_raise_bad_request_for_a_body_the_gateway_refuses(oa, an, openai_client, anthropic_client):
    with pytest.raises(openai.BadRequestError):
        openai_client.chat.completions.create(model="gpt-4o", messages=USER, extra_body={"stream": "yes"})
    with pytest.raises(anthropic.BadRequestError):
        anthropic_client.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=USER,
                                         extra_body={"stream": "yes"})
    assert_nothing_upstream(oa, an)



@pytest.mark.parametrize("stream", [False, True])
def test_a_provider_header_that_could_split_the_upstream_request_is_refused_and_nothing_goes_upstream(
        oa, an, http, stream):
    response = post_json(http, OA_PATH, json.dumps({"model": "gpt-badkey-1", "messages": USER,
                                                   "stream": stream}).encode())

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    error = openai_error_of(response)
    assert error["message"] == "the provider's upstream request carried a header that cannot be sent: 'Authorization'"
    assert "sk-pasted" not in response.text  # the value may be a secret: only the header's name is told
    assert_nothing_upstream(oa, an)

# ---- body size limit (1 MiB in this configuration) ----------------------------------------------------------------

LIMIT = 1024 * 1024


def body_of_size(size: int, model: str) -> bytes:
    head = b'{"model":"' + model.encode() + b'","max_tokens":5,"messages":[{"role":"user","content":"'
    tail = b'"}]}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


@pytest.mark.parametrize("path,model", [(OA_PATH, "gpt-4o"), (AN_PATH, "claude-sonnet-4-6")])
def test_body_over_the_limit_is_a_413_in_dialect(oa, an, http, path, model):
    response = post_json(http, path, body_of_size(LIMIT + 1, model), {"anthropic-version": "2023-06-01"})

    assert response.status_code == 413
    if path == OA_PATH:
        assert openai_error_of(response)["type"] == "invalid_request_error"
    else:
        assert anthropic_error_of(response)["type"] == "request_too_large"
    assert_nothing_upstream(oa, an)


def test_chunked_body_over_the_limit_is_a_413(oa, http):
    body = body_of_size(LIMIT + 70000, "gpt-4o")
    response = http.post(OA_PATH, content=iter([body[i:i + 65536] for i in range(0, len(body), 65536)]),
                         headers={"content-type": "application/json"})

    assert response.status_code == 413
    assert "limit" in openai_error_of(response)["message"]
    assert_nothing_upstream(oa)


def test_body_exactly_at_the_limit_is_forwarded_whole(oa, http):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("big")))
    body = body_of_size(LIMIT, "gpt-4o")

    response = post_json(http, OA_PATH, body)

    assert response.status_code == 200
    assert oa.last.body == body


def test_sdks_raise_for_a_413(oa, an, openai_client, anthropic_client):
    huge = [{"role": "user", "content": "y" * (LIMIT + 10)}]
    with pytest.raises(openai.APIStatusError) as raised:
        openai_client.chat.completions.create(model="gpt-4o", messages=huge)
    assert raised.value.status_code == 413
    with pytest.raises(anthropic.ContentTooLargeError):
        anthropic_client.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=huge)
    assert_nothing_upstream(oa, an)


# ---- upstream error responses are relayed -----------------------------------------------------------------------------

OPENAI_ERRORS = {
    429: (openai_error("Rate limit reached for gpt-4o in organization org-mock on requests per min (RPM): "
                       "Limit 3, Used 3, Requested 1.", "requests", "rate_limit_exceeded"), openai.RateLimitError,
          [("retry-after", "20"), ("x-ratelimit-remaining-requests", "0")]),
    500: (openai_error("The server had an error while processing your request. Sorry about that!", "server_error",
                       None), openai.InternalServerError, []),
    503: (openai_error("The engine is currently overloaded, please try again later", "server_error", None),
          openai.InternalServerError, [("retry-after", "1")]),
}


@pytest.mark.parametrize("status", list(OPENAI_ERRORS))
def test_openai_upstream_error_status_body_and_headers_are_relayed(oa, http, openai_client, status):
    body, exception, extra = OPENAI_ERRORS[status]
    headers = [("Content-Type", "application/json"), ("x-request-id", "req_err_1")] + extra
    oa.script(Reply(status, headers, body), Reply(status, headers, body), Reply(status, headers, body))

    raw = post_json(http, OA_PATH, b'{"model":"gpt-4o","messages":[]}')
    assert raw.status_code == status
    assert raw.content == body
    for name, value in headers:
        assert raw.headers.get(name) == value, f"header {name} not relayed"

    with pytest.raises(exception) as raised:
        openai_client.chat.completions.create(model="gpt-4o", messages=USER)
    assert raised.value.status_code == status
    assert raised.value.request_id == "req_err_1"
    assert raised.value.body == json.loads(body)["error"]

    with pytest.raises(exception):  # the same status on a streamed request, before any event
        openai_client.chat.completions.create(model="gpt-4o", messages=USER, stream=True)


ANTHROPIC_ERRORS = {
    429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit",
          anthropic.RateLimitError, [("retry-after", "7")]),
    500: ("api_error", "Internal server error", anthropic.InternalServerError, []),
    529: ("overloaded_error", "Overloaded", anthropic.OverloadedError, []),
}


@pytest.mark.parametrize("status", list(ANTHROPIC_ERRORS))
def test_anthropic_upstream_error_status_body_and_headers_are_relayed(an, http, anthropic_client, status):
    type_, message, exception, extra = ANTHROPIC_ERRORS[status]
    body = anthropic_error(type_, message)
    headers = [("Content-Type", "application/json"), ("request-id", "req_011CErr"), ("x-should-retry", "true")] + extra
    an.script(*[Reply(status, headers, body)] * 3)

    raw = post_json(http, AN_PATH, b'{"model":"claude-sonnet-4-6","max_tokens":5,"messages":[]}',
                    {"anthropic-version": "2023-06-01"})
    assert raw.status_code == status
    assert raw.content == body
    for name, value in headers:
        assert raw.headers.get(name) == value, f"header {name} not relayed"

    with pytest.raises(exception) as raised:
        anthropic_client.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=USER)
    assert raised.value.status_code == status
    assert raised.value.body["error"] == {"type": type_, "message": message}

    with pytest.raises(exception):  # the stream helper raises the same class before any event
        with anthropic_client.messages.stream(model="claude-sonnet-4-6", max_tokens=5, messages=USER) as stream:
            stream.get_final_message()


# ---- upstream unreachable → 502, silent → 504 ---------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_unreachable_upstream_is_a_502_in_each_dialect(http, openai_client, anthropic_client, stream):
    openai_reply = post_json(http, OA_PATH, json.dumps({"model": "gpt-dead-1", "messages": USER,
                                                       "stream": stream}).encode())
    anthropic_reply = post_json(http, AN_PATH, json.dumps({"model": "claude-dead-1", "max_tokens": 5,
                                                          "messages": USER, "stream": stream}).encode())

    assert (openai_reply.status_code, anthropic_reply.status_code) == (502, 502)
    assert openai_reply.headers["content-type"] == anthropic_reply.headers["content-type"] == "application/json"
    assert openai_error_of(openai_reply)["type"] == "server_error"
    assert anthropic_error_of(anthropic_reply)["type"] == "api_error"
    with pytest.raises(openai.InternalServerError) as raised:
        openai_client.chat.completions.create(model="gpt-dead-1", messages=USER, stream=stream)
    assert raised.value.status_code == 502
    with pytest.raises(anthropic.InternalServerError) as raised_anthropic:
        anthropic_client.messages.create(model="claude-dead-1", max_tokens=5, messages=USER, stream=stream)
    assert raised_anthropic.value.status_code == 502


OPENAI_ERROR_CHUNK = sse_data({"error": {"message": "The server had an error while processing your request.",
                                         "type": "server_error", "param": None, "code": None}})
FIRST_BYTE_LIMIT = 0.3 + 0.7  # connect + first_byte of the *_short providers


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_connect_timeout_is_a_504_in_dialect(http, dialect):
    started = time.monotonic()
    if dialect == "openai":
        response = post_json(http, OA_PATH, b'{"model":"gpt-blackhole-1","messages":[]}')
        error = openai_error_of(response)
        assert (error["type"], error["code"]) == ("server_error", "timeout")
    else:
        response = post_json(http, AN_PATH, b'{"model":"claude-blackhole-1","max_tokens":5,"messages":[]}')
        assert anthropic_error_of(response)["type"] == "timeout_error"
    elapsed = time.monotonic() - started

    assert response.status_code == 504
    assert 0.3 <= elapsed < 0.3 + 1.5, f"answered after {elapsed:.2f}s with a 300 ms connect timeout"


def test_total_timeout_ends_a_stream_that_never_goes_idle(oa, http):
    events = openai_stream_events([f"w{i} " for i in range(40)], usage=False)
    parts = []
    for event in events:
        parts += [event, Pause(0.1)]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, parts))
    started = time.monotonic()

    with http.stream("POST", OA_PATH, content=b'{"model":"gpt-total-1","stream":true,"messages":[]}',
                     headers={"content-type": "application/json"}) as response:
        received = b"".join(response.iter_raw())
    elapsed = time.monotonic() - started

    relayed = split_events(received)
    assert 3 <= len(relayed) < len(events), "the stream was not cut by the 1 s total timeout"
    assert relayed[:-1] == events[:len(relayed) - 1]
    assert json.loads(event_data(relayed[-1]))["error"]["code"] == "timeout"
    assert 1.0 <= elapsed < 2.5, f"a 1 s total timeout ended the stream after {elapsed:.2f}s"


@pytest.mark.parametrize("stream", [False, True])
def test_silent_upstream_is_an_openai_504(oa, http, stream):
    oa.script(Silent())
    started = time.monotonic()

    response = post_json(http, OA_PATH, json.dumps({"model": "gpt-slow-1", "messages": USER,
                                                   "stream": stream}).encode())

    elapsed = time.monotonic() - started
    assert response.status_code == 504
    error = openai_error_of(response)
    assert (error["type"], error["code"]) == ("server_error", "timeout")
    assert 0.7 <= elapsed < FIRST_BYTE_LIMIT + 1.5, f"answered after {elapsed:.2f}s"
    assert oa.last.connection.closed.wait(1), "the gateway kept the timed-out upstream connection open"


@pytest.mark.parametrize("stream", [False, True])
def test_silent_upstream_is_an_anthropic_504(an, anthropic_client, stream):
    an.script(Silent())

    with pytest.raises(anthropic.GatewayTimeoutError) as raised:
        anthropic_client.messages.create(model="claude-slow-1", max_tokens=5, messages=USER, stream=stream)

    assert raised.value.status_code == 504
    assert raised.value.body["type"] == "error"
    assert raised.value.body["error"]["type"] == "timeout_error"
    assert an.last.connection.closed.wait(1)


def test_sdk_raises_for_an_openai_504(oa, openai_client):
    oa.script(Silent())
    with pytest.raises(openai.InternalServerError) as raised:
        openai_client.chat.completions.create(model="gpt-slow-1", messages=USER)
    assert raised.value.status_code == 504
    assert raised.value.body["code"] == "timeout"


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_truncated_non_stream_body_is_a_502_not_a_partial_200(oa, an, http, dialect):
    full = openai_completion("cut short") if dialect == "openai" else anthropic_message("cut short")
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(full)))]
    (oa if dialect == "openai" else an).script(Reply(200, headers, full[:len(full) // 2], end="break"))

    if dialect == "openai":
        response = post_json(http, OA_PATH, b'{"model":"gpt-4o","messages":[]}')
        assert openai_error_of(response)["type"] == "server_error"
    else:
        response = post_json(http, AN_PATH, b'{"model":"claude-haiku-4-5","max_tokens":5,"messages":[]}')
        assert anthropic_error_of(response)["type"] == "api_error"
    assert response.status_code == 502
    assert b"cut short" not in response.content


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_an_upstream_response_that_cannot_be_framed_is_a_502_that_says_why(oa, an, http, dialect):
    body = openai_completion("never relayed") if dialect == "openai" else anthropic_message("never relayed")
    mock = oa if dialect == "openai" else an
    mock.script(Reply(200, [("Content-Type", "application/json"), ("Content-Length", "12a")], body))

    if dialect == "openai":
        response = post_json(http, OA_PATH, b'{"model":"gpt-4o","messages":[]}')
        error = openai_error_of(response)
        assert error["type"] == "server_error"
    else:
        response = post_json(http, AN_PATH, b'{"model":"claude-haiku-4-5","max_tokens":5,"messages":[]}')
        error = anthropic_error_of(response)
        assert error["type"] == "api_error"
    assert response.status_code == 502
    assert "the upstream sent an invalid content-length: '12a'" in error["message"]
    assert b"never relayed" not in response.content
    assert len(mock.requests) == 1  # the upstream answered: the request is not sent again


# ---- streams that fail after they started --------------------------------------------------------------------------


def test_openai_stream_broken_mid_way_ends_with_an_error_chunk(oa, http):
    events = openai_stream_events(["Hello", " there"], usage=False)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events[:3], end="break"))

    with http.stream("POST", OA_PATH, content=b'{"model":"gpt-4o","stream":true,"messages":[]}',
                     headers={"content-type": "application/json"}) as response:
        received = b"".join(response.iter_raw())

    assert response.status_code == 200
    assert received.startswith(b"".join(events[:3]))
    tail = split_events(received[len(b"".join(events[:3])):])
    assert len(tail) == 1, f"expected exactly one error event after the relayed ones, got {tail}"
    error = json.loads(event_data(tail[0]))["error"]
    assert error["type"] == "server_error" and error["message"]
    assert b"[DONE]" not in received and b'"finish_reason":"stop"' not in received


def test_openai_sdk_raises_when_the_stream_breaks(oa, openai_client):
    events = openai_stream_events(["Hello", " there"], usage=False)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events[:3], end="break"))
    seen = []

    with pytest.raises(openai.APIError) as raised:
        for chunk in openai_client.chat.completions.create(model="gpt-4o", messages=USER, stream=True):
            seen.append(chunk.choices[0].delta.content)

    assert seen == ["", "Hello", " there"]
    assert raised.value.message


def test_anthropic_stream_broken_mid_way_ends_with_an_error_event(an, http, anthropic_client):
    events = anthropic_stream_events(["Hello", " there"])
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, events[:5], end="break"),
              Stream(200, ANTHROPIC_SSE_HEADERS, events[:5], end="break"))

    with http.stream("POST", AN_PATH, headers={"content-type": "application/json", "anthropic-version": "2023-06-01"},
                     content=b'{"model":"claude-sonnet-4-6","max_tokens":9,"stream":true,"messages":[]}') as response:
        received = b"".join(response.iter_raw())

    assert received.startswith(b"".join(events[:5]))
    tail = split_events(received[len(b"".join(events[:5])):])
    assert [event_name(e) for e in tail] == ["error"], tail
    error = json.loads(event_data(tail[0]))
    assert error["type"] == "error" and error["error"]["type"] == "api_error"
    assert b"message_stop" not in received

    texts = []
    with pytest.raises(anthropic.APIStatusError) as raised:
        with anthropic_client.messages.stream(model="claude-sonnet-4-6", max_tokens=9, messages=USER) as stream:
            for text in stream.text_stream:
                texts.append(text)
    assert texts == ["Hello", " there"]
    assert raised.value.body["error"]["type"] == "api_error"


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_upstream_going_silent_mid_stream_ends_with_a_timeout_error_event(oa, an, http, dialect):
    if dialect == "openai":
        events, mock, path = openai_stream_events(["a"], usage=False)[:2], oa, OA_PATH
        body = b'{"model":"gpt-slow-1","stream":true,"messages":[]}'
        mock.script(Stream(200, OPENAI_SSE_HEADERS, events, end="hang"))
    else:
        events, mock, path = anthropic_stream_events(["a"])[:4], an, AN_PATH
        body = b'{"model":"claude-slow-1","max_tokens":9,"stream":true,"messages":[]}'
        mock.script(Stream(200, ANTHROPIC_SSE_HEADERS, events, end="hang"))

    started = time.monotonic()
    with http.stream("POST", path, content=body, headers={"content-type": "application/json"}) as response:
        received = b"".join(response.iter_raw())
    elapsed = time.monotonic() - started

    assert received.startswith(b"".join(events))
    tail = split_events(received[len(b"".join(events)):])
    assert len(tail) == 1, tail
    payload = json.loads(event_data(tail[0]))
    if dialect == "openai":
        assert payload["error"]["code"] == "timeout"
    else:
        assert event_name(tail[0]) == "error" and payload["error"]["type"] == "timeout_error"
    assert elapsed < 0.7 + 1.5, f"idle timeout took {elapsed:.2f}s"
    assert mock.last.connection.closed.wait(1), "the silent upstream connection was not closed"


def test_anthropic_upstream_error_event_after_200_is_relayed_and_raised(an, http, anthropic_client):
    events = anthropic_stream_events(["partial"])[:4]
    error = sse_event("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, events + [error]), Stream(200, ANTHROPIC_SSE_HEADERS, events + [error]))

    with http.stream("POST", AN_PATH, headers={"content-type": "application/json"},
                     content=b'{"model":"claude-sonnet-4-6","max_tokens":9,"stream":true,"messages":[]}') as response:
        assert b"".join(response.iter_raw()) == b"".join(events) + error

    with pytest.raises(anthropic.APIStatusError) as raised:
        with anthropic_client.messages.stream(model="claude-sonnet-4-6", max_tokens=9, messages=USER) as stream:
            stream.get_final_message()
    assert raised.value.body["error"]["type"] == "overloaded_error"


def test_openai_sdk_raises_on_an_upstream_error_chunk_after_200(oa, openai_client):
    events = openai_stream_events(["partial"], usage=False)[:2]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events + [OPENAI_ERROR_CHUNK]))
    seen = []

    with pytest.raises(openai.APIError) as raised:
        for chunk in openai_client.chat.completions.create(model="gpt-4o", messages=USER, stream=True):
            seen.append(chunk.choices[0].delta.content)

    assert seen == ["", "partial"]
    assert "processing your request" in raised.value.message


def test_openai_upstream_error_chunk_after_200_is_relayed_byte_exact(oa, http):
    events = openai_stream_events(["partial"], usage=False)[:2]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events + [OPENAI_ERROR_CHUNK]))

    with http.stream("POST", OA_PATH, headers={"content-type": "application/json"},
                     content=b'{"model":"gpt-4o","stream":true,"messages":[]}') as response:
        received = b"".join(response.iter_raw())

    assert received == b"".join(events) + OPENAI_ERROR_CHUNK


STREAM_CASES = {  # dialect → the path, a streamed request, the SSE head, the events of an answer
    "openai": (OA_PATH, b'{"model":"gpt-4o","stream":true,"messages":[]}', OPENAI_SSE_HEADERS,
               lambda pieces: openai_stream_events(pieces, usage=False)),
    "anthropic": (AN_PATH, b'{"model":"claude-sonnet-4-6","max_tokens":9,"stream":true,"messages":[]}',
                  ANTHROPIC_SSE_HEADERS, anthropic_stream_events),
}


def stream_raw(http, path: str, body: bytes) -> bytes:
    """Every byte of a streamed answer, as the client received it."""
    with http.stream("POST", path, content=body, headers={"content-type": "application/json"}) as response:
        return b"".join(response.iter_raw())


def the_error_event_after(received: bytes, events: list[bytes]) -> tuple[bytes, dict]:
    """The events as sent, then exactly one event of the gateway's: that event and its payload."""
    assert received.startswith(b"".join(events))
    tail = split_events(received[len(b"".join(events)):])
    assert len(tail) == 1, tail
    return tail[0], json.loads(event_data(tail[0]))


@pytest.mark.parametrize("content_type", [None, "Text/Event-Stream; Charset=UTF-8"])
@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_stream_that_ends_cleanly_without_its_terminal_event_gets_an_error_event(oa, an, http, dialect, content_type):
    """A chunked body that ends properly but before `[DONE]` / `message_stop` is not passed off as complete — also
    when the upstream writes its media type in capitals (media types are case-insensitive)."""
    path, body, headers, make_events = STREAM_CASES[dialect]
    events = make_events(["cut"])[:3 if dialect == "openai" else 5]
    headers = [(k, content_type if content_type and k.lower() == "content-type" else v) for k, v in headers]
    (oa if dialect == "openai" else an).script(Stream(200, headers, events))

    event, payload = the_error_event_after(stream_raw(http, path, body), events)

    if dialect == "openai":
        assert payload["error"]["type"] == "server_error" and "[DONE]" in payload["error"]["message"]
    else:
        assert event_name(event) == "error" and payload["error"]["type"] == "api_error"


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_stream_cut_off_inside_its_last_line_ends_with_a_separate_error_event(oa, an, http, openai_client, dialect):
    """The unfinished line is no event (the SDKs' parsers drop it too): the client gets the whole events, then the
    gateway's error event on lines of its own, which the SDK reads as the stream's error."""
    path, body, headers, make_events = STREAM_CASES[dialect]
    mock = oa if dialect == "openai" else an
    if dialect == "openai":
        events = make_events(["kept"])[:2]
        cut = b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"cu'
    else:
        events = make_events(["kept"])[:4]
        cut = b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"te'
    mock.script(Stream(200, headers, events + [cut]))

    received = stream_raw(http, path, body)
    event, payload = the_error_event_after(received, events)

    assert b'"cu' not in received and b'"te' not in received[len(b"".join(events)):]
    if dialect == "openai":
        assert payload["error"]["type"] == "server_error"
        mock.script(Stream(200, headers, events + [cut]))
        with pytest.raises(openai.APIError) as raised:
            for _ in openai_client.chat.completions.create(model="gpt-4o", messages=USER, stream=True):
                pass
        assert "[DONE]" in str(raised.value)
    else:
        assert event_name(event) == "error" and payload["error"]["type"] == "api_error"


def test_stream_whose_last_event_lacks_only_its_blank_line_ends_cleanly(oa, http, openai_client):
    """`data: [DONE]\\n` at the very end (no blank line after it) is still the end of a complete stream."""
    events = openai_stream_events(["all", " here"], usage=False)
    assert events[-1] == b"data: [DONE]\n\n"
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events[:-1] + [b"data: [DONE]\n"]))

    with http.stream("POST", OA_PATH, content=b'{"model":"gpt-4o","stream":true,"messages":[]}',
                     headers={"content-type": "application/json"}) as response:
        received = b"".join(response.iter_raw())

    assert received == b"".join(events)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events[:-1] + [b"data: [DONE]\n"]))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in openai_client.chat.completions.create(
        model="gpt-4o", messages=USER, stream=True) if chunk.choices)
    assert text == "all here"


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_a_byte_order_mark_before_the_first_event_is_left_out(oa, an, http, dialect):
    path, body, headers, make_events = STREAM_CASES[dialect]
    events = make_events(["marked"])
    # Split inside the mark for one dialect: it is told from the stream's first bytes however they arrive.
    first = [b"\xef\xbb", b"\xbf" + events[0]] if dialect == "openai" else [b"\xef\xbb\xbf" + events[0]]
    (oa if dialect == "openai" else an).script(Stream(200, headers, first + events[1:]))

    assert stream_raw(http, path, body) == b"".join(events)
