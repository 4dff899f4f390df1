"""Client disconnects cancel the upstream transfer; a slow client pauses it; many streams run side by side."""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import resource
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anthropic
import openai
import pytest

import harness
from mocks.upstream import Firehose, Pause, Reply, Silent, Stream
from mocks.wire import (ANTHROPIC_SSE_HEADERS, OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS, anthropic_stream_events,
                        dumps, openai_completion, openai_stream_events, sse_data)

CANCEL_LIMIT = 1.0  # seconds; the target is 100 ms


def open_raw_stream(gateway, path: str, body: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    sock.sendall(b"POST %s HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
                 b"anthropic-version: 2023-06-01\r\nContent-Length: %d\r\n\r\n%s" % (path.encode(), len(body), body))
    return sock


def read_until_contains(sock: socket.socket, needle: bytes) -> bytes:
    received = b""
    while needle not in received:
        data = sock.recv(65536)
        assert data, f"connection closed before {needle!r} arrived; got {received!r}"
        received += data
    return received


def measure_cancel(sock: socket.socket, upstream_request, what: str) -> float:
    connection = upstream_request.connection
    assert not connection.closed.is_set(), "the upstream connection closed before the client left"
    left_at = time.monotonic()
    sock.close()
    assert connection.closed.wait(5), f"{what}: the upstream transfer was never cancelled"
    latency = connection.closed_at - left_at
    harness.report(f"cancel ({what}): upstream connection closed {latency * 1000:.1f} ms after the client left")
    assert connection.closed_by_peer
    assert latency < CANCEL_LIMIT, f"{what}: cancellation took {latency * 1000:.0f} ms"
    return latency


STREAMS = {
    "openai": ("/v1/chat/completions", b'{"model":"gpt-4o","stream":true,"messages":[]}',
               lambda: openai_stream_events(["never", "sent"], usage=False), OPENAI_SSE_HEADERS),
    "anthropic": ("/v1/messages", b'{"model":"claude-sonnet-4-6","max_tokens":9,"stream":true,"messages":[]}',
                  lambda: anthropic_stream_events(["never", "sent"]), ANTHROPIC_SSE_HEADERS),
}


@pytest.mark.parametrize("dialect", list(STREAMS))
def test_client_disconnect_mid_stream_cancels_a_silent_upstream(oa, an, gateway, dialect):
    path, body, make_events, headers = STREAMS[dialect]
    mock = oa if dialect == "openai" else an
    first = make_events()[0]
    mock.script(Stream(200, headers, [first], end="hang"))

    sock = open_raw_stream(gateway, path, body)
    read_until_contains(sock, first)
    measure_cancel(sock, mock.wait_for_requests(1)[0], f"{dialect} mid-stream, upstream silent")

    assert mock.last.outcome == "peer-closed"
    assert gateway.alive()


@pytest.mark.parametrize("dialect", list(STREAMS) + ["openai-non-stream", "anthropic-non-stream"])
def test_client_disconnect_before_the_first_byte_cancels_the_upstream(oa, an, gateway, dialect):
    path, body, _, _ = STREAMS[dialect.split("-")[0]]
    if dialect.endswith("non-stream"):
        body = body.replace(b'"stream":true', b'"stream":false')
    mock = oa if dialect.startswith("openai") else an
    mock.script(Silent())

    sock = open_raw_stream(gateway, path, body)
    measure_cancel(sock, mock.wait_for_requests(1)[0], f"{dialect} before the first byte")


def test_closing_an_sdk_stream_cancels_the_upstream(oa, openai_client):
    events = openai_stream_events(["one", "two"], usage=False)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events[:2], end="hang"))

    stream = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                                                   stream=True)
    assert next(iter(stream)).choices[0].delta.role == "assistant"
    upstream = oa.wait_for_requests(1)[0]
    left_at = time.monotonic()
    stream.close()

    assert upstream.connection.closed.wait(5)
    latency = upstream.connection.closed_at - left_at
    harness.report(f"cancel (SDK stream.close()): upstream connection closed {latency * 1000:.1f} ms later")
    assert latency < CANCEL_LIMIT


def big_event_block() -> bytes:
    """64 KiB of OpenAI stream events (4 events of 16 KiB), the unit of the firehose."""
    events = []
    for index in range(4):
        prefix = dumps({"id": "chatcmpl-fire", "object": "chat.completion.chunk", "created": 1764000000,
                        "model": "gpt-4o", "choices": [{"index": 0, "delta": {"content": ""},
                                                        "finish_reason": None}]})
        # fill the content so that the whole event is exactly 16 KiB
        filler = 16384 - len(b"data: \n\n") - len(prefix)
        payload = prefix.replace(b'"content":""', b'"content":"' + bytes([97 + index]) * filler + b'"')
        events.append(sse_data(payload))
    return b"".join(events)


def test_client_disconnect_during_a_fast_stream_stops_the_upstream(oa, gateway):
    block = big_event_block()
    oa.script(Firehose(block, repeat=3200, tail=b"data: [DONE]\n\n", headers=OPENAI_SSE_HEADERS))

    sock = open_raw_stream(gateway, "/v1/chat/completions",
                           b'{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]}')
    read_until_contains(sock, b"chatcmpl-fire")
    upstream = oa.wait_for_requests(1)[0]
    left_at = time.monotonic()
    sock.close()

    assert upstream.finished.wait(5), "the upstream kept streaming after the client left"
    latency = upstream.connection.closed_at - left_at
    harness.report(f"cancel (fast stream): upstream stopped {latency * 1000:.1f} ms after the client left, "
          f"{upstream.sent_count / 1e6:.1f} MB of {3200 * len(block) / 1e6:.0f} MB sent")
    assert upstream.outcome == "peer-closed"
    assert latency < CANCEL_LIMIT


FIREHOSE_BODY = b'{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]}'
FIREHOSE_TAIL = b"data: [DONE]\n\n"


def script_firehose(oa, mebibytes: int) -> tuple[int, str]:
    """Queues a stream of `mebibytes` MiB of events; returns its length and SHA-256."""
    block = big_event_block()
    repeat = mebibytes * 1024 * 1024 // len(block)
    oa.script(Firehose(block, repeat=repeat, tail=FIREHOSE_TAIL, headers=OPENAI_SSE_HEADERS))
    digest = hashlib.sha256()
    for _ in range(repeat):
        digest.update(block)
    digest.update(FIREHOSE_TAIL)
    return repeat * len(block) + len(FIREHOSE_TAIL), digest.hexdigest()


def test_a_200_mib_stream_is_relayed_intact(oa, gateway):
    length, digest = script_firehose(oa, 200)
    received, total = hashlib.sha256(), 0
    started = time.monotonic()

    with harness.raw_client(gateway, timeout=30) as client, client.stream(
            "POST", "/v1/chat/completions", headers={"content-type": "application/json"}, content=FIREHOSE_BODY
    ) as response:
        for chunk in response.iter_raw(1 << 20):
            received.update(chunk)
            total += len(chunk)

    elapsed = time.monotonic() - started
    harness.report(f"200 MiB stream relayed in {elapsed:.2f}s ({total / elapsed / 1e6:.0f} MB/s)")
    assert response.status_code == 200
    assert (total, received.hexdigest()) == (length, digest)
    assert oa.last.outcome == "complete"


def test_slow_client_pauses_the_upstream_and_gateway_memory_stays_flat(oa, fresh_gateway):
    gateway = fresh_gateway
    length, digest = script_firehose(oa, 200)
    baseline = gateway.rss_kib()
    slow_peak = fast_peak = baseline
    received, total = hashlib.sha256(), 0

    with harness.raw_client(gateway, timeout=30) as client, client.stream(
            "POST", "/v1/chat/completions", headers={"content-type": "application/json"}, content=FIREHOSE_BODY
    ) as response:
        assert response.status_code == 200
        chunks = response.iter_raw(65536)
        slow_until = time.monotonic() + 3.0
        while time.monotonic() < slow_until:  # a slow reader: 64 KiB every 50 ms
            chunk = next(chunks)
            received.update(chunk)
            total += len(chunk)
            slow_peak = max(slow_peak, gateway.rss_kib())
            time.sleep(0.05)
        sent_while_slow, read_while_slow = oa.last.sent_count, total
        for chunk in chunks:  # then reads everything as fast as it can
            received.update(chunk)
            total += len(chunk)
            if total % (8 << 20) < 65536:
                fast_peak = max(fast_peak, gateway.rss_kib())

    slow_growth, fast_growth = (slow_peak - baseline) / 1024, (fast_peak - baseline) / 1024
    harness.report(f"back-pressure: client read {read_while_slow / 1e6:.1f} MB while slow, upstream had sent "
          f"{sent_while_slow / 1e6:.1f} MB; gateway RSS {baseline / 1024:.1f} MiB, +{slow_growth:.1f} MiB while "
          f"slow, +{fast_growth:.1f} MiB while fast, {total / 1e6:.0f} MB relayed")
    assert (total, received.hexdigest()) == (length, digest), "the relayed bytes differ from what the upstream sent"
    assert oa.last.outcome == "complete"
    assert slow_growth < 50, f"gateway RSS grew by {slow_growth:.1f} MiB for a slow client"
    assert fast_growth < 50, f"gateway RSS grew by {fast_growth:.1f} MiB once the client read fast"
    # Beyond what the client read, only socket buffers (a few MB each way) may hold the upstream's bytes.
    assert sent_while_slow < read_while_slow + 24 * 1024 * 1024, "the upstream was not paused for the slow client"


def test_a_stream_pipelined_behind_an_unread_answer_is_held_back_from_its_start(oa, fresh_gateway):
    """The socket is already full when the stream starts (the client has not read the 4 MiB answer before it), so
    no writability change will come to say so: the upstream must be paused from the first byte, then resume."""
    gateway = fresh_gateway
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("x" * (4 << 20))))
    script_firehose(oa, 64)
    first = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
             b"Content-Length: %d\r\n\r\n%s" % (len(b'{"model":"gpt-4o","messages":[]}'), b'{"model":"gpt-4o","messages":[]}'))
    second = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
              b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(FIREHOSE_BODY), FIREHOSE_BODY))
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=30) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.sendall(first + second)
        oa.wait_for_requests(2, timeout=10)
        time.sleep(2.0)  # the client reads nothing meanwhile
        sent_unread = oa.last.sent_count
        received = 0
        while received < (4 << 20) + (16 << 20):  # now it reads: the stream must resume
            chunk = sock.recv(1 << 20)
            assert chunk, f"the gateway closed after {received} bytes"
            received += len(chunk)
        sent_after = oa.last.sent_count
    harness.report(f"pipelined stream: upstream sent {sent_unread / 1e6:.1f} MB while the client read nothing, "
                   f"{sent_after / 1e6:.1f} MB once it had read {received / 1e6:.1f} MB")
    assert sent_unread < 24 * 1024 * 1024, "the upstream was not held back for a client whose socket was full"
    assert sent_after > sent_unread, "the upstream never resumed"


def test_fifty_parallel_streams_complete_with_their_own_content(oa, an, gateway):
    count = 50
    barrier = threading.Barrier(count, timeout=15)

    def pieces_for(nonce: str) -> list[str]:
        return [f"{nonce}:{index} " for index in range(12)]

    def streamed(events):
        parts = []
        for event in events:
            parts += [event, Pause(0.002)]
        return parts

    def responder(request):
        nonce = request.json()["messages"][0]["content"]
        try:
            barrier.wait()  # every stream is in flight upstream at the same time
        except threading.BrokenBarrierError:
            return Reply(599, [("content-type", "text/plain")], b"the streams did not run in parallel")
        if request.path == "/v1/messages":
            return Stream(200, ANTHROPIC_SSE_HEADERS, streamed(anthropic_stream_events(pieces_for(nonce))))
        return Stream(200, OPENAI_SSE_HEADERS, streamed(openai_stream_events(pieces_for(nonce))))

    oa.responder = responder
    an.responder = responder
    openai_client = openai.OpenAI(base_url=gateway.url + "/v1", api_key="client-key", max_retries=0, timeout=30)
    anthropic_client = anthropic.Anthropic(base_url=gateway.url, api_key="client-key", max_retries=0, timeout=30)

    def run(index: int) -> str:
        nonce = f"stream-{index:02d}"
        if index % 2:
            with anthropic_client.messages.stream(model="claude-haiku-4-5", max_tokens=64,
                                                  messages=[{"role": "user", "content": nonce}]) as stream:
                return stream.get_final_message().content[0].text
        chunks = openai_client.chat.completions.create(model="gpt-4o-mini", stream=True,
                                                       messages=[{"role": "user", "content": nonce}])
        return "".join(chunk.choices[0].delta.content or "" for chunk in chunks)

    started = time.monotonic()
    with openai_client, anthropic_client, ThreadPoolExecutor(count) as pool:
        results = list(pool.map(run, range(count)))
    elapsed = time.monotonic() - started

    harness.report(f"{count} parallel streams finished in {elapsed:.2f}s")
    assert results == ["".join(pieces_for(f"stream-{index:02d}")) for index in range(count)]
    assert len(oa.requests) == len(an.requests) == count // 2
    assert all(json.loads(r.body)["stream_options"] == {"include_usage": True} for r in oa.requests)


def open_descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_streams_past_the_descriptor_limit_wait_for_a_descriptor_instead_of_failing(oa, fresh_gateway):
    """Each stream holds two descriptors (client and upstream). With the gateway's limit lowered so that four client
    connections leave room for only one new upstream connection, the streams that cannot connect wait until an
    earlier stream ends and releases its descriptors — every stream completes, none gets a 502."""
    gateway = fresh_gateway
    body = lambda nonce: json.dumps({"model": "gpt-4o-mini", "stream": True,
                                     "messages": [{"role": "user", "content": nonce}]})
    headers = {"Content-Type": "application/json", "Connection": "close"}

    def stream_for(nonce: str) -> Stream:
        events = openai_stream_events([f"{nonce} ", "done"])
        return Stream(200, OPENAI_SSE_HEADERS, events[:2] + [Pause(0.3)] + events[2:])

    def text_of(response) -> str:
        raw = response.read()
        if response.status != 200:
            return raw.decode(errors="replace")  # the error, for the assertion's message
        chunks = [json.loads(harness.event_data(event)) for event in harness.split_events(raw)
                  if harness.event_data(event) != "[DONE]"]
        return "".join(choice["delta"].get("content") or "" for chunk in chunks for choice in chunk["choices"])

    oa.responder = lambda request: stream_for(request.json()["messages"][0]["content"])
    warm = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    warm.request("POST", "/v1/chat/completions", body("warm-up"), headers)
    assert text_of(warm.getresponse()) == "warm-up done"  # everything opened lazily is open now
    warm.close()
    time.sleep(0.2)
    base = open_descriptors(gateway.pid)  # includes the warm-up's upstream connection, idle in the pool
    resource.prlimit(gateway.pid, resource.RLIMIT_NOFILE, (base + 5, base + 5))

    count = 4
    clients = [http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=15) for _ in range(count)]
    for client in clients:
        client.connect()
    deadline = time.monotonic() + 5
    while open_descriptors(gateway.pid) < base + count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert open_descriptors(gateway.pid) == base + count, "the gateway did not accept the four connections"
    # One stream reuses the pooled connection, one more connects, the other two find no descriptor left.
    for index, client in enumerate(clients):
        client.request("POST", "/v1/chat/completions", body(f"stream-{index}"), headers)
    responses = [client.getresponse() for client in clients]
    results = [(response.status, text_of(response)) for response in responses]
    for client in clients:
        client.close()

    assert results == [(200, f"stream-{index} done") for index in range(count)], gateway.stderr_text()[-2000:]
    assert len(oa.requests) == 1 + count
    assert open_descriptors(gateway.pid) <= base + 5
