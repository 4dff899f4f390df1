"""OpenAI Chat Completions passthrough: official SDK and raw bytes, streamed and not."""
from __future__ import annotations

import json
import re
import socket
import threading

import openai

from harness import CLIENT_KEY, OPENAI_UPSTREAM_KEY, post_json, split_events
from mocks.upstream import Pause, Reply, Stream, WaitFor
from mocks.wire import (OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS, is_openai_usage_event, openai_completion,
                        openai_stream_events)

MESSAGES = [{"role": "system", "content": "Answer in one line."},
            {"role": "user", "content": "Say hello in French and Japanese."}]
PATH = "/v1/chat/completions"


def test_sdk_non_stream_returns_the_upstream_completion(oa, openai_client):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("Bonjour ! こんにちは！")))

    completion = openai_client.chat.completions.create(model="gpt-4o", messages=MESSAGES, temperature=0.2)

    assert completion.id == "chatcmpl-mock0001"
    assert completion.choices[0].message.content == "Bonjour ! こんにちは！"
    assert completion.choices[0].finish_reason == "stop"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (9, 5)
    upstream = oa.last
    assert (upstream.method, upstream.path) == ("POST", "/v1/chat/completions")
    assert upstream.json() == {"model": "gpt-4o", "messages": MESSAGES, "temperature": 0.2}
    assert upstream.header("accept") == "application/json"


def test_non_stream_request_and_response_bytes_are_relayed_unchanged(oa, http):
    response_body = openai_completion("Déjà vu — “quoted” ✓", model="gpt-4o-2024-11-20")
    oa.script(Reply(200, OPENAI_JSON_HEADERS, response_body))
    request_body = ('{ "messages" : [ {"role":"user", "content":"caf\\u00e9 ☕"} ],\n'
                    '  "model":"gpt-4o",   "n": 1, "metadata": {"k": [1, 2.50, null, true]} }').encode()

    response = post_json(http, PATH, request_body)

    assert response.status_code == 200
    assert response.content == response_body
    assert oa.last.body == request_body
    assert response.headers["content-type"] == "application/json"
    for name, value in OPENAI_JSON_HEADERS[1:]:
        assert response.headers.get(name) == value, f"header {name} not relayed"


def test_a_large_non_stream_response_is_relayed_unchanged(oa, http):
    # Larger than what the gateway copies behind the response head: the body goes out as a buffer of its own.
    response_body = openai_completion("".join(f"token {i} ✓ " for i in range(20_000)), model="gpt-4o")
    assert len(response_body) > 200_000
    oa.script(Reply(200, OPENAI_JSON_HEADERS, response_body))

    response = post_json(http, PATH, b'{"model":"gpt-4o","messages":[{"role":"user","content":"long"}]}')

    assert response.status_code == 200
    assert response.content == response_body
    assert response.headers["content-length"] == str(len(response_body))


def test_sdk_stream_yields_every_chunk_and_hides_the_usage_chunk(oa, openai_client):
    oa.script(Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["Bon", "jour", " ! ", "こんにちは"])))

    stream = openai_client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    chunks = list(stream)

    assert [c.choices[0].delta.content for c in chunks] == ["", "Bon", "jour", " ! ", "こんにちは", None]
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.choices and c.usage is None for c in chunks), "the usage-only chunk reached a client that did not ask"
    upstream = oa.last.json()
    assert upstream["stream"] is True
    assert upstream["stream_options"] == {"include_usage": True}
    assert oa.last.header("accept") == "text/event-stream"


def test_sdk_stream_with_include_usage_gets_the_usage_chunk(oa, openai_client):
    oa.script(Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["a", "b", "c"], prompt_tokens=21)))

    chunks = list(openai_client.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}))

    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "abc"
    assert chunks[-1].choices == []
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens,
            chunks[-1].usage.total_tokens) == (21, 3, 24)
    assert oa.last.json()["stream_options"] == {"include_usage": True}


def test_stream_bytes_are_relayed_exactly_across_arbitrary_chunk_boundaries(oa, http):
    events = openai_stream_events(["Hel", "lo", ", wor", "ld ✓"])
    # What real upstreams also send: SSE comments (keep-alives, OpenRouter's processing notes), an `id:` field,
    # CRLF line endings, a data value split over two lines.
    events.insert(1, b": OPENROUTER PROCESSING\n\n")
    events.insert(3, b": keep-alive\r\n\r\n")
    events.insert(4, b"id: 7\r\ndata: " + events.pop(4)[6:-2] + b"\r\n\r\n")
    payload = events.pop(5)[6:-2]
    split = payload.index(b',"object"') + 1
    events.insert(5, b"data: " + payload[:split] + b"\ndata: " + payload[split:] + b"\n\n")
    expected = b"".join(events)
    # Cut the byte stream at places that are not event boundaries: mid-line, mid-UTF-8 sequence, inside "\r\n".
    cuts = [3, 50, 51, 400, expected.index(b"\xe2\x9c\x93") + 1, expected.index(b"\r\n") + 1, len(expected) - 2]
    cuts = sorted(set(c for c in cuts if 0 < c < len(expected)))
    parts = [expected[a:b] for a, b in zip([0] + cuts, cuts + [len(expected)])]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, parts))
    request_body = b'{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]}'

    with http.stream("POST", PATH, content=request_body, headers={"content-type": "application/json"}) as response:
        assert response.status_code == 200
        received = b"".join(response.iter_raw())

    assert received == expected == bytes(oa.last.sent)
    assert oa.last.body == request_body, "a request that already asks for usage must go upstream untouched"
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["x-request-id"] == "req_mock_openai_0001"


def test_stream_events_are_flushed_to_the_client_as_they_arrive(oa, http):
    events = openai_stream_events(["one", "two", "three"], usage=False)
    gates = [threading.Event() for _ in events[:-1]]
    parts = []
    for event, gate in zip(events, gates + [None]):
        parts.append(event)
        if gate:
            parts.append(WaitFor(gate, timeout=3))
    oa.script(Stream(200, OPENAI_SSE_HEADERS, parts))

    received = b""
    with http.stream("POST", PATH, content=b'{"model":"gpt-4o","stream":true,"messages":[]}',
                     headers={"content-type": "application/json"}) as response:
        for piece in response.iter_raw():
            received += piece
            for index, gate in enumerate(gates):
                if received.startswith(b"".join(events[:index + 1])):
                    gate.set()  # the upstream sends the next event only once this one reached the client

    assert received == b"".join(events)
    assert oa.last.waits_satisfied == [True] * len(gates), "an event was held back until the upstream sent more"


def test_the_stream_head_reaches_the_client_before_any_event_exists(oa, http):
    # The upstream sends its head alone, then waits until the client has the response's status and headers:
    # the head must not wait for the events that usually share its read.
    events = openai_stream_events(["late"], usage=False)
    head_seen = threading.Event()
    oa.script(Stream(200, OPENAI_SSE_HEADERS, [WaitFor(head_seen, timeout=3)] + events))

    with http.stream("POST", PATH, content=b'{"model":"gpt-4o","stream":true,"messages":[]}',
                     headers={"content-type": "application/json"}) as response:
        head_seen.set()
        status, content_type = response.status_code, response.headers["content-type"]
        received = b"".join(response.iter_raw())

    assert oa.last.waits_satisfied == [True], "the head was held back until the first event"
    assert (status, content_type) == (200, "text/event-stream; charset=utf-8")
    assert received == b"".join(events)


def test_usage_chunk_is_requested_upstream_and_held_back_when_client_did_not_ask(oa, http):
    events = openai_stream_events(["x", "y"], usage=True)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events))
    request = {"model": "gpt-4o", "stream": True, "messages": MESSAGES, "max_tokens": 5}

    response = post_json(http, PATH, json.dumps(request).encode())

    assert response.content == b"".join(e for e in events if not is_openai_usage_event(e))
    assert split_events(response.content)[-1] == b"data: [DONE]\n\n"
    assert oa.last.json() == {**request, "stream_options": {"include_usage": True}}


def test_include_usage_false_is_turned_on_upstream_and_the_usage_chunk_held_back(oa, http):
    events = openai_stream_events(["x"], usage=True)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events))
    request_body = b'{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":false},"messages":[]}'

    response = post_json(http, PATH, request_body)

    assert response.content == b"".join(e for e in events if not is_openai_usage_event(e))
    assert oa.last.body == request_body.replace(b'"include_usage":false', b'"include_usage":true')


def test_alias_sends_the_upstream_model_and_every_other_byte_unchanged(oa, http):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("ok", model="gpt-4o-mini-2024-07-18")))
    request_body = b'{\n  "model": "fast",\n  "messages": [{"role": "user", "content": "fast?"}],\n  "top_p": 0.5\n}'

    response = post_json(http, PATH, request_body)

    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "ok"
    assert oa.last.body == request_body.replace(b'"fast"', b'"gpt-4o-mini"', 1)


def test_alias_applies_to_streamed_requests(oa, openai_client):
    oa.script(Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["fast"], model="gpt-4o-mini-2024-07-18")))

    chunks = list(openai_client.chat.completions.create(model="fast", messages=MESSAGES, stream=True))

    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "fast"
    assert oa.last.json() == {"model": "gpt-4o-mini", "messages": MESSAGES, "stream": True,
                              "stream_options": {"include_usage": True}}


def test_upstream_gets_the_provider_key_and_never_the_clients_credentials(oa, gateway):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("ok")))
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key=CLIENT_KEY, max_retries=0,
                           default_headers={"x-api-key": "client-x-api-key", "api-key": "client-azure-key",
                                            "Cookie": "session=client-cookie"})
    with client:
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    upstream = oa.last
    assert upstream.header_values("authorization") == [f"Bearer {OPENAI_UPSTREAM_KEY}"]
    for name in ("x-api-key", "api-key", "cookie"):
        assert upstream.header(name) is None, f"client header {name} was forwarded"
    leaked = [(k, v) for k, v in upstream.headers if "client" in v.lower()]
    assert not leaked, f"client credentials reached the upstream: {leaked}"
    assert upstream.header("host") == f"127.0.0.1:{oa.port}"


def test_a_chunk_with_both_finish_reason_and_usage_is_not_held_back(oa, http):
    """Some OpenAI-compatible servers put usage on the finishing chunk; only a usage-only chunk may be held back."""
    events = openai_stream_events(["x"], usage=False)
    finishing = json.loads(events[-2][6:])
    finishing["usage"] = {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
    events[-2] = b"data: " + json.dumps(finishing, separators=(",", ":")).encode() + b"\n\n"
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events))

    response = post_json(http, PATH, b'{"model":"gpt-4o","stream":true,"messages":[]}')

    assert response.content == b"".join(events)


def test_organization_project_and_extra_headers_go_upstream(oa, openai_client):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("org")))

    openai_client.chat.completions.create(model="gpt-org-1", messages=MESSAGES)

    upstream = oa.last
    assert upstream.header_values("openai-organization") == ["org-mock123"]
    assert upstream.header_values("openai-project") == ["proj_mock456"]
    assert upstream.header_values("x-team") == ["research"]
    assert upstream.header_values("openai-beta") == ["assistants=v2"]
    assert upstream.header_values("authorization") == [f"Bearer {OPENAI_UPSTREAM_KEY}"]
    assert upstream.header("content-type") == "application/json"


def test_each_streamed_event_is_one_http_chunk_framed_by_the_book(oa, gateway):
    # Events of 1-digit to 4-digit hex sizes, each arriving on its own upstream read.
    events = openai_stream_events(["x", "y" * 300, "z" * 5000], usage=False)
    parts = []
    for event in events:
        parts += [event, Pause(0.02)]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, parts))
    body = b'{"model":"gpt-4o","stream":true,"messages":[]}'

    with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        received = b""
        while data := sock.recv(65536):
            received += data

    head, _, wire = received.partition(b"\r\n\r\n")
    assert b"\r\ntransfer-encoding: chunked" in head.lower()
    chunks = []
    while True:
        size_line, _, wire = wire.partition(b"\r\n")
        assert re.fullmatch(rb"[1-9a-f][0-9a-f]*|0", size_line), size_line  # lowercase hex, no leading zeros
        size = int(size_line, 16)
        if size == 0:
            assert wire == b"\r\n"  # the last chunk, no trailers, nothing after it
            break
        chunks.append(wire[:size])
        assert wire[size:size + 2] == b"\r\n"
        wire = wire[size + 2:]
    assert chunks == events
