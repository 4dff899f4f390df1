"""Anthropic Messages passthrough: official SDK (create, stream helper) and raw bytes."""
from __future__ import annotations

import anthropic
from anthropic._constants import ANTHROPIC_API_VERSION

from harness import ANTHROPIC_UPSTREAM_KEY, CLIENT_KEY, event_name, post_json, split_events
from mocks.upstream import Reply, Stream
from mocks.wire import (ANTHROPIC_JSON_HEADERS, ANTHROPIC_SSE_HEADERS, anthropic_message, anthropic_stream_events,
                        sse_event)

MESSAGES = [{"role": "user", "content": "Say hello in French and Japanese."}]
PATH = "/v1/messages"


def test_sdk_non_stream_returns_the_upstream_message(an, anthropic_client):
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("Bonjour ! こんにちは！")))

    message = anthropic_client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=MESSAGES,
                                               system="Answer in one line.")

    assert message.id == "msg_01MockMessage0001"
    assert message.content[0].text == "Bonjour ! こんにちは！"
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (12, 6)
    upstream = an.last
    assert (upstream.method, upstream.path) == ("POST", "/v1/messages")
    assert upstream.json() == {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": MESSAGES,
                               "system": "Answer in one line."}
    assert upstream.header("anthropic-version") == ANTHROPIC_API_VERSION  # the version the SDK sent
    assert upstream.header("accept") == "application/json"


def test_sdk_stream_helper_builds_the_final_message(an, anthropic_client):
    pieces = ["Bon", "jour", " ! ", "こんにちは"]
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_stream_events(pieces)))

    with anthropic_client.messages.stream(model="claude-sonnet-4-6", max_tokens=64, messages=MESSAGES) as stream:
        texts = list(stream.text_stream)
        final = stream.get_final_message()

    assert texts == pieces
    assert final.content[0].text == "Bonjour ! こんにちは"
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (12, 4)
    assert an.last.json()["stream"] is True
    assert an.last.header("accept") == "text/event-stream"


def test_sdk_raw_stream_yields_every_event_type_in_order(an, anthropic_client):
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_stream_events(["a", "b"])))

    events = list(anthropic_client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=MESSAGES,
                                                   stream=True))

    assert [e.type for e in events] == ["message_start", "content_block_start", "content_block_delta",
                                        "content_block_delta", "content_block_stop", "message_delta", "message_stop"]
    assert [e.delta.text for e in events if e.type == "content_block_delta"] == ["a", "b"]


def test_stream_bytes_are_relayed_exactly_across_arbitrary_chunk_boundaries(an, http):
    events = anthropic_stream_events(["Hel", "lo ✓", " world"])
    events.insert(3, b": comment line\n\n")
    events.insert(5, sse_event("ping", {"type": "ping"}))
    expected = b"".join(events)
    cuts = sorted({1, 7, 6 + len(b"event: message_start\n"), expected.index("✓".encode()) + 2, 700,
                   len(expected) - 1})
    parts = [expected[a:b] for a, b in zip([0] + cuts, cuts + [len(expected)])]
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, parts))
    request_body = b'{"model":"claude-sonnet-4-6","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"hi"}]}'

    with http.stream("POST", PATH, content=request_body,
                     headers={"content-type": "application/json", "anthropic-version": "2023-06-01"}) as response:
        assert response.status_code == 200
        received = b"".join(response.iter_raw())

    assert received == expected == bytes(an.last.sent)
    assert [event_name(e) for e in split_events(received)][-1] == "message_stop"
    assert an.last.body == request_body
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    for name, value in ANTHROPIC_SSE_HEADERS[2:]:
        assert response.headers.get(name) == value, f"header {name} not relayed"


def test_non_stream_request_and_response_bytes_are_relayed_unchanged(an, http):
    response_body = anthropic_message("Déjà vu — “quoted” ✓")
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, response_body))
    request_body = ('{"max_tokens": 100 ,"model" :"claude-opus-4-1",\n "messages":[{"role":"user","content":'
                    '[{"type":"text","text":"caf\\u00e9 ☕"}]}], "temperature": 0.0}').encode()

    response = post_json(http, PATH, request_body, {"anthropic-version": "2023-06-01"})

    assert response.status_code == 200
    assert response.content == response_body
    assert an.last.body == request_body
    for name, value in ANTHROPIC_JSON_HEADERS:
        assert response.headers.get(name) == value, f"header {name} not relayed"


def test_anthropic_beta_is_forwarded(an, anthropic_client):
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("beta")))

    message = anthropic_client.beta.messages.create(
        model="claude-sonnet-4-6", max_tokens=8, messages=MESSAGES,
        betas=["context-1m-2025-08-07", "interleaved-thinking-2025-05-14"])

    assert message.content[0].text == "beta"
    assert an.last.header_values("anthropic-beta") == ["context-1m-2025-08-07,interleaved-thinking-2025-05-14"]
    assert an.last.path == "/v1/messages"


def test_anthropic_version_defaults_when_absent_and_is_forwarded_when_given(an, http):
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("one")),
              Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("two")))
    body = b'{"model":"claude-sonnet-4-6","max_tokens":8,"messages":[{"role":"user","content":"v"}]}'

    first = post_json(http, PATH, body)
    second = post_json(http, PATH, body, {"anthropic-version": "2023-01-01"})

    assert (first.json()["content"][0]["text"], second.json()["content"][0]["text"]) == ("one", "two")
    assert [r.header_values("anthropic-version") for r in an.requests] == [["2023-06-01"], ["2023-01-01"]]
    assert all(r.header("anthropic-beta") is None for r in an.requests)


def test_upstream_gets_the_provider_key_and_never_the_clients_credentials(an, gateway):
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("ok")),
              Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("ok")))
    with anthropic.Anthropic(base_url=gateway.url, api_key=CLIENT_KEY, max_retries=0,
                             default_headers={"Cookie": "session=client-cookie"}) as by_key, \
            anthropic.Anthropic(base_url=gateway.url, auth_token="client-oauth-token", max_retries=0) as by_token:
        by_key.messages.create(model="claude-sonnet-4-6", max_tokens=8, messages=MESSAGES)
        by_token.messages.create(model="claude-sonnet-4-6", max_tokens=8, messages=MESSAGES)

    for upstream in an.requests:
        assert upstream.header_values("x-api-key") == [ANTHROPIC_UPSTREAM_KEY]
        assert upstream.header("authorization") is None
        assert upstream.header("cookie") is None
        leaked = [(k, v) for k, v in upstream.headers if "client" in v.lower()]
        assert not leaked, f"client credentials reached the upstream: {leaked}"


def test_alias_sends_the_upstream_model_and_every_other_byte_unchanged(an, http):
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("aliased")))
    request_body = b'{"messages":[{"role":"user","content":"sonnet"}],"model" : "sonnet","max_tokens":8}'

    response = post_json(http, PATH, request_body, {"anthropic-version": "2023-06-01"})

    assert response.json()["content"][0]["text"] == "aliased"
    assert an.last.body == request_body.replace(b'"sonnet","max', b'"claude-sonnet-4-6","max')


def test_configured_default_version_and_extra_headers_go_upstream(an, http):
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("extra")))

    post_json(http, PATH, b'{"model":"claude-extra-1","max_tokens":8,"messages":[]}',
              {"anthropic-beta": "token-efficient-tools-2025-02-19"})

    upstream = an.last
    assert upstream.header_values("anthropic-version") == ["2023-01-01"]  # the provider's `anthropic_version` option
    assert upstream.header_values("anthropic-beta") == ["token-efficient-tools-2025-02-19"]
    assert upstream.header_values("x-team") == ["research"]
    assert upstream.header_values("x-api-key") == [ANTHROPIC_UPSTREAM_KEY]
    assert upstream.header("content-type") == "application/json"
