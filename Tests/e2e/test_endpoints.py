"""The proxy listener's other endpoints, and HTTP/1.1 keep-alive on both sides of the gateway."""
from __future__ import annotations

import http.client
import json
import socket

import anthropic

from mocks.upstream import Reply, Stream
from mocks.wire import (ANTHROPIC_JSON_HEADERS, OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS, anthropic_message,
                        openai_completion, openai_stream_events)

LISTED = ["echo", "fast", "sonnet"]  # the exact (non-glob) route names of the standard configuration, in order


def test_health(http):
    response = http.get("/health")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_models_in_openai_shape(http, openai_client):
    response = http.get("/v1/models")

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == LISTED
    for model in body["data"]:
        assert model["object"] == "model"
        assert isinstance(model["created"], int) and isinstance(model["owned_by"], str)
    assert [m.id for m in openai_client.models.list()] == LISTED


def test_models_in_anthropic_shape_when_anthropic_version_is_sent(http, anthropic_client):
    response = http.get("/v1/models", headers={"anthropic-version": "2023-06-01"})

    assert response.status_code == 200
    body = response.json()
    assert [m["id"] for m in body["data"]] == LISTED
    for model in body["data"]:
        assert model["type"] == "model"
        assert isinstance(model["display_name"], str) and model["display_name"]
        assert model["created_at"].endswith("Z")
    assert (body["has_more"], body["first_id"], body["last_id"]) == (False, LISTED[0], LISTED[-1])
    assert [m.id for m in anthropic_client.models.list()] == LISTED


def test_unknown_path_and_wrong_method_are_refused_in_dialect(http):
    unknown = http.get("/v1/embeddings")
    get_chat = http.get("/v1/chat/completions")
    get_messages = http.get("/v1/messages", headers={"anthropic-version": "2023-06-01"})

    assert unknown.status_code == 404
    assert unknown.json()["error"]["type"] == "invalid_request_error"
    assert get_chat.status_code == 405
    assert get_chat.json()["error"]["type"] == "invalid_request_error"
    assert get_messages.status_code == 405
    assert get_messages.json()["type"] == "error"
    assert get_messages.json()["error"]["type"] == "invalid_request_error"
    assert get_chat.headers["allow"] == get_messages.headers["allow"] == "POST"  # RFC 9110 §15.5.6
    assert "allow" not in unknown.headers
    # An Anthropic client asking for an endpoint the gateway does not serve gets Anthropic's error shape.
    count = http.post("/v1/messages/count_tokens", json={"model": "claude-sonnet-4-5", "messages": []},
                      headers={"anthropic-version": "2023-06-01"})
    assert count.status_code == 404
    assert count.json()["type"] == "error" and count.json()["error"]["type"] == "not_found_error"
    assert "/v1/messages/count_tokens" in count.json()["error"]["message"]


def test_keep_alive_serves_many_requests_on_one_client_connection(oa, an, gateway):
    # The upstream's own hop-by-hop headers must not leak into the client's connection.
    oa.script(Reply(200, OPENAI_JSON_HEADERS + [("Connection", "close"), ("Keep-Alive", "timeout=1")],
                    openai_completion("first")),
              Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["second"], usage=False)))
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("third")))
    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    connection.auto_open = 0  # a closed connection must raise, not be silently reopened
    connection.connect()
    local_address = connection.sock.getsockname()
    json_headers = {"Content-Type": "application/json", "anthropic-version": "2023-06-01"}
    requests = [
        ("GET", "/health", None),
        ("POST", "/v1/chat/completions", b'{"model":"gpt-4o","messages":[]}'),
        ("POST", "/v1/chat/completions", b'{"model":"gpt-4o","stream":true,"messages":[]}'),
        ("POST", "/v1/messages", b'{"model":"claude-haiku-4-5","max_tokens":5,"messages":[]}'),
        ("POST", "/v1/chat/completions", b'{"model":"no-such-model","messages":[]}'),
        ("POST", "/v1/messages", b'{"model":'),
        ("GET", "/v1/models", None),
        ("POST", "/v1/chat/completions", b'{"model":"echo","messages":[{"role":"user","content":"last one"}]}'),
    ]
    answers = []
    try:
        for method, path, body in requests:
            connection.request(method, path, body=body, headers=json_headers if body else {})
            response = connection.getresponse()
            answers.append((response.status, response.read()))
            assert (response.getheader("connection") or "").lower() != "close"
            assert response.getheader("keep-alive") is None
            assert connection.sock is not None and connection.sock.getsockname() == local_address
    finally:
        connection.close()

    assert [status for status, _ in answers] == [200, 200, 200, 200, 404, 400, 200, 200]
    assert json.loads(answers[1][1])["choices"][0]["message"]["content"] == "first"
    assert b'"content":"second"' in answers[2][1] and answers[2][1].endswith(b"data: [DONE]\n\n")
    assert json.loads(answers[3][1])["content"][0]["text"] == "third"
    assert json.loads(answers[7][1])["choices"][0]["message"]["content"] == "last one"


def exchange_raw(port: int, data: bytes) -> bytes:
    """Sends raw bytes on a fresh connection and returns everything the gateway sends until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def raw_chat_post(body: bytes, extra_headers: bytes = b"") -> bytes:
    """The bytes of one POST /v1/chat/completions with `body`."""
    return (b"POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n%s"
            b"Content-Length: %d\r\n\r\n%s" % (extra_headers, len(body), body))


def test_head_requests_after_proxied_responses_get_heads_only_and_the_next_get_its_body(oa, gateway):
    """Proxied responses are written past NIO's encoder: a HEAD after them must still be answered without a body,
    and the GET after it with one (each answer paired with its own request, however many came before)."""
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("whole")),
              Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["streamed"], usage=False)))
    received = exchange_raw(gateway.port, raw_chat_post(b'{"model":"gpt-4o","messages":[]}')
                            + raw_chat_post(b'{"model":"gpt-4o","stream":true,"messages":[]}')
                            + b"HEAD /health HTTP/1.1\r\nHost: gw\r\n\r\n"
                            + b"GET /health HTTP/1.1\r\nHost: gw\r\n\r\n"
                            + b"HEAD /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n\r\n"
                            + b"HEAD /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n"
                            + b"GET /health HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")

    answers = [b"HTTP/1.1 " + answer for answer in received.split(b"HTTP/1.1 ")[1:]]
    assert len(answers) == 7, received
    assert b'"content": "whole"' in answers[0] and answers[1].endswith(b"data: [DONE]\n\n\r\n0\r\n\r\n")
    head_of_health, health = answers[2], answers[3]
    assert head_of_health.startswith(b"HTTP/1.1 200 OK\r\n") and head_of_health.endswith(b"\r\n\r\n")
    assert b"content-length: 15\r\n" in head_of_health.lower()
    assert health.startswith(b"HTTP/1.1 200 OK\r\n") and health.endswith(b'\r\n\r\n{"status":"ok"}')
    assert answers[4].startswith(b"HTTP/1.1 405 Method Not Allowed\r\n") and answers[4].endswith(b"\r\n\r\n")
    assert answers[5].startswith(b"HTTP/1.1 200 OK\r\n") and answers[5].endswith(b"\r\n\r\n")
    models_length = int(answers[5].lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    assert models_length > 20
    assert answers[6].endswith(b'{"status":"ok"}')


def test_expect_100_continue_is_answered_before_the_body_is_sent(oa, gateway):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("after continue")))
    body = b'{"model":"gpt-4o","messages":[]}'
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as sock:
        sock.sendall(raw_chat_post(b"", b"Expect: 100-Continue\r\n").replace(b"Content-Length: 0",
                                                                             b"Content-Length: %d" % len(body)))
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            interim += sock.recv(1)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while b'"after continue"' not in answer:
            chunk = sock.recv(65536)
            assert chunk, answer
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert json.loads(oa.requests[-1].body)["model"] == "gpt-4o"

    # Too large a declared body: the refusal comes instead of the 100.
    too_large = raw_chat_post(b"", b"Expect: 100-continue\r\n").replace(b"Content-Length: 0",
                                                                        b"Content-Length: 99999999")
    refused = exchange_raw(gateway.port, too_large)
    assert refused.startswith(b"HTTP/1.1 413 Payload Too Large\r\n"), refused
    assert b"100 Continue" not in refused
    # An HTTP/1.0 client is never sent a 100 (RFC 9110 §10.1.1): it sends its body at once.
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("one-oh")))
    old = exchange_raw(gateway.port, raw_chat_post(body, b"Expect: 100-continue\r\n").replace(b"HTTP/1.1", b"HTTP/1.0"))
    assert old.startswith(b"HTTP/1.1 200 OK\r\n") and b"100 Continue" not in old and b'"one-oh"' in old


def test_an_http_1_0_client_gets_its_stream_unchunked_ended_by_the_close(oa, gateway):
    """HTTP/1.0 knows no chunked coding (RFC 9112 §6.1): the events go out as they are and the close ends them."""
    events = openai_stream_events(["old ", "client"], usage=False)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events))
    request = raw_chat_post(b'{"model":"gpt-4o","stream":true,"messages":[]}').replace(b"HTTP/1.1", b"HTTP/1.0")
    received = exchange_raw(gateway.port, request)  # reads until the gateway closes

    head, body = received.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"transfer-encoding" not in head.lower() and b"content-length" not in head.lower()
    assert b"connection: close" in head.lower()
    assert body == b"".join(events)


def test_pipelined_requests_are_answered_in_order(oa, gateway):
    oa.script(Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["one"], usage=False)),
              Reply(200, OPENAI_JSON_HEADERS, openai_completion("two")))

    received = exchange_raw(gateway.port, raw_chat_post(b'{"model":"gpt-4o","stream":true,"messages":[]}')
                            + raw_chat_post(b'{"model":"gpt-4o","messages":[]}')
                            + raw_chat_post(b'{"model":"echo","messages":[{"role":"user","content":"three"}]}')
                            + b"GET /health HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")

    assert received.count(b"HTTP/1.1 200 OK") == 4
    order = [received.index(marker) for marker in
             (b'"content":"one"', b"data: [DONE]", b'"content": "two"', b'"content":"three"', b'{"status":"ok"}')]
    assert order == sorted(order), received


def test_a_burst_of_pipelined_requests_is_answered_whole_and_in_order(oa, gateway):
    # An upstream request first, then 2,000 more (~80 KB) in the same send: they queue while the first waits for
    # the upstream, reading is held back (so a client can queue no more than a read's worth), and resumes as
    # they drain.
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("first of the burst")))
    burst = b"".join(b"GET /health?n=%d HTTP/1.1\r\nHost: gw\r\n\r\n" % n for n in range(1999))
    received = exchange_raw(gateway.port, raw_chat_post(b'{"model":"gpt-4o","messages":[]}') + burst
                            + b"GET /v1/models HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")

    answers = received.split(b"HTTP/1.1 ")[1:]
    assert len(answers) == 2001
    assert answers[0].startswith(b"200 OK") and b'"first of the burst"' in answers[0]
    assert all(answer.startswith(b"200 OK") and answer.endswith(b'{"status":"ok"}') for answer in answers[1:2000])
    assert b'"object":"list"' in answers[2000]


def test_requests_pipelined_after_connection_close_are_not_answered(oa, gateway):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("only this one")))
    request = raw_chat_post(b'{"model":"gpt-4o","messages":[]}', b"Connection: close\r\n")
    # The gateway closes the connection after the first answer.
    received = exchange_raw(gateway.port, request + b"GET /health HTTP/1.1\r\nHost: gw\r\n\r\n")

    assert received.count(b"HTTP/1.1 ") == 1, received
    assert b"connection: close" in received.lower()
    assert json.loads(received.split(b"\r\n\r\n", 1)[1])["choices"][0]["message"]["content"] == "only this one"
    assert b'{"status":"ok"}' not in received


def test_malformed_http_is_answered_400_after_the_requests_before_it(oa, gateway):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("answered first")))
    request = raw_chat_post(b'{"model":"gpt-4o","messages":[]}')
    received = exchange_raw(gateway.port, request + b"NOT HTTP AT ALL\r\n\r\n")

    first, second = received.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"200 OK") and b'"answered first"' in first
    assert second.startswith(b"400 Bad Request")
    error = json.loads(second.split(b"\r\n\r\n", 1)[1])["error"]
    assert error["type"] == "invalid_request_error" and error["message"].startswith("malformed HTTP request")

    alone = exchange_raw(gateway.port, b"\x16\x03\x01 a TLS hello to a plain-HTTP port\r\n\r\n")
    assert alone.startswith(b"HTTP/1.1 400 Bad Request") and b"connection: close" in alone.lower()
    assert json.loads(alone.split(b"\r\n\r\n", 1)[1])["error"]["message"].startswith("malformed HTTP request")

    # A request whose chunked body breaks off into garbage: the request under way is the one answered 400.
    broken = exchange_raw(gateway.port, b"POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"
                                        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        b"5\r\n{\"mod\r\nnot a chunk size\r\n\r\n")
    assert broken.startswith(b"HTTP/1.1 400 Bad Request"), broken
    assert json.loads(broken.split(b"\r\n\r\n", 1)[1])["error"]["type"] == "invalid_request_error"


def test_upstream_connections_are_kept_alive_and_reused(oa, openai_client):
    oa.script(*[Reply(200, OPENAI_JSON_HEADERS, openai_completion(f"answer {i}")) for i in range(3)],
              Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["streamed"], usage=False)),
              Reply(200, OPENAI_JSON_HEADERS, openai_completion("after the stream")))
    user = [{"role": "user", "content": "again"}]

    answers = [openai_client.chat.completions.create(model="gpt-4o", messages=user).choices[0].message.content
               for _ in range(3)]
    streamed = "".join(c.choices[0].delta.content or ""
                       for c in openai_client.chat.completions.create(model="gpt-4o", messages=user, stream=True))
    last = openai_client.chat.completions.create(model="gpt-4o", messages=user).choices[0].message.content

    assert answers + [streamed, last] == ["answer 0", "answer 1", "answer 2", "streamed", "after the stream"]
    # Idle upstream connections are pooled per event loop. The first four requests share one client connection
    # (one event loop), so they share one upstream connection; the SDK opens a new client connection after the
    # stream, which may be served by the other loop and its own pooled connection — never by a fifth connection.
    numbers = [request.connection.number for request in oa.requests]
    assert len(set(numbers[:4])) == 1, f"4 requests on one client connection used upstream connections {numbers}"
    assert len(set(numbers)) <= 2, f"5 sequential requests used upstream connections {numbers}"


def test_anthropic_upstream_connection_is_reused_across_sdk_requests(an, gateway):
    an.script(*[Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message(f"reply {i}")) for i in range(4)])
    with anthropic.Anthropic(base_url=gateway.url, api_key="client-key", max_retries=0) as client:
        texts = []
        for _ in range(4):
            raw = client.messages.with_raw_response.create(model="claude-haiku-4-5", max_tokens=5,
                                                           messages=[{"role": "user", "content": "x"}])
            texts.append(raw.parse().content[0].text)
            assert (raw.headers.get("connection") or "").lower() != "close"

    assert texts == [f"reply {i}" for i in range(4)]
    assert len({request.connection.number for request in an.requests}) == 1
